/** Commit statuses, the directory (teams, permissions) and the App's delivery log against the double. */
import { describe, expect, it } from 'vitest';
import { INSTALLATION, useGitHubHarness } from '../../../test/github-double/adapter-harness.js';
import { cutDescription } from './commit-status.js';

describe('cutDescription', () => {
  it('keeps 140 characters, cuts longer ones to 139 and an ellipsis, never half an emoji', () => {
    expect(cutDescription('x'.repeat(140))).toBe('x'.repeat(140));
    expect(cutDescription('x'.repeat(141))).toBe(`${'x'.repeat(139)}…`);
    expect(Array.from(cutDescription('🚀'.repeat(200)))).toHaveLength(140);
  });
});

describe('GitHub status reporter', () => {
  const h = useGitHubHarness();

  it('posts a status with its description cut to 140 characters and a target URL only when given', async () => {
    const sha = h.github.state.createRepo('acme/status', { installationId: INSTALLATION, files: { 'a.txt': 'a' } }).refs.get('heads/main')!;

    await h.ports.statuses.setStatus('acme/status', sha, { context: 'pave/plan', state: 'pending', description: 'Planning 3 components…' });
    await h.ports.statuses.setStatus('acme/status', sha, {
      context: 'pave/plan', state: 'failure', description: `2 policy violations: ${'production replicas ≥ 2; '.repeat(10)}`, targetUrl: 'https://pave.example/runs/1',
    });

    const posted = h.github.requests.filter((r) => r.operation === 'POST /repos/{owner}/{repo}/statuses/{sha}').map((r) => r.body as Record<string, string>);
    expect(posted[0]).toEqual({ context: 'pave/plan', state: 'pending', description: 'Planning 3 components…' });
    expect(Array.from(posted[1]!.description!)).toHaveLength(140);
    expect(posted[1]!.description!.endsWith('…')).toBe(true);
    expect(posted[1]!.target_url).toBe('https://pave.example/runs/1');
    expect(h.github.state.repo('acme/status').statuses.map((s) => [s.state, s.creator.login])).toEqual([['pending', 'pave-test[bot]'], ['failure', 'pave-test[bot]']]);
  });
});

describe('GitHub directory', () => {
  const h = useGitHubHarness();

  it('answers team membership: active only, 404 is "no"', async () => {
    h.github.state.addTeamMember('acme', 'platform', 'alice');
    h.github.state.addTeamMember('acme', 'platform', 'bob', { state: 'pending' });

    expect(await h.ports.directory.isTeamMember('acme/platform', 'alice')).toBe(true);
    expect(await h.ports.directory.isTeamMember('@acme/platform', 'alice')).toBe(true);
    expect(await h.ports.directory.isTeamMember('acme/platform', 'bob')).toBe(false);
    expect(await h.ports.directory.isTeamMember('acme/platform', 'carol')).toBe(false);
    expect(await h.ports.directory.isTeamMember('acme/nobody', 'alice')).toBe(false);
  });

  it('answers the real role (maintain, triage), not the legacy permission', async () => {
    h.github.state.createRepo('acme/perm', { installationId: INSTALLATION, private: true, files: { 'a.txt': 'a' } });
    h.github.state.setPermission('acme/perm', 'maya', 'maintain');
    h.github.state.setPermission('acme/perm', 'tom', 'triage');
    h.github.state.setPermission('acme/perm', 'ada', 'admin');
    h.github.state.user('stranger');

    const roles = await Promise.all(['maya', 'tom', 'ada', 'stranger', 'ghost'].map((login) => h.ports.directory.permission('acme/perm', login)));

    expect(roles).toEqual(['maintain', 'triage', 'admin', 'none', 'none']);
  });
});

describe('GitHub App delivery log', () => {
  const h = useGitHubHarness();

  it('lists deliveries since a time across cursor pages, finds the failures that never succeeded, and redelivers', async () => {
    const state = h.github.state;
    const at = (minutesAgo: number): string => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    state.addDelivery({ guid: 'old', event: 'push', statusCode: 500, deliveredAt: at(60 * 24 * 4) });
    state.addDelivery({ guid: 'a', event: 'push', statusCode: 503, deliveredAt: at(50) });
    state.addDelivery({ guid: 'a', event: 'push', statusCode: 202, deliveredAt: at(40), redelivery: true });
    state.addDelivery({ guid: 'b', event: 'pull_request', action: 'opened', statusCode: 500, deliveredAt: at(30) });
    for (let i = 0; i < 150; i++) state.addDelivery({ guid: `ok-${i}`, event: 'push', statusCode: 202, deliveredAt: at(20) });
    const c = state.addDelivery({ guid: 'c', event: 'issue_comment', action: 'created', statusCode: 0, deliveredAt: at(10) });
    h.github.clearRequests();

    const since = new Date(Date.now() - 3 * 24 * 3600_000);
    const all = await h.adapters.deliveries.list(since);
    const failed = await h.adapters.deliveries.listFailed(since);
    await h.adapters.deliveries.redeliver(c.id);

    expect(all).toHaveLength(154);
    expect(h.github.requests.filter((r) => r.operation === 'GET /app/hook/deliveries').length).toBe(4); // 2 pages, twice
    expect(failed.map((d) => [d.guid, d.event, d.statusCode])).toEqual([['b', 'pull_request', 500], ['c', 'issue_comment', 0]]);
    expect(state.deliveries.at(-1)).toMatchObject({ guid: 'c', redelivery: true });
    expect(h.github.requests.filter((r) => r.operation?.startsWith('GET /app') || r.operation?.startsWith('POST /app/hook')).every((r) => r.principal === 'app')).toBe(true);
  });
});
