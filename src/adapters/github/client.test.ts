import { describe, expect, it } from 'vitest';
import { ConfigError, NotFoundError, RateLimitedError, TerminalError, TransientError } from '../../domain/errors.js';
import { FAST_RETRY, INSTALLATION, useGitHubHarness } from '../../../test/github-double/adapter-harness.js';
import { primaryRateLimit, secondaryRateLimit, serverError, tooManyRequests } from '../../../test/github-double/index.js';
import { ContentBudget } from './content-budget.js';
import { createGitHubClients } from './client.js';
import { createGitHubAdapters } from './index.js';

const TOKENS = 'POST /app/installations/{installation_id}/access_tokens';
const REPO = 'GET /repos/{owner}/{repo}';
const STATUS = 'POST /repos/{owner}/{repo}/statuses/{sha}';

describe('GitHub clients', () => {
  const h = useGitHubHarness({ basePath: '/api/v3' });

  it('exchanges the App JWT for one installation token per installation and reuses it', async () => {
    h.github.state.createRepo('acme/tokens', { files: { 'a.txt': 'a' } });
    h.github.state.addInstallation(9, 'acme');
    const adapters = h.build();
    h.github.clearRequests();

    for (let i = 0; i < 3; i++) await adapters.forInstallation(INSTALLATION).reader.defaultBranch(`acme/tokens`);
    await adapters.forInstallation(9).directory.permission('acme/tokens', 'acme');
    await adapters.forInstallation(9).directory.permission('acme/tokens', 'acme');

    expect(h.github.requests.filter((r) => r.operation === TOKENS).map((r) => r.path)).toEqual([
      `/app/installations/${INSTALLATION}/access_tokens`, '/app/installations/9/access_tokens',
    ]);
    expect(h.github.requests.filter((r) => r.operation === TOKENS).every((r) => r.principal === 'app')).toBe(true);
    expect(h.github.requests.filter((r) => r.operation !== TOKENS).every((r) => r.principal === 'installation')).toBe(true);
  });

  it('works with a token, and refuses App-only calls then', async () => {
    h.github.tokens.addPersonalToken('ghp_token_mode', 'octocat');
    h.github.state.createRepo('acme/token-mode', { defaultBranch: 'develop', files: { 'a.txt': 'a' } });
    const adapters = createGitHubAdapters({ apiUrl: h.github.url, auth: { kind: 'token', token: 'ghp_token_mode' } });

    expect(await adapters.forInstallation().reader.defaultBranch('acme/token-mode')).toBe('develop');
    await expect(adapters.deliveries.redeliver(1)).rejects.toBeInstanceOf(ConfigError);
    expect(() => createGitHubAdapters({ apiUrl: h.github.url, auth: { kind: 'none' } })).toThrow(ConfigError);
  });

  it('knows the login its comments appear under, asking once', async () => {
    h.github.tokens.addPersonalToken('ghp_whoami', 'pave-bot-user');
    const tokenMode = createGitHubAdapters({ apiUrl: h.github.url, auth: { kind: 'token', token: 'ghp_whoami' } });
    const appMode = h.build();
    h.github.clearRequests();

    expect(await appMode.botLogin()).toBe('pave-test[bot]');
    expect(await appMode.botLogin()).toBe('pave-test[bot]');
    expect(await tokenMode.botLogin()).toBe('pave-bot-user');
    expect(h.github.requests.map((r) => r.operation)).toEqual(['GET /app', 'GET /user']);
  });

  it('needs an installation id in App mode', () => {
    expect(() => h.adapters.forInstallation()).toThrow(ConfigError);
  });

  it('reports the latest x-ratelimit-remaining', async () => {
    const seen: number[] = [];
    h.github.state.createRepo('acme/gauge', { files: { 'a.txt': 'a' } });
    const adapters = h.build({ onRateLimitRemaining: (n) => seen.push(n) });

    await adapters.forInstallation(INSTALLATION).reader.defaultBranch('acme/gauge');
    h.github.inject(REPO, primaryRateLimit(Math.floor(Date.now() / 1000) + 3600));
    await adapters.forInstallation(INSTALLATION).reader.defaultBranch('acme/gauge-missing').catch(() => undefined);

    expect(seen[0]).toBeGreaterThan(4000);
    expect(adapters.rateLimitRemaining()).toBe(0);
  });
});

describe('GitHub errors through the client', () => {
  const h = useGitHubHarness();

  it('retries a 500 and then succeeds', async () => {
    h.github.state.createRepo('acme/flaky', { installationId: INSTALLATION, defaultBranch: 'main', files: { 'a.txt': 'a' } });
    h.github.inject(REPO, serverError(500), 2);
    h.github.clearRequests();

    expect(await h.build().forInstallation(INSTALLATION).reader.defaultBranch('acme/flaky')).toBe('main');
    expect(h.github.requests.filter((r) => r.operation === REPO).map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('counts retries per call: a retry never slows the next call down (the shared request defaults stay untouched)', async () => {
    const clients = createGitHubClients({ apiUrl: h.github.url, auth: { kind: 'app', appId: h.github.app.id, privateKey: h.github.app.privateKey }, retry: FAST_RETRY });
    const octokit = clients.forInstallation(INSTALLATION);
    h.github.clearRequests();

    for (let i = 0; i < 3; i++) {
      h.github.inject(REPO, serverError(500), 2);
      expect((await octokit.rest.repos.get({ owner: 'acme', repo: 'flaky' })).data.default_branch).toBe('main');
    }

    expect(h.github.requests.filter((r) => r.operation === REPO).map((r) => r.status)).toEqual([500, 500, 200, 500, 500, 200, 500, 500, 200]);
    // plugin-retry keeps its count on `options.request`; the 4th call's first retry would wait (6+1)² units otherwise.
    expect((octokit.request.endpoint.DEFAULTS.request as { retryCount?: number } | undefined)?.retryCount).toBeUndefined();
  });

  it('gives up on a 5xx that persists with TransientError', async () => {
    h.github.inject(REPO, serverError(502), 10);

    await expect(h.build().forInstallation(INSTALLATION).reader.defaultBranch('acme/flaky')).rejects.toBeInstanceOf(TransientError);
    h.github.clearFaults();
  });

  it('waits out a short secondary rate limit as GitHub asks, then succeeds', async () => {
    h.github.state.createRepo('acme/busy', { installationId: INSTALLATION, files: { 'a.txt': 'a' } });
    h.github.inject(REPO, secondaryRateLimit(2));
    h.github.clearRequests();

    expect(await h.build().forInstallation(INSTALLATION).reader.defaultBranch('acme/busy')).toBe('main');
    expect(h.github.requests.filter((r) => r.operation === REPO).map((r) => r.status)).toEqual([403, 200]);
  });

  it('turns a long rate-limit wait into RateLimitedError instead of sleeping', async () => {
    h.github.inject(REPO, secondaryRateLimit(600));
    const secondary = await h.build().forInstallation(INSTALLATION).reader.defaultBranch('acme/busy').catch((e: unknown) => e);
    const reset = Math.floor(Date.now() / 1000) + 1800;
    h.github.inject(REPO, primaryRateLimit(reset));
    const primary = await h.build().forInstallation(INSTALLATION).reader.defaultBranch('acme/busy').catch((e: unknown) => e);

    expect(secondary).toBeInstanceOf(RateLimitedError);
    expect((secondary as RateLimitedError).retryAfterMs).toBe(600_000);
    expect(primary).toBeInstanceOf(RateLimitedError);
    expect((primary as RateLimitedError).retryAfterMs).toBeGreaterThan(1_790_000);
    expect((primary as RateLimitedError).retryAfterMs).toBeLessThanOrEqual(1_801_000);
  });

  it('turns a 429 into RateLimitedError with its retry-after', async () => {
    h.github.inject(REPO, tooManyRequests(30));

    const err = await h.build().forInstallation(INSTALLATION).reader.defaultBranch('acme/busy').catch((e: unknown) => e);

    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(30_000);
  });

  it('maps 404 to NotFoundError, 403 without rate limit and 422 to TerminalError', async () => {
    const ports = h.build().forInstallation(INSTALLATION);
    h.github.state.createRepo('acme/errors', { installationId: INSTALLATION, files: { 'a.txt': 'a' } });

    await expect(ports.reader.defaultBranch('acme/does-not-exist')).rejects.toBeInstanceOf(NotFoundError);
    h.github.inject(REPO, { status: 403, body: { message: 'Resource not accessible by integration' } });
    await expect(ports.reader.defaultBranch('acme/errors')).rejects.toBeInstanceOf(TerminalError);
    // A status on a sha the repository does not have: GitHub answers 422.
    await expect(ports.statuses.setStatus('acme/errors', 'f'.repeat(40), { context: 'pave/plan', state: 'pending', description: 'x' })).rejects.toBeInstanceOf(TerminalError);
  });

  it('maps a revoked token to TerminalError', async () => {
    h.github.tokens.addPersonalToken('ghp_revoked', 'octocat');
    const adapters = createGitHubAdapters({ apiUrl: h.github.url, auth: { kind: 'token', token: 'ghp_revoked' } });
    h.github.tokens.revoke('ghp_revoked');

    await expect(adapters.forInstallation().reader.defaultBranch('acme/errors')).rejects.toBeInstanceOf(TerminalError);
  });
});

describe('content-creation budget', () => {
  const h = useGitHubHarness();

  it('throws RateLimitedError with the wait once the budget is spent, without calling GitHub', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const budget = new ContentBudget({ perMinute: 3, perHour: 100, clock: { now: () => new Date(now) } });
    const repo = h.github.state.createRepo('acme/budget', { installationId: INSTALLATION, files: { 'a.txt': 'a' } });
    const sha = repo.refs.get('heads/main')!;
    const statuses = h.build({ budget }).forInstallation(INSTALLATION).statuses;
    let n = 0;
    const post = () => statuses.setStatus('acme/budget', sha, { context: 'pave/plan', state: 'success', description: `ok ${n++}` });
    h.github.clearRequests();

    for (let i = 0; i < 3; i++) await post();
    const err = await post().catch((e: unknown) => e);
    now += 20_000;
    await post();

    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(20_000);
    expect(h.github.count(STATUS)).toBe(4);
  });

  it('counts only content-creating requests, per installation', async () => {
    const budget = new ContentBudget({ perMinute: 1, perHour: 100 });
    h.github.state.createRepo('acme/budget-reads', { files: { 'a.txt': 'a' } });
    h.github.state.addInstallation(11, 'acme');
    const adapters = h.build({ budget });

    for (let i = 0; i < 5; i++) await adapters.forInstallation(INSTALLATION).reader.defaultBranch('acme/budget-reads');
    const sha = h.github.state.repo('acme/budget-reads').refs.get('heads/main')!;
    await adapters.forInstallation(INSTALLATION).statuses.setStatus('acme/budget-reads', sha, { context: 'c', state: 'success', description: 'one' });
    await adapters.forInstallation(11).statuses.setStatus('acme/budget-reads', sha, { context: 'c', state: 'success', description: 'two' });

    await expect(adapters.forInstallation(11).statuses.setStatus('acme/budget-reads', sha, { context: 'c', state: 'success', description: 'three' })).rejects.toBeInstanceOf(RateLimitedError);
  });
});
