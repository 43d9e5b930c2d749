/**
 * The GitHub double: a real HTTP server (hono on 127.0.0.1, random port) that serves the part of
 * GitHub's REST API pave uses from in-memory state. Every request is recorded, matched to its
 * operation in GitHub's published description and checked against it (`violations`), then
 * authenticated (app JWT, installation token, personal token) and served. Responses carry
 * GitHub's rate-limit headers and are checked against the description too
 * (`responseViolations`), so the double cannot drift from GitHub's real shapes unnoticed.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { authenticate, createTestApp, type Principal, type TestApp, TokenRegistry } from './auth.js';
import type { DoubleSettings, HandlerContext, Reply } from './context.js';
import { error } from './context.js';
import { type Fault, FaultQueue } from './faults.js';
import { OpenApiSubset, type OperationKey, type Violation } from './openapi.js';
import { appRoutes } from './routes-app.js';
import { gitRoutes } from './routes-git.js';
import { issueRoutes } from './routes-issues.js';
import { oauthWebFlow, type OAuthDouble } from './oauth.js';
import { DoubleState, type DeliveryState } from './state.js';
import { deliver, type DeliverOptions } from './webhooks.js';
import { recordSecrets, recordSeen } from '../helpers/leak-registry.js';

export interface RecordedRequest {
  readonly method: string;
  /** Path without the base path and query, e.g. `/repos/acme/app/git/blobs/…`. */
  readonly path: string;
  readonly operation: OperationKey | null;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly status: number;
  readonly principal: Principal['kind'] | null;
}

export interface GitHubDoubleOptions {
  /** A path prefix like GitHub Enterprise Server's `/api/v3`. @defaultValue '' */
  readonly basePath?: string;
  /** The test GitHub App. @defaultValue a fresh RSA key, app id 4242 */
  readonly app?: TestApp;
}

export interface GitHubDouble {
  /** Base URL to give Octokit (`baseUrl`), with the base path. */
  readonly url: string;
  /** The test app's id and PKCS#1 private key. */
  readonly app: TestApp;
  /** The seeding API and the world the handlers serve. */
  readonly state: DoubleState;
  readonly settings: DoubleSettings;
  readonly tokens: TokenRegistry;
  /** The OAuth web flow (`/login/oauth/…` at the server's root, not under the base path). */
  readonly oauth: OAuthDouble;
  /** The server's root (where the OAuth web flow is served): `GITHUB_WEB_URL`. */
  readonly webUrl: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Requests that did not conform to GitHub's description; tests assert this is empty. */
  readonly violations: Violation[];
  /** Responses of the double that did not conform (a bug in the double). */
  readonly responseViolations: Violation[];
  /**
   * Deliver a webhook as GitHub would: recorded in the App's delivery log and POSTed, signed, to
   * `settings.webhook`; with `fail`, recorded as failed with that status (0: timed out) and never
   * sent — a lost delivery that only a redelivery brings to pave.
   */
  deliver(event: string, payload: object, options?: DeliverOptions): Promise<DeliveryState>;
  /** Answer the next `times` requests to `operation` with `fault`. */
  inject(operation: OperationKey, fault: Fault, times?: number): void;
  /** Drop every injected fault not yet used. */
  clearFaults(): void;
  /** Requests made to one operation (after the last {@link clearRequests}). */
  count(operation: OperationKey): number;
  clearRequests(): void;
  close(): Promise<void>;
}

/** The operations the double serves: every operation in `openapi-subset.json`. */
export const SERVED = new OpenApiSubset();

export async function startGitHubDouble(options: GitHubDoubleOptions = {}): Promise<GitHubDouble> {
  const basePath = options.basePath ?? '';
  const app = options.app ?? createTestApp();
  const state = new DoubleState();
  const tokens = new TokenRegistry();
  const faults = new FaultQueue();
  const settings: DoubleSettings = { recursiveTreeLimit: 100_000, botLogin: 'pave-test[bot]', redeliveryStatusCode: 202 };
  const requests: RecordedRequest[] = [];
  const violations: Violation[] = [];
  const responseViolations: Violation[] = [];
  const routes = { ...gitRoutes, ...issueRoutes, ...appRoutes(tokens, app.id) };
  const remaining = new Map<string, number>();
  let api = '';

  const hono = new Hono();
  const oauth = oauthWebFlow(hono, tokens);
  hono.all('*', async (c) => {
    const url = new URL(c.req.url);
    const method = c.req.method;
    const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) || '/' : url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const raw = await c.req.text();
    let body: unknown;
    const problems: string[] = [];
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        problems.push('request body is not JSON');
      }
    }
    const matched = SERVED.match(method, path);
    const record = (status: number, principal: Principal | null): void => {
      requests.push({ method, path, operation: matched?.key ?? null, query, body, status, principal: principal?.kind ?? null });
    };
    if (!matched) {
      violations.push({ operation: null, method, path, problem: 'no such operation in GitHub\'s description (or not served by the double)' });
      record(404, null);
      return c.json({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }, 404);
    }
    problems.push(...SERVED.checkRequest(matched.key, matched.params, query, body));
    for (const problem of problems) violations.push({ operation: matched.key, method, path, problem });

    const fault = faults.take(matched.key);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));

    const auth = authenticate(c.req.header('authorization'), app, tokens, state.now().getTime());
    const principal = auth.ok ? auth.principal : null;
    let reply: Reply;
    if (fault?.status !== undefined) {
      reply = { status: fault.status, body: fault.body ?? { message: 'Injected fault' }, headers: fault.headers };
    } else if (!auth.ok) {
      reply = error(401, auth.message);
    } else {
      const ctx: HandlerContext = { state, api, principal: auth.principal, params: matched.params, query, body, headers: c.req.raw.headers, settings };
      reply = routes[matched.key]!(ctx);
      if (reply.body !== undefined && reply.text === undefined) {
        for (const problem of SERVED.checkResponse(matched.key, reply.status, reply.body)) {
          responseViolations.push({ operation: matched.key, method, path, problem });
        }
      }
    }
    record(reply.status, principal);

    const headers = new Headers({ 'x-github-media-type': 'github.v3; format=json', 'x-github-request-id': `DOUBLE:${requests.length}` });
    if (principal && principal.kind !== 'app' && matched.key !== 'GET /rate_limit') {
      const key = 'token' in principal ? principal.token : 'app';
      const left = Math.max((remaining.get(key) ?? 5000) - 1, 0);
      remaining.set(key, left);
      headers.set('x-ratelimit-limit', '5000');
      headers.set('x-ratelimit-remaining', String(left));
      headers.set('x-ratelimit-used', String(5000 - left));
      headers.set('x-ratelimit-reset', String(Math.floor(state.now().getTime() / 1000) + 3600));
      headers.set('x-ratelimit-resource', 'core');
    }
    for (const [name, value] of Object.entries(reply.headers ?? {})) headers.set(name, value);
    if (reply.status === 204 || reply.status === 304) return new Response(null, { status: reply.status, headers });
    if (reply.text !== undefined) {
      if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8');
      return new Response(reply.text, { status: reply.status, headers });
    }
    headers.set('content-type', 'application/json; charset=utf-8');
    return new Response(JSON.stringify(reply.body ?? {}), { status: reply.status, headers });
  });

  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: hono.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server)) as Server;
  });
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}${basePath}`;

  /**
   * For the suite-wide leak check: the tokens the double issued and the App's key are secrets; what
   * pave sent (every request body: comments, statuses, blobs…) and every comment and status the
   * double holds must not contain any.
   */
  const recordForLeakCheck = () => {
    recordSecrets([
      ...tokens.all().map((value) => ({ label: 'a GitHub token the double issued', value })),
      { label: "the GitHub App's private key", value: app.privateKey.split('\n')[2] ?? app.privateKey },
    ]);
    const held = [...state.repos.values()].flatMap((r) => [...r.comments.map((c) => c.body), ...r.commitComments.map((c) => c.body), ...r.statuses.map((x) => `${x.description ?? ''} ${x.targetUrl ?? ''}`)]);
    recordSeen('github-double', JSON.stringify({ requests: requests.map((r) => [r.method, r.path, r.query, r.body]), held }));
  };

  return {
    url: api,
    app,
    state,
    settings,
    tokens,
    oauth,
    webUrl: api.slice(0, api.length - basePath.length),
    requests,
    violations,
    responseViolations,
    deliver: (event, payload, o) => deliver(state, settings, event, payload, o),
    inject: (operation, fault, times = 1) => {
      if (!SERVED.keys.includes(operation)) throw new Error(`inject: the double does not serve ${operation}`);
      faults.add(operation, fault, times);
    },
    clearFaults: () => faults.clear(),
    count: (operation) => requests.filter((r) => r.operation === operation).length,
    clearRequests: () => {
      recordForLeakCheck();
      requests.length = 0;
    },
    close: () => new Promise<void>((resolve, reject) => {
      recordForLeakCheck();
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}
