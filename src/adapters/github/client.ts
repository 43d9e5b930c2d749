/**
 * The one place Octokit clients are built. An App gets an installation client per installation id
 * (installation tokens come from `@octokit/auth-app` and are cached for 59 minutes by the client,
 * which is itself kept) and a JWT client for the `/app/…` endpoints; a token gets one client.
 * Every client:
 *
 * - talks to `apiUrl` (GitHub Enterprise Server: `https://HOST/api/v3`; tests: the double);
 * - retries 5xx and network failures a few times (`@octokit/plugin-retry`), and primary and
 *   secondary rate limits a bounded number of times when GitHub asks for a short wait
 *   (`@octokit/plugin-throttling`); a longer wait surfaces as `RateLimitedError` so the job is
 *   delayed instead of sleeping in a worker;
 * - spaces writes per actor (1 s, 3 s for notification-triggering writes) as GitHub recommends;
 * - spends the content-creation budget before content-creating requests (see content-budget.ts);
 * - reports the latest `x-ratelimit-remaining` (for a gauge).
 */
import Bottleneck from 'bottleneck';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { GitHubAuth } from '../../config/env.js';
import { ConfigError } from '../../domain/errors.js';
import type { Logger } from '../../domain/logger.js';
import { ContentBudget, createsContent } from './content-budget.js';

const PaveOctokit = Octokit.plugin(throttling, retry);

/** An Octokit with the REST methods, pagination, throttling and retries. */
export type GitHubClient = InstanceType<typeof PaveOctokit>;

export interface RetryOptions {
  /** Retries of 5xx and network failures. @defaultValue 3 */
  readonly retries?: number;
  /** Rate-limit retries per request (primary and secondary). @defaultValue 2 */
  readonly rateLimitRetries?: number;
  /** Longest wait GitHub may ask for that is still waited out in-process; longer → `RateLimitedError`. @defaultValue 60 */
  readonly maxRetryAfterSeconds?: number;
  /** Milliseconds per "second" of the retry schedules (tests make time pass faster). @defaultValue 1000 */
  readonly timeUnitMs?: number;
  /** Minimum spacing of writes per actor, ms. @defaultValue 1000 */
  readonly writeSpacingMs?: number;
  /** Minimum spacing of writes that notify people (comments), ms. @defaultValue 3000 */
  readonly notificationSpacingMs?: number;
  /** Per-request timeout, ms. @defaultValue 30000 */
  readonly timeoutMs?: number;
}

export interface GitHubClientOptions {
  /** REST base URL without a trailing slash, e.g. `https://api.github.com`. */
  readonly apiUrl: string;
  readonly auth: GitHubAuth;
  readonly logger?: Logger;
  /** Content-creation budget, shared by every client of this factory. @defaultValue 80/min, 500/h */
  readonly budget?: ContentBudget;
  readonly retry?: RetryOptions;
  /** Called with every `x-ratelimit-remaining` GitHub sends. */
  readonly onRateLimitRemaining?: (remaining: number) => void;
  /** Installation clients kept (each holds its cached token). @defaultValue 1000 */
  readonly maxInstallations?: number;
}

export interface GitHubClients {
  /** The client for an installation (App), or the one client (token; the id is ignored). */
  forInstallation(installationId?: number): GitHubClient;
  /** The App's JWT client for `/app/…` endpoints. Throws `ConfigError` with a token. */
  app(): GitHubClient;
  /** The latest `x-ratelimit-remaining` seen, if any. */
  rateLimitRemaining(): number | undefined;
}

type ResponseHeaders = Readonly<Record<string, string | number | undefined>>;

/** Build the clients for `options.auth`; throws `ConfigError` without credentials. Construct once per process. */
export function createGitHubClients(options: GitHubClientOptions): GitHubClients {
  const { auth } = options;
  if (auth.kind === 'none') throw new ConfigError('GitHub credentials are not configured (GITHUB_APP_ID + key, or GITHUB_TOKEN)');
  const r = options.retry ?? {};
  const unit = r.timeUnitMs ?? 1000;
  const rateLimitRetries = r.rateLimitRetries ?? 2;
  const maxRetryAfter = r.maxRetryAfterSeconds ?? 60;
  const timeoutMs = r.timeoutMs ?? 30_000;
  const budget = options.budget ?? new ContentBudget();
  const logger = options.logger;
  const apiPath = new URL(options.apiUrl).pathname.replace(/\/+$/, '');
  const write = new Bottleneck.Group({ maxConcurrent: 1, minTime: r.writeSpacingMs ?? 1000 });
  const notifications = new Bottleneck.Group({ maxConcurrent: 1, minTime: r.notificationSpacingMs ?? 3000 });
  let remaining: number | undefined;

  const observe = (headers: ResponseHeaders | undefined): void => {
    const value = Number(headers?.['x-ratelimit-remaining']);
    if (headers?.['x-ratelimit-remaining'] === undefined || !Number.isFinite(value)) return;
    remaining = value;
    options.onRateLimitRemaining?.(value);
  };

  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
    const retrying = retryCount < rateLimitRetries && retryAfter <= maxRetryAfter;
    logger?.warn({ kind, method: request.method, url: request.url, retryAfter, retryCount, retrying }, 'GitHub rate limit');
    return retrying;
  };

  const build = (actor: string, authOptions: Record<string, unknown>): GitHubClient => {
    const client = new PaveOctokit({
      baseUrl: options.apiUrl,
      userAgent: 'pave',
      ...authOptions,
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: (message: string) => logger?.warn({ detail: message }, 'octokit warning'),
        error: (message: string) => logger?.error({ detail: message }, 'octokit error'),
      },
      request: { fetch: fetchWithTimeout(timeoutMs) },
      retry: { retries: r.retries ?? 3, retryAfterBaseValue: unit, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451] },
      throttle: {
        id: actor,
        write,
        notifications,
        retryAfterBaseValue: unit,
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
      },
    });
    // Registered after the plugins, so this runs once per call, outside retries.
    client.hook.wrap('request', async (request, endpoint) => {
      const { method, url } = client.request.endpoint(endpoint);
      const path = new URL(url).pathname.slice(apiPath.length);
      if (createsContent(method, path)) budget.take(actor);
      try {
        // A request object of its own per call: @octokit/plugin-retry keeps its count on
        // `options.request.retryCount`, which is otherwise the client's shared default — after a call
        // that used up its retries, the next call's first retry waited (3+1)² units instead of 1.
        // Replaced in place: every hook of this call holds this same options object.
        const { retryCount: _stale, ...own } = (endpoint.request ?? {}) as Record<string, unknown>;
        endpoint.request = own;
        const response = await request(endpoint);
        observe(response.headers as ResponseHeaders);
        return response;
      } catch (err) {
        observe((err as { response?: { headers?: ResponseHeaders } }).response?.headers);
        throw err;
      }
    });
    return client;
  };

  if (auth.kind === 'token') {
    const client = build('token', { auth: auth.token });
    return {
      forInstallation: () => client,
      app: () => {
        throw new ConfigError('this needs GitHub App credentials (GITHUB_APP_ID and a private key), not a token');
      },
      rateLimitRemaining: () => remaining,
    };
  }

  const appAuth = { appId: auth.appId, privateKey: auth.privateKey };
  let jwtClient: GitHubClient | undefined;
  const installations = new Map<number, GitHubClient>();
  const maxInstallations = options.maxInstallations ?? 1000;
  return {
    forInstallation(installationId) {
      if (installationId === undefined) throw new ConfigError('a GitHub App needs the installation id of the event');
      let client = installations.get(installationId);
      if (client) {
        installations.delete(installationId); // most recently used last
      } else {
        client = build(`installation-${installationId}`, { authStrategy: createAppAuth, auth: { ...appAuth, installationId } });
        if (installations.size >= maxInstallations) installations.delete(installations.keys().next().value!);
      }
      installations.set(installationId, client);
      return client;
    },
    app() {
      jwtClient ??= build('app', { authStrategy: createAppAuth, auth: appAuth });
      return jwtClient;
    },
    rateLimitRemaining: () => remaining,
  };
}

/** `fetch` that gives up after `timeoutMs` (Octokit then reports a 500, which is retried). */
function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(input, { ...init, signal });
  };
}
