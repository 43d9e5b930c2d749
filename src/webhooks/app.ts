/**
 * The web process's HTTP app. `POST /webhooks/github` verifies, routes and enqueues — no GitHub
 * call, no git, no planning — and answers inside GitHub's 10-second window:
 *
 * | answer | when | `pave_webhooks_total{outcome}` |
 * |---|---|---|
 * | 202 `{ jobs, ignored? }` | verified; jobs enqueued, or none needed (`ignored` says why) | `accepted` / `ignored` |
 * | 200 `{ duplicate: true }` | the delivery id was processed before (a redelivery) | `duplicate` |
 * | 400 | no or malformed `X-GitHub-Event` / `X-GitHub-Delivery`, bad `Content-Length`, a body that is not JSON | `bad_request` |
 * | 401 | `X-Hub-Signature-256` missing, not `sha256=`, or wrong for every secret (a body that is not UTF-8 cannot match) | `unauthorized` |
 * | 413 | body over the cap (25 MB, GitHub's own payload limit) | `too_large` |
 * | 503 | Redis unreachable or slower than the deadline: GitHub marks the delivery failed and it is redelivered | `unavailable` |
 *
 * Ignored events get 202 like the others: every verified delivery that needs nothing more from
 * GitHub is "accepted"; the body says what was ignored and why. They never touch Redis (routing
 * runs before the dedupe), so `ping` answers even while Redis is down.
 *
 * Also `GET /healthz` (the process is up), `GET /readyz` (the injected probe answers within
 * 500 ms) and `GET /metrics` (Prometheus text). `extraRoutes` mounts other pages (run pages).
 */
import { randomUUID } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import type { Registry } from 'prom-client';
import type { DeliveryDedupe } from '../domain/delivery-dedupe.js';
import type { Clock } from '../domain/ports.js';
import type { JobRequest } from '../queue/jobs.js';
import type { PaveMetrics, WebhookOutcome } from './metrics.js';
import { readBody } from './read-body.js';
import { routeEvent, type RouteResult } from './route-event.js';
import { isSha256Signature, verifySignature } from './verify-signature.js';

/** The logging the ingress needs; pino loggers satisfy it. */
export interface IngressLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface IngressLimits {
  /** @defaultValue 25 MiB (GitHub caps payloads at 25 MB) */
  readonly maxBodyBytes: number;
  /** Budget for dedupe + enqueue before answering 503. @defaultValue 800 ms */
  readonly redisDeadlineMs: number;
  /** Budget for the readiness probe. @defaultValue 500 ms */
  readonly readyDeadlineMs: number;
}

export interface WebhookAppDeps {
  /**
   * Webhook secrets: the current one, then older ones still accepted during a rotation. At least
   * one, none empty — the app refuses to start without one.
   */
  readonly secrets: readonly string[];
  /** `owner/name` of the platform repository (undefined in the embedded mode). */
  readonly platformRepo?: string | undefined;
  /** pave's own app/bot logins; their comments are never commands. */
  readonly botLogins: readonly string[];
  readonly dedupe: DeliveryDedupe;
  /** Add jobs to their queues; rejects when the queue is unreachable. */
  readonly enqueue: (jobs: readonly JobRequest[]) => Promise<readonly { readonly id: string; readonly queue: string }[]>;
  /** Readiness: resolves when the service's dependencies answer (main: Redis PING). */
  readonly ready: () => Promise<unknown>;
  readonly registry: Registry;
  readonly metrics: Pick<PaveMetrics, 'webhooks' | 'ingressToEnqueue'>;
  readonly clock?: Clock;
  readonly log?: IngressLogger;
  readonly limits?: Partial<IngressLimits>;
  /** Guards `/metrics` (the pages' access control when `PAVE_METRICS_PUBLIC=false`); open when absent. */
  readonly metricsGuard?: MiddlewareHandler;
  /** Called with the app after pave's routes are registered, to add more (e.g. `/runs/:id`). */
  readonly extraRoutes?: (app: Hono) => void;
}

export const DEFAULT_LIMITS: IngressLimits = {
  maxBodyBytes: 25 * 1024 * 1024,
  redisDeadlineMs: 800,
  readyDeadlineMs: 500,
};

/** Event names used as a metric label; anything else is counted as `other` (bounded cardinality). */
const KNOWN_EVENTS = new Set(['pull_request', 'push', 'issue_comment', 'installation', 'installation_repositories', 'ping']);
const EVENT_NAME = /^[a-z_]{1,64}$/;
/** GitHub's delivery ids are GUIDs; accept any short printable token (it ends up in Redis keys). */
const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/;

const silent: IngressLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const systemClock: Clock = { now: () => new Date() };

export function createWebhookApp(deps: WebhookAppDeps): Hono {
  if (deps.secrets.length === 0 || deps.secrets.some((s) => s.length === 0)) {
    throw new Error('createWebhookApp: a webhook secret is required (refusing to accept unsigned webhooks)');
  }
  const limits: IngressLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const log = deps.log ?? silent;
  const clock = deps.clock ?? systemClock;
  const { metrics } = deps;

  const app = new Hono();
  app.use('*', requestId);

  app.post('/webhooks/github', async (c) => {
    const started = performance.now();
    const requestId = c.get('requestId' as never) as string;
    const event = c.req.header('x-github-event');
    const deliveryId = c.req.header('x-github-delivery');
    const label = event && KNOWN_EVENTS.has(event) ? event : 'other';
    const answer = (outcome: WebhookOutcome, status: 200 | 202 | 400 | 401 | 413 | 503, body: object) => {
      metrics.webhooks.inc({ event: label, outcome });
      return c.json(body, status);
    };

    if (!event || !EVENT_NAME.test(event)) return answer('bad_request', 400, { error: 'missing or invalid X-GitHub-Event' });
    if (!deliveryId || !DELIVERY_ID.test(deliveryId)) return answer('bad_request', 400, { error: 'missing or invalid X-GitHub-Delivery' });
    const signature = c.req.header('x-hub-signature-256');
    if (!signature) return answer('unauthorized', 401, { error: 'missing X-Hub-Signature-256' });
    if (!isSha256Signature(signature)) return answer('unauthorized', 401, { error: 'X-Hub-Signature-256 must be sha256=<hex>' });

    const body = await readBody(c.req.raw, limits.maxBodyBytes);
    if (body.kind === 'too-large') return answer('too_large', 413, { error: `payload over ${limits.maxBodyBytes} bytes` });
    if (body.kind === 'bad-length') return answer('bad_request', 400, { error: 'invalid Content-Length' });

    const { text } = body;
    if (!(await verifySignature(deps.secrets, text, signature))) {
      log.warn({ requestId, deliveryId, event }, 'webhook signature rejected');
      return answer('unauthorized', 401, { error: 'signature does not match' });
    }
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return answer('bad_request', 400, { error: 'payload is not JSON' });
    }

    const routed: RouteResult = routeEvent(event, payload, {
      platformRepo: deps.platformRepo,
      botLogins: deps.botLogins,
      deliveryId,
      receivedAt: clock.now().getTime(),
    });
    if (routed.jobs.length === 0) {
      if (routed.ignored === 'malformed-payload') log.warn({ requestId, deliveryId, event, detail: routed.detail }, 'webhook payload malformed');
      return answer('ignored', 202, { jobs: [], ignored: routed.ignored, ...(routed.detail ? { detail: routed.detail } : {}) });
    }

    // GitHub signs the body, not the delivery id: a captured delivery resent under a new id is the
    // same body with the same signature, so both are claimed (the signature stands for the body).
    const work = dedupeAndEnqueue(deps, [deliveryId, `body-${signature.slice('sha256='.length)}`], routed.jobs);
    const result = await withDeadline(work, limits.redisDeadlineMs);
    if (result.kind === 'failed' || result.kind === 'timeout') {
      log.warn({ requestId, deliveryId, event, err: result.kind === 'failed' ? result.error : 'deadline exceeded' }, 'webhook not enqueued: queue unavailable');
      return answer('unavailable', 503, { error: 'queue unavailable, retry the delivery' });
    }
    if (result.value.kind === 'duplicate') return answer('duplicate', 200, { duplicate: true });
    metrics.ingressToEnqueue.observe((performance.now() - started) / 1000);
    const jobs = result.value.jobs.map(({ id, queue }) => ({ id, queue }));
    log.info({ requestId, deliveryId, event, jobs: jobs.map((j) => j.id) }, 'webhook accepted');
    return answer('accepted', 202, { jobs });
  });

  app.get('/healthz', (c) => c.text('ok'));

  app.get('/readyz', async (c) => {
    const probe = await withDeadline(Promise.resolve().then(deps.ready), limits.readyDeadlineMs);
    return probe.kind === 'ok' ? c.text('ready') : c.text('not ready', 503);
  });

  if (deps.metricsGuard) app.use('/metrics', deps.metricsGuard);
  app.get('/metrics', async (c) => {
    const text = await deps.registry.metrics();
    return c.body(text, 200, { 'content-type': deps.registry.contentType });
  });

  app.onError((err, c) => {
    log.error({ err, requestId: c.get('requestId' as never) as string | undefined, path: c.req.path }, 'request failed');
    return c.json({ error: 'internal error' }, 500);
  });

  deps.extraRoutes?.(app);
  return app;
}

/** A caller's `x-request-id` (short, printable) or a new one; echoed in the response and logged. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const requestId: MiddlewareHandler = async (c, next) => {
  const given = c.req.header('x-request-id');
  const id = given && REQUEST_ID.test(given) ? given : randomUUID();
  c.set('requestId' as never, id as never);
  c.header('x-request-id', id);
  await next();
};

type Enqueued = { kind: 'duplicate' } | { kind: 'enqueued'; jobs: readonly { id: string; queue: string }[] };

/**
 * Claim the delivery id and the body, then enqueue; either seen before makes the delivery a
 * duplicate. When enqueueing fails, release the claims so that GitHub's redelivery is processed.
 * This keeps running after the deadline has answered 503: if it then succeeds the redelivery is a
 * duplicate, if it fails the claims are released.
 */
async function dedupeAndEnqueue(deps: WebhookAppDeps, keys: readonly string[], jobs: readonly JobRequest[]): Promise<Enqueued> {
  const claimed: string[] = [];
  try {
    for (const key of keys) {
      if (await deps.dedupe.seen(key)) return { kind: 'duplicate' };
      claimed.push(key);
    }
    return { kind: 'enqueued', jobs: await deps.enqueue(jobs) };
  } catch (err) {
    for (const key of claimed) await deps.dedupe.forget(key).catch(() => undefined);
    throw err;
  }
}

type Settled<T> = { kind: 'ok'; value: T } | { kind: 'failed'; error: unknown } | { kind: 'timeout' };

/** Settle `promise` or give up after `ms`; never rejects. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), ms);
  });
  const settled = promise.then(
    (value): Settled<T> => ({ kind: 'ok', value }),
    (error: unknown): Settled<T> => ({ kind: 'failed', error }),
  );
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}
