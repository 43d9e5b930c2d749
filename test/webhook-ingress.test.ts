/**
 * The web process's ingress wired as `src/main` wires it — Redis delivery dedupe and the BullMQ
 * enqueuer — against real Redis: signed deliveries become jobs, redeliveries do not, and Redis
 * being away is a fast 503.
 */
import { request, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisDeliveryDedupe } from '../src/adapters/redis/delivery-dedupe.js';
import { createEnqueuer, producerRedisOptions, type Enqueuer } from '../src/queue/enqueue.js';
import { QUEUE_NAMES } from '../src/queue/jobs.js';
import { createWebhookApp } from '../src/webhooks/app.js';
import { createMetrics } from '../src/webhooks/metrics.js';
import { aPullRequestEvent, aPushEvent, githubHeaders } from './fixtures/webhooks/payloads.js';
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix } from './helpers/redis-server.js';

const SECRET = 'integration-secret-0123456789';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function wire(url: string) {
  const prefix = uniquePrefix('ingress');
  const redis = new Redis(url, producerRedisOptions());
  redis.on('error', () => undefined);
  const enqueuer: Enqueuer = createEnqueuer(url, { prefix });
  cleanups.push(async () => {
    await enqueuer.close();
    redis.disconnect();
    if (url === SHARED_REDIS_URL) await deleteKeys(url, prefix);
  });
  const registry = new Registry();
  const app = createWebhookApp({
    secrets: [SECRET],
    platformRepo: 'acme-bank/platform',
    botLogins: [],
    dedupe: createRedisDeliveryDedupe({ redis, prefix: `${prefix}:delivery:` }),
    enqueue: (jobs) => enqueuer.enqueue(jobs),
    ready: () => redis.ping(),
    registry,
    metrics: createMetrics(registry, { queueDepth: () => enqueuer.counts() }),
  });
  return { app, prefix, redis, enqueuer };
}

async function deliver(app: ReturnType<typeof wire>['app'], event: string, payload: unknown, delivery: string) {
  const body = JSON.stringify(payload);
  return app.request('/webhooks/github', { method: 'POST', headers: await githubHeaders(event, delivery, body, SECRET), body });
}

/** Wait until both connections (dedupe and enqueuer) are up: a fresh process answers 503 before. */
async function connected({ redis, enqueuer }: { redis: Redis; enqueuer: Enqueuer }): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (redis.status === 'ready' && (await enqueuer.ping().then(() => true, () => false))) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('Redis did not connect');
}

describe('webhook ingress on real Redis', () => {
  it('enqueues a signed pull_request delivery once, however often GitHub redelivers it', async () => {
    const wired = wire(SHARED_REDIS_URL);
    const { app, prefix, redis } = wired;
    await connected(wired);
    const queue = new Queue(QUEUE_NAMES.plan, { connection: redis, prefix });
    cleanups.push(() => queue.close());

    const first = await deliver(app, 'pull_request', aPullRequestEvent({ number: 11 }), 'a1b2c3d4-0000-11ee-8000-000000000001');
    const again = await deliver(app, 'pull_request', aPullRequestEvent({ number: 11 }), 'a1b2c3d4-0000-11ee-8000-000000000001');

    expect(first.status).toBe(202);
    const { jobs } = (await first.json()) as { jobs: { id: string }[] };
    expect(jobs).toHaveLength(1);
    expect(again.status).toBe(200);
    expect(await queue.getWaitingCount()).toBe(1);
    expect((await queue.getJob(jobs[0]!.id))?.data).toMatchObject({ kind: 'plan-pr', prNumber: 11, deliveryId: 'a1b2c3d4-0000-11ee-8000-000000000001' });
    const ttl = await redis.ttl(`${prefix}:delivery:a1b2c3d4-0000-11ee-8000-000000000001`);
    expect(ttl).toBeGreaterThan(6 * 24 * 3600);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
  });

  it('reports readiness and queue depth from Redis', async () => {
    const wired = wire(SHARED_REDIS_URL);
    const { app } = wired;
    await connected(wired);
    await deliver(app, 'push', aPushEvent(), 'delivery-push-1');

    const ready = await app.request('/readyz');
    const metrics = await (await app.request('/metrics')).text();

    expect(ready.status).toBe(200);
    expect(metrics).toContain(`pave_queue_depth{queue="${QUEUE_NAMES.index}",state="waiting"} 1`);
  });
});

describe('webhook ingress with Redis unreachable', () => {
  it('answers 503 in under a second, and /readyz 503', async () => {
    const { app } = wire('redis://127.0.0.1:1');
    const started = performance.now();

    const res = await deliver(app, 'pull_request', aPullRequestEvent(), 'delivery-down-1');
    const ready = await app.request('/readyz');

    expect(res.status).toBe(503);
    expect(ready.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('createRedisDeliveryDedupe', () => {
  it('says "seen" from the second time on, until forgotten', async () => {
    const prefix = uniquePrefix('dedupe');
    const redis = new Redis(SHARED_REDIS_URL);
    cleanups.push(async () => { await deleteKeys(SHARED_REDIS_URL, prefix); await redis.quit(); });
    const dedupe = createRedisDeliveryDedupe({ redis, prefix, ttlSeconds: 60 });

    const answers = [await dedupe.seen('d-1'), await dedupe.seen('d-1'), await dedupe.seen('d-2')];
    await dedupe.forget('d-1');
    const afterForget = await dedupe.seen('d-1');

    expect(answers).toEqual([false, true, false]);
    expect(afterForget).toBe(false);
    expect(await redis.ttl(`${prefix}d-1`)).toBeGreaterThan(55);
  });
});

describe('webhook ingress over real HTTP (@hono/node-server)', () => {
  async function listen(maxBodyBytes: number) {
    const registry = new Registry();
    const seen = new Set<string>();
    const app = createWebhookApp({
      secrets: [SECRET],
      botLogins: [],
      dedupe: { seen: async (id) => seen.has(id) || (seen.add(id), false), forget: async (id) => void seen.delete(id) },
      enqueue: async (jobs) => jobs.map((j) => ({ id: j.kind, queue: 'q' })),
      ready: async () => undefined,
      registry,
      metrics: createMetrics(registry),
      limits: { maxBodyBytes },
    });
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    return (server.address() as AddressInfo).port;
  }

  /** POST whose body is produced by `write`; resolves with the status once the server answers. */
  function send(port: number, headers: Record<string, string>, write: (req: ClientRequest) => void): Promise<{ status: number; sent: () => number }> {
    return new Promise((resolve, reject) => {
      let sent = 0;
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks/github', headers }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, sent: () => sent });
        req.destroy();
      });
      req.on('error', (err) => (sent > 0 ? undefined : reject(err)));
      const originalWrite = req.write.bind(req);
      req.write = ((chunk: Buffer, ...rest: never[]) => { sent += chunk.length; return originalWrite(chunk, ...rest); }) as typeof req.write;
      write(req);
    });
  }

  it('accepts a signed delivery', async () => {
    const port = await listen(1 << 20);
    const body = JSON.stringify(aPullRequestEvent());

    const res = await send(port, { ...(await githubHeaders('pull_request', 'http-1', body, SECRET)), 'content-length': String(Buffer.byteLength(body)) }, (req) => req.end(body));

    expect(res.status).toBe(202);
  });

  it('answers 413 to a declared length over the cap before the body is sent', async () => {
    const port = await listen(1 << 20);
    const headers = { ...(await githubHeaders('push', 'http-2', 'x', SECRET)), 'content-length': String(30 << 20) };

    // Send one chunk, then wait: the answer must not depend on the rest arriving.
    const res = await send(port, headers, (req) => req.write(Buffer.alloc(64 << 10)));

    expect(res.status).toBe(413);
    expect(res.sent()).toBeLessThan(1 << 20);
  });

  it('answers 413 to a chunked body once it passes the cap, while the client keeps sending', async () => {
    const port = await listen(1 << 20);
    const headers = { ...(await githubHeaders('push', 'http-3', 'x', SECRET)), 'transfer-encoding': 'chunked' };
    const chunk = Buffer.alloc(64 << 10, 0x20);
    let timer: NodeJS.Timeout | undefined;
    cleanups.push(async () => clearInterval(timer));

    const res = await send(port, headers, (req) => {
      timer = setInterval(() => { if (!req.destroyed) req.write(chunk); }, 1);
    });

    expect(res.status).toBe(413);
    expect(res.sent()).toBeLessThan(8 << 20);
  });
});
