/**
 * The double itself: git shas as git computes them, authentication as GitHub does it, request
 * conformance checking, and responses that match GitHub's published description.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTree } from './git-objects.js';
import { type GitHubDouble, SERVED, startGitHubDouble } from './index.js';

describe('git objects', () => {
  it('hashes trees exactly as git does', () => {
    const files = { 'a/b/c.txt': 'x\n', 'a.txt': 'hello', 'a-b': 'z', 'a/z.yaml': 'k: v\n' };
    const dir = mkdtempSync(join(tmpdir(), 'pave-git-'));
    try {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
      execFileSync('git', ['init', '-q', dir]);
      execFileSync('git', ['-C', dir, 'add', '-A']);
      const expected = execFileSync('git', ['-C', dir, 'write-tree'], { encoding: 'utf8' }).trim();

      expect(writeTree(new Map(), new Map(Object.entries(files)))).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('GitHub double', () => {
  let github: GitHubDouble;
  const token = 'ghp_double_test_token';

  beforeAll(async () => {
    github = await startGitHubDouble({ basePath: '/api/v3' });
    github.tokens.addPersonalToken(token, 'octocat');
    github.state.createRepo('acme/orders', { files: { 'README.md': '# orders\n', 'svc/.choreo/component.yaml': 'schemaVersion: 1.2\n' } });
  });
  afterAll(() => github.close());

  async function call(method: string, path: string, body?: unknown, auth: string | null = `token ${token}`): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
    if (auth) headers.authorization = auth;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${github.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  it('requires authentication on every call', async () => {
    const res = await call('GET', '/repos/acme/orders', undefined, null);

    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toBe('Requires authentication');
  });

  it('records requests that do not conform to the description', async () => {
    github.violations.length = 0;

    await call('POST', '/repos/acme/orders/statuses/' + github.state.resolve(github.state.repo('acme/orders'), 'main'), { state: 'fine' });
    await call('GET', '/repos/acme/orders/git/trees/main?recursive=1&bogus=2');
    await call('GET', '/repos/acme/orders/no-such-thing');
    await call('GET', '/repos/acme/orders/issues/seven/comments');

    expect(github.violations.map((v) => v.problem)).toEqual([
      expect.stringContaining('body: /state must be equal to one of the allowed values'),
      'unknown query parameter bogus',
      expect.stringContaining('no such operation'),
      'path: /issue_number must be integer',
    ]);
    github.violations.length = 0;
  });

  it('serves every operation with responses that match GitHub\'s description', async () => {
    const state = github.state;
    state.addInstallation(7, 'acme');
    const repo = state.repo('acme/orders');
    const base = state.resolve(repo, 'main')!;
    state.commit('acme/orders', { branch: 'feature/x', files: { 'svc/.choreo/component.yaml': 'schemaVersion: 1.1\n', 'svc/new.txt': 'n' } });
    const pull = state.createPullRequest('acme/orders', { head: 'feature/x', author: 'dev' });
    const comment = state.addComment('acme/orders', pull.number, 'hello', 'dev');
    const commitComment = state.addCommitComment('acme/orders', base, 'a note on the commit', 'dev');
    state.addTeamMember('acme', 'platform', 'dev');
    state.addOrgMember('acme', 'octocat');
    state.setPermission('acme/orders', 'dev', 'maintain');
    const delivery = state.addDelivery({ event: 'push', statusCode: 500 });
    const jwt = (await import('./auth.test-helpers.js')).appJwt(github.app);

    const calls: [string, string, unknown?, string?][] = [
      ['GET', '/repos/acme/orders'],
      ['GET', `/repos/acme/orders/commits/${base}`],
      ['GET', '/repos/acme/orders/commits/main/statuses'],
      ['GET', '/repos/acme/orders/git/trees/main?recursive=1'],
      ['GET', `/repos/acme/orders/git/blobs/${[...state.repo('acme/orders').objects].find(([, o]) => o.type === 'blob')![0]}`],
      ['GET', '/repos/acme/orders/contents/svc?ref=main'],
      ['GET', '/repos/acme/orders/contents/README.md'],
      ['GET', `/repos/acme/orders/compare/main...feature%2Fx`],
      ['GET', `/repos/acme/orders/pulls/${pull.number}`],
      ['GET', `/repos/acme/orders/pulls/${pull.number}/files`],
      ['POST', `/repos/acme/orders/statuses/${pull.headSha}`, { state: 'pending', context: 'pave/plan', description: 'planning' }],
      ['GET', `/repos/acme/orders/issues/${pull.number}/comments?per_page=1`],
      ['POST', `/repos/acme/orders/issues/${pull.number}/comments`, { body: 'plan' }],
      ['GET', `/repos/acme/orders/issues/comments/${comment.id}`],
      ['PATCH', `/repos/acme/orders/issues/comments/${comment.id}`, { body: 'edited' }],
      ['POST', `/repos/acme/orders/issues/comments/${comment.id}/reactions`, { content: 'eyes' }],
      ['POST', `/repos/acme/orders/commits/${base}/comments`, { body: 'deployed' }],
      ['GET', `/repos/acme/orders/commits/${base}/comments?per_page=10`],
      ['PATCH', `/repos/acme/orders/comments/${commitComment.id}`, { body: 'deployed again' }],
      ['POST', `/repos/acme/orders/issues/comments/${comment.id}/reactions`, { content: 'eyes' }],
      ['GET', `/repos/acme/orders/issues/comments/${comment.id}/reactions`],
      ['GET', '/orgs/acme/teams/platform/memberships/dev'],
      ['GET', '/repos/acme/orders/collaborators/dev/permission'],
      ['GET', '/rate_limit'],
      ['GET', '/user'],
      ['GET', '/user/memberships/orgs/acme'],
      ['GET', '/app', undefined, `Bearer ${jwt}`],
      ['POST', '/app/installations/7/access_tokens', undefined, `Bearer ${jwt}`],
      ['GET', '/app/hook/deliveries?status=failure', undefined, `Bearer ${jwt}`],
      ['GET', `/app/hook/deliveries/${delivery.id}`, undefined, `Bearer ${jwt}`],
      ['POST', `/app/hook/deliveries/${delivery.id}/attempts`, undefined, `Bearer ${jwt}`],
      ['GET', '/app/installations', undefined, `Bearer ${jwt}`],
      ['GET', '/installation/repositories?per_page=100', undefined, `token ${github.tokens.issueInstallationToken(7, Date.now()).token}`],
      ['DELETE', `/repos/acme/orders/issues/comments/${comment.id}`],
    ];
    github.clearRequests();
    const statuses: number[] = [];
    for (const [method, path, body, auth] of calls) statuses.push((await call(method, path, body, auth)).status);

    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201, 200, 201, 200, 200, 201, 201, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201, 200, 200, 202, 200, 200, 204]);
    expect(new Set(github.requests.map((r) => r.operation))).toEqual(new Set(SERVED.keys)); // every served operation
    expect(github.responseViolations).toEqual([]);
    expect(github.violations).toEqual([]);
  });

  it('rejects a JWT signed by another key, and installation tokens on /app endpoints', async () => {
    const { appJwt } = await import('./auth.test-helpers.js');
    const { createTestApp } = await import('./auth.js');
    const forged = appJwt({ ...createTestApp(github.app.id) });

    expect((await call('GET', '/app', undefined, `Bearer ${forged}`)).status).toBe(401);
    expect((await call('GET', '/app', undefined, `token ${token}`)).status).toBe(401);
  });
});
