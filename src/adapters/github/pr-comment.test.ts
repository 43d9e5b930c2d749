import { describe, expect, it } from 'vitest';
import { INSTALLATION, useGitHubHarness } from '../../../test/github-double/adapter-harness.js';
import { COMMENT_BUDGET, cutBody, MAX_COMMENT_LENGTH, stickyBody } from './pr-comment.js';

const MARKER = '<!-- pave:plan -->';
const CREATE = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments';
const UPDATE = 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}';

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
