import { describe, expect, it } from 'vitest';
import { INSTALLATION, useGitHubHarness } from '../../../test/github-double/adapter-harness.js';
import { serverError } from '../../../test/github-double/index.js';
import { COMMENT_BUDGET, cutBody, MAX_COMMENT_LENGTH, stickyBody } from './pr-comment.js';

const MARKER = '<!-- pave:plan -->';
const CREATE = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments';
const UPDATE = 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}';
const DEPLOY = '<!-- pave:deploy -->';
const CREATE_ON_COMMIT = 'POST /repos/{owner}/{repo}/commits/{commit_sha}/comments';
const LIST_ON_COMMIT = 'GET /repos/{owner}/{repo}/commits/{commit_sha}/comments';
const UPDATE_ON_COMMIT = 'PATCH /repos/{owner}/{repo}/comments/{comment_id}';

describe('cutBody', () => {
  it('leaves a body within the budget alone', () => {
    expect(cutBody('short')).toBe('short');
  });

  it('cuts at a line break, closes an open code fence and <details>, and says so', () => {
    const body = `<details><summary>plan</summary>\n\n\`\`\`diff\n${'+ line\n'.repeat(20_000)}`;

    const cut = cutBody(body);

    expect(new TextEncoder().encode(cut).byteLength).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(cut).toMatch(/\+ line\n```\n<\/details>\n\n---\n_✂️ pave cut this report to fit GitHub's comment limit \(140,042 characters in full\)._\n$/);
  });

  it('counts UTF-8 bytes and never splits a character', () => {
    const body = '🚀'.repeat(40_000); // 80,000 UTF-16 units, 160,000 bytes

    const cut = cutBody(body);

    expect(new TextEncoder().encode(cut).byteLength).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(cut).not.toContain('\uFFFD');
    expect(cut.startsWith('🚀'.repeat(10_000))).toBe(true);
  });

  it('keeps the marker when the body is cut', () => {
    expect(stickyBody(MARKER, 'x'.repeat(100_000)).startsWith(`${MARKER}\n`)).toBe(true);
    expect(stickyBody(MARKER, `${'y'.repeat(100_000)}\n${MARKER}`).startsWith(`${MARKER}\n`)).toBe(true);
    expect(stickyBody(MARKER, `${MARKER}\nbody`)).toBe(`${MARKER}\nbody`);
  });
});

describe('GitHub comment reporter', () => {
  const h = useGitHubHarness();

  function pullRequest(name: string): number {
    h.github.state.createRepo(name, { installationId: INSTALLATION, files: { 'a.txt': 'a' } });
    h.github.state.commit(name, { branch: 'feature', files: { 'a.txt': 'b' } });
    return h.github.state.createPullRequest(name, { head: 'feature', author: 'dev' }).number;
  }

  it('creates the sticky comment, edits it in place, and skips an identical body', async () => {
    const number = pullRequest('acme/sticky');
    h.github.state.addComment('acme/sticky', number, 'LGTM', 'reviewer');
    const comments = h.ports.comments;
    h.github.clearRequests();

    const outcomes = [
      await comments.upsertComment('acme/sticky', number, MARKER, '## Plan\n\n1 change'),
      await comments.upsertComment('acme/sticky', number, MARKER, '## Plan\n\n2 changes'),
      await comments.upsertComment('acme/sticky', number, MARKER, '## Plan\n\n2 changes'),
    ];

    expect(outcomes).toEqual(['created', 'updated', 'unchanged']);
    expect({ creates: h.github.count(CREATE), updates: h.github.count(UPDATE) }).toEqual({ creates: 1, updates: 1 });
    const bodies = h.github.state.repo('acme/sticky').comments.map((c) => [c.user.login, c.body]);
    expect(bodies).toEqual([['reviewer', 'LGTM'], ['pave-test[bot]', `${MARKER}\n## Plan\n\n2 changes`]]);
  });

  it('finds its comment on a later page', async () => {
    const number = pullRequest('acme/busy-pr');
    for (let i = 0; i < 150; i++) h.github.state.addComment('acme/busy-pr', number, `comment ${i}`, 'dev');
    await h.ports.comments.upsertComment('acme/busy-pr', number, MARKER, 'plan v1');
    h.github.clearRequests();

    expect(await h.ports.comments.upsertComment('acme/busy-pr', number, MARKER, 'plan v2')).toBe('updated');
    expect(h.github.requests.filter((r) => r.operation?.startsWith('GET')).map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
  });

  it('cuts a 70,000-character report under GitHub\'s limit instead of failing', async () => {
    const number = pullRequest('acme/long');

    expect(await h.ports.comments.upsertComment('acme/long', number, MARKER, `# Plan\n${'a very long line of plan output\n'.repeat(2_200)}`)).toBe('created');

    const posted = h.github.state.repo('acme/long').comments[0]!.body;
    expect(posted.length).toBeLessThan(MAX_COMMENT_LENGTH - 900);
    expect(posted.startsWith(MARKER)).toBe(true);
    expect(posted).toContain('pave cut this report');
  });

  it('reacts to a comment once, however often asked', async () => {
    const number = pullRequest('acme/react');
    const command = h.github.state.addComment('acme/react', number, '/pave plan', 'dev');

    await h.ports.comments.react('acme/react', command.id, 'eyes');
    await h.ports.comments.react('acme/react', command.id, 'eyes');
    await h.ports.comments.react('acme/react', command.id, 'rocket');

    expect(command.reactions.map((r) => r.content)).toEqual(['eyes', 'rocket']);
  });

  it('replies with a new comment each time', async () => {
    const number = pullRequest('acme/reply');

    await h.ports.comments.reply('acme/reply', number, 'You may not apply to production.');
    await h.ports.comments.reply('acme/reply', number, 'You may not apply to production.');

    expect(h.github.state.repo('acme/reply').comments.map((c) => c.body)).toEqual(['You may not apply to production.', 'You may not apply to production.']);
  });
});

describe('GitHub commit comment reporter', () => {
  const h = useGitHubHarness();

  function pushed(name: string): string {
    h.github.state.createRepo(name, { installationId: INSTALLATION, files: { 'a.txt': 'a' } });
    return h.github.state.commit(name, { files: { 'a.txt': 'pushed straight to main' } });
  }

  it('creates the sticky comment on the commit, edits it in place, and skips an identical body', async () => {
    const sha = pushed('acme/direct');
    h.github.state.addCommitComment('acme/direct', sha, 'nice', 'reviewer');
    h.github.clearRequests();

    const outcomes = [
      await h.ports.comments.upsertCommitComment('acme/direct', sha, DEPLOY, '### pave apply\n\n✅ applied'),
      await h.ports.comments.upsertCommitComment('acme/direct', sha, DEPLOY, '### pave apply\n\n❌ not applied'),
      await h.ports.comments.upsertCommitComment('acme/direct', sha, DEPLOY, '### pave apply\n\n❌ not applied'),
    ];

    expect(outcomes).toEqual(['created', 'updated', 'unchanged']);
    expect({ lists: h.github.count(LIST_ON_COMMIT), creates: h.github.count(CREATE_ON_COMMIT), updates: h.github.count(UPDATE_ON_COMMIT) })
      .toEqual({ lists: 3, creates: 1, updates: 1 });
    const comments = h.github.state.repo('acme/direct').commitComments.map((c) => [c.commitId === sha, c.user.login, c.body]);
    expect(comments).toEqual([[true, 'reviewer', 'nice'], [true, 'pave-test[bot]', `${DEPLOY}\n### pave apply\n\n❌ not applied`]]);
    // Nothing went to the issue-comment API.
    expect(h.github.count(CREATE) + h.github.count(UPDATE)).toBe(0);
  });

  it('keeps one comment per commit: another commit gets its own', async () => {
    const first = pushed('acme/two-pushes');
    const second = h.github.state.commit('acme/two-pushes', { files: { 'a.txt': 'again' } });

    await h.ports.comments.upsertCommitComment('acme/two-pushes', first, DEPLOY, 'first');
    await h.ports.comments.upsertCommitComment('acme/two-pushes', second, DEPLOY, 'second');

    expect(h.github.state.repo('acme/two-pushes').commitComments.map((c) => [c.commitId, c.body]))
      .toEqual([[first, `${DEPLOY}\nfirst`], [second, `${DEPLOY}\nsecond`]]);
  });

  it('finds its comment on a later page and prefers its own over a quoted marker', async () => {
    const sha = pushed('acme/busy-commit');
    for (let i = 0; i < 120; i++) h.github.state.addCommitComment('acme/busy-commit', sha, `comment ${i}`, 'dev');
    const mine = h.github.state.addCommitComment('acme/busy-commit', sha, `${DEPLOY}\nv1`, 'pave-test[bot]');
    const quoted = h.github.state.addCommitComment('acme/busy-commit', sha, `> ${DEPLOY}\nwhy did this fail?`, 'dev');
    h.github.clearRequests();

    expect(await h.ports.comments.upsertCommitComment('acme/busy-commit', sha, DEPLOY, 'v2')).toBe('updated');

    expect(h.github.requests.filter((r) => r.operation === LIST_ON_COMMIT).map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    expect(mine.body).toBe(`${DEPLOY}\nv2`);
    expect(quoted.body).toBe(`> ${DEPLOY}\nwhy did this fail?`);
  });

  it('never adds a second comment when a failed report is retried', async () => {
    const sha = pushed('acme/flaky');
    h.github.inject(CREATE_ON_COMMIT, serverError(502), 10);

    await expect(h.ports.comments.upsertCommitComment('acme/flaky', sha, DEPLOY, 'applied')).rejects.toMatchObject({ code: expect.any(String) });
    h.github.clearFaults();
    const retried = [
      await h.ports.comments.upsertCommitComment('acme/flaky', sha, DEPLOY, 'applied'),
      await h.ports.comments.upsertCommitComment('acme/flaky', sha, DEPLOY, 'applied'),
    ];

    expect(retried).toEqual(['created', 'unchanged']);
    expect(h.github.state.repo('acme/flaky').commitComments).toHaveLength(1);
  });

  it('cuts a long report under GitHub\'s limit', async () => {
    const sha = pushed('acme/long-commit');

    await h.ports.comments.upsertCommitComment('acme/long-commit', sha, DEPLOY, `# Apply\n${'a long line of apply output\n'.repeat(3_000)}`);

    const posted = h.github.state.repo('acme/long-commit').commitComments[0]!.body;
    expect(posted.length).toBeLessThan(MAX_COMMENT_LENGTH - 900);
    expect(posted).toContain('pave cut this report');
  });
});
