import { describe, expect, it } from 'vitest';
import { JobRequest } from '../queue/jobs.js';
import {
  aPullRequestEvent,
  aPushEvent,
  anInstallationEvent,
  anInstallationRepositoriesEvent,
  anIssueCommentEvent,
  example,
  SHA_A,
  SHA_B,
  ZERO_SHA,
} from '../../test/fixtures/webhooks/payloads.js';
import { parseCommand, mergedPullRequest, routeEvent, type RouteContext } from './route-event.js';

const ctx: RouteContext = {
  platformRepo: 'acme-bank/platform',
  botLogins: ['pave-app[bot]'],
  deliveryId: 'd-1',
  receivedAt: 1_700_000_000_000,
};
const meta = { installationId: 42, deliveryId: 'd-1', receivedAt: 1_700_000_000_000 };

describe('routeEvent: pull_request', () => {
  it.each(['opened', 'synchronize', 'reopened'])('%s in a component repository plans the pull request', (action) => {
    const payload = aPullRequestEvent({ action, headSha: SHA_A, baseSha: SHA_B, number: 12 });

    const result = routeEvent('pull_request', payload, ctx);

    expect(result).toEqual({
      jobs: [{ kind: 'plan-pr', ...meta, repo: 'acme-bank/lending-backend', prNumber: 12, headSha: SHA_A, baseSha: SHA_B, all: false }],
    });
  });

  it.each([
    ['a fork', 'mallory/lending-backend'],
    ['a deleted fork', null],
  ])('marks a pull request from %s, and not one from a branch of the repository (any case)', (_what, fork) => {
    const fromFork = routeEvent('pull_request', aPullRequestEvent({ fromFork: fork, headSha: SHA_A, baseSha: SHA_B, number: 12 }), ctx);
    const sameRepo = routeEvent('pull_request', aPullRequestEvent({ fromFork: 'ACME-BANK/Lending-Backend' }), ctx);

    expect(fromFork.jobs).toEqual([{ kind: 'plan-pr', ...meta, repo: 'acme-bank/lending-backend', prNumber: 12, headSha: SHA_A, baseSha: SHA_B, all: false, fromFork: true }]);
    expect(sameRepo.jobs).toMatchObject([{ kind: 'plan-pr' }]);
    expect(sameRepo.jobs[0]).not.toHaveProperty('fromFork');
  });

  it('marks a platform pull request from a fork too', () => {
    const result = routeEvent('pull_request', aPullRequestEvent({ repo: 'acme-bank/platform', fromFork: 'mallory/platform' }), ctx);

    expect(result.jobs).toMatchObject([{ kind: 'plan-platform-pr', fromFork: true }]);
  });

  it('plans drafts too', () => {
    const result = routeEvent('pull_request', aPullRequestEvent({ draft: true }), ctx);

    expect(result.jobs.map((j) => j.kind)).toEqual(['plan-pr']);
  });

  it('plans a pull request of the platform repository as a platform plan (names compared case-insensitively)', () => {
    const payload = aPullRequestEvent({ repo: 'Acme-Bank/Platform', number: 3 });

    const result = routeEvent('pull_request', payload, ctx);

    expect(result.jobs).toEqual([{ kind: 'plan-platform-pr', ...meta, repo: 'Acme-Bank/Platform', prNumber: 3, headSha: SHA_A, baseSha: SHA_B }]);
  });

  it('plans every repository as a component repository in the embedded mode (no platform repository)', () => {
    const result = routeEvent('pull_request', aPullRequestEvent({ repo: 'acme-bank/platform' }), { ...ctx, platformRepo: undefined });

    expect(result.jobs.map((j) => j.kind)).toEqual(['plan-pr']);
  });

  it('leaves out the installation id when the webhook is not an app delivery', () => {
    const result = routeEvent('pull_request', aPullRequestEvent({ installationId: undefined }), ctx);

    expect(result.jobs[0]).not.toHaveProperty('installationId');
  });

  it.each([
    ['closed', 'pull-request-closed'],
    ['labeled', 'unsupported-action'],
    ['ready_for_review', 'unsupported-action'],
    ['edited', 'unsupported-action'],
  ])('%s gives no jobs (%s)', (action, reason) => {
    expect(routeEvent('pull_request', aPullRequestEvent({ action }), ctx)).toEqual({ jobs: [], ignored: reason });
  });
});

describe('routeEvent: push', () => {
  it('indexes the repository at the pushed sha when a commit on the default branch touches .choreo/', () => {
    const payload = aPushEvent({ after: SHA_B, commits: [{ modified: ['README.md'] }, { added: ['.choreo/component.yaml'] }] });

    const result = routeEvent('push', payload, ctx);

    expect(result.jobs).toEqual([
      { kind: 'index-repo', ...meta, repo: 'acme-bank/lending-backend', sha: SHA_B },
      { kind: 'apply', ...meta, repo: 'acme-bank/lending-backend', sha: SHA_B, actor: expect.any(String) },
    ]);
  });

  it.each([
    ['added', { added: ['.choreo/component.yaml'] }],
    ['modified in a monorepo directory', { modified: ['services/api/.choreo/component.yaml'] }],
    ['removed', { removed: ['.choreo/endpoints.yaml'] }],
  ])('a .choreo/ file %s counts', (_name, files) => {
    expect(routeEvent('push', aPushEvent({ commits: [files] }), ctx).jobs.map((j) => j.kind)).toEqual(['index-repo', 'apply']);
  });

  it('never indexes or applies a push to a fork, whatever the branch', () => {
    const toDefault = routeEvent('push', aPushEvent({ repo: 'mallory/lending-backend', fork: true }), ctx);
    const toBranch = routeEvent('push', aPushEvent({ repo: 'mallory/lending-backend', fork: true, ref: 'refs/heads/feature' }), ctx);

    expect(toDefault).toEqual({ jobs: [], ignored: 'fork-push' });
    expect(toBranch).toEqual({ jobs: [], ignored: 'fork-push' });
  });

  it('ignores a push that changes no .choreo/ file', () => {
    const payload = aPushEvent({ commits: [{ modified: ['src/index.ts', 'choreo.md', 'x.choreo/y'] }, { removed: ['docs/.choreo'] }] });

    expect(routeEvent('push', payload, ctx)).toEqual({ jobs: [], ignored: 'no-component-changes' });
  });

  it.each([
    ['20 commits (the list may be truncated)', Array.from({ length: 20 }, () => ({ modified: ['README.md'] }))],
    ['no commits listed (a ref moved to an existing commit)', []],
    ['commits without file lists', [null]],
  ])('indexes to be safe with %s', (_name, commits) => {
    expect(routeEvent('push', aPushEvent({ commits }), ctx).jobs.map((j) => j.kind)).toEqual(['index-repo', 'apply']);
  });

  it('reconciles the components a merge to the platform repository touches', () => {
    const routed = routeEvent('push', aPushEvent({ repo: 'acme-bank/platform', message: 'Merge pull request #12 from acme-bank/bigger-db\n\nBigger DB' }), ctx);

    expect(routed.jobs).toHaveLength(1);
    expect(routed.jobs[0]).toMatchObject({ kind: 'reconcile-platform', repo: 'acme-bank/platform', prNumber: 12 });
    expect(routed.jobs[0]).toHaveProperty('before', expect.stringMatching(/^[0-9a-f]{40}$/));
  });

  it('uses the repository default branch, whatever its name', () => {
    const payload = aPushEvent({ defaultBranch: 'trunk', ref: 'refs/heads/trunk' });

    expect(routeEvent('push', payload, ctx).jobs.map((j) => j.kind)).toEqual(['index-repo', 'apply']);
  });

  it.each([
    ['another branch', { ref: 'refs/heads/feature/x' }, 'not-default-branch'],
    ['a tag named like the default branch', { ref: 'refs/tags/main' }, 'not-default-branch'],
    ['a deleted default branch', { after: ZERO_SHA, deleted: true }, 'branch-deleted'],
    ['zeros without the deleted flag', { after: ZERO_SHA, deleted: false }, 'branch-deleted'],
  ])('ignores %s', (_name, options, reason) => {
    expect(routeEvent('push', aPushEvent(options), ctx)).toEqual({ jobs: [], ignored: reason });
  });

  it('routes the example payloads of @octokit/webhooks-examples without throwing', () => {
    for (const index of [0, 1, 2, 3, 4, 5, 6]) {
      const result = routeEvent('push', example('push', undefined, index), ctx);
      expect(result.jobs.length + (result.ignored ? 1 : 0)).toBe(1);
    }
  });
});

describe('routeEvent: issue_comment', () => {
  it('turns a /pave comment on a pull request into a command', () => {
    const payload = anIssueCommentEvent({ body: '/pave plan --all\nthanks!', commentId: 77, issueNumber: 9, login: 'dev-alice' });

    const result = routeEvent('issue_comment', payload, ctx);

    expect(result).toEqual({
      jobs: [{
        kind: 'command', ...meta, repo: 'acme-bank/lending-backend', issueNumber: 9, isPullRequest: true,
        commentId: 77, author: 'dev-alice', command: 'plan --all',
      }],
    });
  });

  it('marks commands on plain issues', () => {
    const result = routeEvent('issue_comment', anIssueCommentEvent({ isPullRequest: false }), ctx);

    expect(result.jobs[0]).toMatchObject({ kind: 'command', isPullRequest: false });
  });

  it.each([
    ['by pave itself', { login: 'Pave-App[bot]', userType: 'Bot' as const }, 'comment-by-bot'],
    ['by pave, even if GitHub called it a user', { login: 'pave-app[bot]', userType: 'User' as const }, 'comment-by-bot'],
    ['by another bot', { login: 'renovate[bot]', userType: 'Bot' as const }, 'comment-by-bot'],
    ['without /pave', { body: 'LGTM, /pave plan later' }, 'not-a-command'],
    ['with /paved', { body: '/paved the way' }, 'not-a-command'],
    ['with an empty body', { body: null }, 'not-a-command'],
    ['deleted', { action: 'deleted' }, 'unsupported-action'],
  ])('ignores a comment %s', (_name, options, reason) => {
    expect(routeEvent('issue_comment', anIssueCommentEvent(options), ctx)).toEqual({ jobs: [], ignored: reason });
  });

  // Edits run nothing: the job would run as the comment's author while the editor may be someone else
  // (maintainers edit any comment), e.g. a maintainer turning an approver's comment into an approval.
  it.each([
    ['whose command changed', { body: '/pave promote staging', previousBody: '/pave promote stagign' }, 'comment-edited'],
    ['that became a command', { body: '/pave approve production', previousBody: 'looks good' }, 'comment-edited'],
    ['whose text after the command line changed', { body: '/pave plan\nnew words', previousBody: '/pave plan\nold words' }, 'comment-edited'],
    ['whose body did not change (no changes.body)', { body: '/pave plan' }, 'comment-edited'],
    ['that stopped being a command', { body: 'never mind', previousBody: '/pave plan' }, 'not-a-command'],
  ])('does not run an edited comment %s', (_name, options, reason) => {
    const payload = anIssueCommentEvent({ action: 'edited', ...options });

    expect(routeEvent('issue_comment', payload, ctx)).toEqual({ jobs: [], ignored: reason });
  });

  it('does not run a deleted command', () => {
    expect(routeEvent('issue_comment', anIssueCommentEvent({ action: 'deleted', body: '/pave approve production' }), ctx)).toEqual({ jobs: [], ignored: 'unsupported-action' });
  });
});

describe('parseCommand', () => {
  it.each([
    ['/pave plan', 'plan'],
    ['  /pave   promote production  ', 'promote production'],
    ['/pave', ''],
    ['/pave\r\nmore', ''],
    ['/pave\thelp', 'help'],
    ['/Pave plan', undefined],
    ['please /pave plan', undefined],
    ['/paveplan', undefined],
  ])('%j → %j', (body, expected) => {
    expect(parseCommand(body)).toBe(expected);
  });

  it('cuts a very long command to what the job accepts', () => {
    expect(parseCommand(`/pave ${'x'.repeat(2000)}`)).toHaveLength(500);
  });
});

describe('routeEvent: installations', () => {
  it.each(['created', 'new_permissions_accepted'])('installation %s indexes every repository at its default branch', (action) => {
    const result = routeEvent('installation', anInstallationEvent(action, ['acme-bank/a', 'acme-bank/b'], 7), ctx);

    expect(result.jobs).toEqual([
      { kind: 'index-repo', installationId: 7, deliveryId: 'd-1', receivedAt: meta.receivedAt, repo: 'acme-bank/a' },
      { kind: 'index-repo', installationId: 7, deliveryId: 'd-1', receivedAt: meta.receivedAt, repo: 'acme-bank/b' },
    ]);
  });

  it('installation deleted forgets its repositories', () => {
    const result = routeEvent('installation', anInstallationEvent('deleted', ['acme-bank/a', 'acme-bank/b']), ctx);

    expect(result.jobs).toEqual([{ kind: 'forget-repos', ...meta, repos: ['acme-bank/a', 'acme-bank/b'] }]);
  });

  it.each([
    ['suspend', ['acme-bank/a'], 'unsupported-action'],
    ['created', undefined, 'no-repositories'],
    ['deleted', [], 'no-repositories'],
  ])('installation %s with %j gives no jobs', (action, repos, reason) => {
    expect(routeEvent('installation', anInstallationEvent(action, repos), ctx)).toEqual({ jobs: [], ignored: reason });
  });

  it('repositories added to an installation are indexed, removed ones forgotten', () => {
    const added = routeEvent('installation_repositories', anInstallationRepositoriesEvent('added', { added: ['acme-bank/c'] }), ctx);
    const removed = routeEvent('installation_repositories', anInstallationRepositoriesEvent('removed', { removed: ['acme-bank/d', 'acme-bank/e'] }), ctx);

    expect(added.jobs).toEqual([{ kind: 'index-repo', ...meta, repo: 'acme-bank/c' }]);
    expect(removed.jobs).toEqual([{ kind: 'forget-repos', ...meta, repos: ['acme-bank/d', 'acme-bank/e'] }]);
  });
});

describe('routeEvent: everything else', () => {
  it.each([
    ['ping', example('ping'), 'ping'],
    ['check_run', example('check_run'), 'unsupported-event'],
    ['star', {}, 'unsupported-event'],
  ])('%s gives no jobs', (name, payload, reason) => {
    expect(routeEvent(name, payload, ctx)).toEqual({ jobs: [], ignored: reason });
  });

  it.each([
    ['pull_request', null],
    ['pull_request', 'text'],
    ['pull_request', { action: 'opened' }],
    ['pull_request', { ...aPullRequestEvent(), number: -1 }],
    ['pull_request', aPullRequestEvent({ headSha: 'not-a-sha' })],
    ['pull_request', aPullRequestEvent({ repo: 'evil/../x y' })],
    ['push', { ...aPushEvent(), commits: 'many' }],
    ['issue_comment', { ...anIssueCommentEvent(), comment: { id: 'x' } }],
    ['installation', { action: 'created' }],
    ['installation_repositories', { action: 'added', installation: { id: 1 } }],
  ])('a malformed %s payload gives no jobs and says which field', (name, payload) => {
    const result = routeEvent(name, payload, ctx);

    expect(result.jobs).toEqual([]);
    expect(result.ignored).toBe('malformed-payload');
    expect(result.detail).toEqual(expect.any(String));
  });

  it('refuses a job the queue contract would refuse (an oversized delivery id)', () => {
    const result = routeEvent('pull_request', aPullRequestEvent(), { ...ctx, deliveryId: 'x'.repeat(500) });

    expect(result).toMatchObject({ jobs: [], ignored: 'malformed-payload' });
  });

  it('produces only jobs that satisfy the queue contract', () => {
    const all = [
      routeEvent('pull_request', aPullRequestEvent(), ctx),
      routeEvent('push', aPushEvent(), ctx),
      routeEvent('issue_comment', anIssueCommentEvent(), ctx),
      routeEvent('installation', anInstallationEvent('deleted', ['acme-bank/a']), ctx),
    ].flatMap((r) => r.jobs);

    expect(all).toHaveLength(5);
    for (const job of all) expect(JobRequest.parse(job)).toEqual(job);
  });
});

describe('mergedPullRequest', () => {
  it.each([
    ['Merge pull request #12 from acme-bank/feature\n\nMore replicas', 12],
    ['More replicas for loans (#345)', 345],
    ['More replicas for loans (#345)\n\n* squashed commits', 345],
    ['Fix #12 in the middle of a line', undefined],
    ['', undefined],
  ])('%j → %s', (message, expected) => {
    expect(mergedPullRequest(message)).toBe(expected);
  });

  it('puts the merged pull request on the apply job', () => {
    const payload = aPushEvent({ after: SHA_B });
    payload.head_commit = { ...payload.head_commit, message: 'Merge pull request #7 from acme-bank/more' };
    payload.pusher = { name: 'maria', email: 'maria@example.com' };

    const apply = routeEvent('push', payload, ctx).jobs.find((j) => j.kind === 'apply');

    expect(apply).toMatchObject({ kind: 'apply', prNumber: 7, actor: 'maria', sha: SHA_B });
  });
});
