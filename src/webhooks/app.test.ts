import { createHmac } from 'node:crypto';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { DeliveryDedupe } from '../domain/delivery-dedupe.js';
import type { JobRequest } from '../queue/jobs.js';
import { aPullRequestEvent, anIssueCommentEvent, example, githubHeaders } from '../../test/fixtures/webhooks/payloads.js';
import { createWebhookApp, type WebhookAppDeps } from './app.js';
import { createMetrics, jobObserver } from './metrics.js';

const SECRET = 'it-is-a-secret-of-sixteen+';

function setup(over: Partial<WebhookAppDeps> = {}) {
  const seen = new Set<string>();
  const enqueued: JobRequest[][] = [];
  const dedupe: DeliveryDedupe = {
    seen: async (id) => (seen.has(id) ? true : (seen.add(id), false)),
    forget: async (id) => void seen.delete(id),
  };
  const registry = new Registry();
  const metrics = createMetrics(registry);
  const app = createWebhookApp({
    secrets: [SECRET],
    platformRepo: 'acme-bank/platform',
    botLogins: ['pave-app[bot]'],
    dedupe,
    enqueue: async (jobs) => {
      enqueued.push([...jobs]);
      return jobs.map((j, i) => ({ id: `job-${enqueued.length}-${i}`, queue: 'pave-plan' }));
    },
    ready: async () => undefined,
    registry,
    metrics,
    clock: { now: () => new Date(1_700_000_000_000) },
    ...over,
  });
  return { app, enqueued, seen, registry, metrics };
}

async function post(app: ReturnType<typeof setup>['app'], event: string, payload: unknown, options: { delivery?: string; secret?: string; headers?: Record<string, string>; body?: string } = {}) {
  const body = options.body ?? JSON.stringify(payload);
  const headers = { ...(await githubHeaders(event, options.delivery ?? 'delivery-1', body, options.secret ?? SECRET)), ...options.headers };
  return app.request('/webhooks/github', { method: 'POST', headers, body });
}

async function counter(registry: Registry, outcome: string, event = 'pull_request'): Promise<number> {
  const metric = await registry.getSingleMetric('pave_webhooks_total')!.get();
  return metric.values.find((v) => v.labels.outcome === outcome && v.labels.event === event)?.value ?? 0;
}

describe('POST /webhooks/github', () => {
  it('verifies, routes and enqueues a pull request, answering 202 with the job ids', async () => {
    const { app, enqueued, registry } = setup();

    const res = await post(app, 'pull_request', aPullRequestEvent({ number: 5 }), { delivery: 'd-42' });

    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ jobs: [{ id: 'job-1-0', queue: 'pave-plan' }] });
    expect(enqueued).toEqual([[expect.objectContaining({ kind: 'plan-pr', prNumber: 5, deliveryId: 'd-42', receivedAt: 1_700_000_000_000 })]]);
    expect(await counter(registry, 'accepted')).toBe(1);
    expect(await registry.metrics()).toContain('pave_ingress_to_enqueue_seconds_count 1');
  });

  it('accepts any of several secrets (rotation)', async () => {
    const { app, enqueued } = setup({ secrets: ['the-new-secret-0123', SECRET] });

    const res = await post(app, 'pull_request', aPullRequestEvent());

    expect(res.status).toBe(202);
    expect(enqueued).toHaveLength(1);
  });

  it('answers a redelivered delivery id with 200 and enqueues nothing more', async () => {
    const { app, enqueued, registry } = setup();

    await post(app, 'pull_request', aPullRequestEvent(), { delivery: 'same' });
    const again = await post(app, 'pull_request', aPullRequestEvent(), { delivery: 'same' });

    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true });
    expect(enqueued).toHaveLength(1);
    expect(await counter(registry, 'duplicate')).toBe(1);
  });

  it('answers a replayed body under a new delivery id with 200 and enqueues nothing more (GitHub signs the body, not the id)', async () => {
    const { app, enqueued, registry } = setup();
    const body = JSON.stringify(anIssueCommentEvent({ body: '/pave approve production' }));

    const first = await post(app, 'issue_comment', undefined, { delivery: 'original', body });
    const replayed = await post(app, 'issue_comment', undefined, { delivery: 'made-up-by-an-attacker', body });
    const other = await post(app, 'issue_comment', undefined, { delivery: 'another', body: body.replace('/pave approve production', '/pave approve staging') });

    expect([first.status, replayed.status, other.status]).toEqual([202, 200, 202]);
    expect(await replayed.json()).toEqual({ duplicate: true });
    expect(enqueued).toHaveLength(2);
    expect(await counter(registry, 'duplicate', 'issue_comment')).toBe(1);
  });

  it('refuses a delivery signed only with the legacy SHA-1 X-Hub-Signature, even a correct one', async () => {
    const { app, enqueued } = setup();
    const body = JSON.stringify(aPullRequestEvent());
    const sha1 = 'sha1=' + createHmac('sha1', SECRET).update(body).digest('hex');

    const res = await app.request('/webhooks/github', { method: 'POST', headers: { 'x-github-event': 'pull_request', 'x-github-delivery': 'd-sha1', 'x-hub-signature': sha1, 'content-type': 'application/json' }, body });

    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'missing X-Hub-Signature-256' });
    expect(enqueued).toEqual([]);
  });

  it.each([
    ['signed with another secret', { secret: 'not-the-secret-at-all' }],
    ['signed with SHA-1', { headers: { 'x-hub-signature-256': 'sha1=' + 'a'.repeat(40) } }],
    ['a sha256 signature of the wrong body', { headers: { 'x-hub-signature-256': 'sha256=' + 'a'.repeat(64) } }],
    ['an upper-case or malformed signature', { headers: { 'x-hub-signature-256': 'SHA256=zz' } }],
    ['without a signature', { headers: { 'x-hub-signature-256': '' } }],
  ])('refuses a delivery %s with 401 and enqueues nothing', async (_name, options) => {
    const { app, enqueued, seen, registry } = setup();

    const res = await post(app, 'pull_request', aPullRequestEvent(), options);

    expect(res.status).toBe(401);
    expect(enqueued).toEqual([]);
    expect(seen.size).toBe(0);
    expect(await counter(registry, 'unauthorized')).toBe(1);
  });

  it('refuses a tampered body (signature of the original) with 401', async () => {
    const { app, enqueued } = setup();
    const original = JSON.stringify(aPullRequestEvent({ number: 5 }));
    const headers = await githubHeaders('pull_request', 'd-1', original, SECRET);

    const res = await app.request('/webhooks/github', { method: 'POST', headers, body: original.replace('"number":5', '"number":6') });

    expect(res.status).toBe(401);
    expect(enqueued).toEqual([]);
  });

  it('refuses a request whose signature header is missing entirely with 401', async () => {
    const { app } = setup();
    const body = JSON.stringify(aPullRequestEvent());

    const res = await app.request('/webhooks/github', { method: 'POST', headers: { 'x-github-event': 'pull_request', 'x-github-delivery': 'd' }, body });

    expect(res.status).toBe(401);
  });

  it.each<[string, Record<string, string>]>([
    ['no event header', { 'x-github-event': '' }],
    ['a strange event header', { 'x-github-event': 'Pull Request!' }],
    ['no delivery header', { 'x-github-delivery': '' }],
    ['a delivery id with spaces', { 'x-github-delivery': 'a b' }],
    ['an invalid Content-Length', { 'content-length': 'lots' }],
  ])('answers 400 to %s', async (_name, headers) => {
    const { app, enqueued, registry } = setup();

    const res = await post(app, 'pull_request', aPullRequestEvent(), { headers });

    expect(res.status).toBe(400);
    expect(enqueued).toEqual([]);
    expect(await counter(registry, 'bad_request', headers['x-github-event'] === undefined ? 'pull_request' : 'other')).toBe(1);
  });

  it('answers 400 to a correctly signed body that is not JSON', async () => {
    const { app, enqueued } = setup();

    const res = await post(app, 'pull_request', undefined, { body: '{"action": "opened",' });

    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'payload is not JSON' });
    expect(enqueued).toEqual([]);
  });

  it('answers 401 to a body that is not UTF-8, even signed over its bytes (GitHub only sends UTF-8)', async () => {
    const { app } = setup();
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const headers = { ...(await githubHeaders('pull_request', 'd-1', 'x', SECRET)), 'x-hub-signature-256': 'sha256=' + createHmac('sha256', SECRET).update(bytes).digest('hex') };

    const res = await app.request('/webhooks/github', { method: 'POST', headers, body: bytes });

    expect(res.status).toBe(401);
  });

  it('verifies the exact bytes of a non-ASCII payload', async () => {
    const { app } = setup();

    const res = await post(app, 'issue_comment', anIssueCommentEvent({ body: '/pave plan — ünïcødé ✓ 🚀' }));

    expect(res.status).toBe(202);
  });

  it('answers 202 with no jobs and the reason to events it ignores, without touching the dedupe', async () => {
    const { app, enqueued, seen, registry } = setup();

    const ping = await post(app, 'ping', example('ping'));
    const bot = await post(app, 'issue_comment', anIssueCommentEvent({ login: 'renovate[bot]', userType: 'Bot' }), { delivery: 'd-2' });
    const star = await post(app, 'star', { action: 'created' }, { delivery: 'd-3' });

    expect([ping.status, bot.status, star.status]).toEqual([202, 202, 202]);
    expect(await ping.json()).toEqual({ jobs: [], ignored: 'ping' });
    expect(await bot.json()).toEqual({ jobs: [], ignored: 'comment-by-bot' });
    expect(enqueued).toEqual([]);
    expect(seen.size).toBe(0);
    expect(await counter(registry, 'ignored', 'ping')).toBe(1);
    expect(await counter(registry, 'ignored', 'other')).toBe(1);
  });

  it('answers 202 with the field at fault to a malformed payload', async () => {
    const { app } = setup();

    const res = await post(app, 'pull_request', { action: 'opened', number: 1 });

    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ jobs: [], ignored: 'malformed-payload', detail: expect.stringContaining('pull_request') });
  });

  describe('bodies over the cap', () => {
    it('answers 413 from Content-Length alone, reading nothing', async () => {
      const { app, registry } = setup();
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1 << 20;
          controller.enqueue(new Uint8Array(1 << 20));
        },
      });
      const headers = { ...(await githubHeaders('push', 'd-big', 'x', SECRET)), 'content-length': String(30 * 1024 * 1024) };

      const res = await app.request(new Request('http://localhost/webhooks/github', { method: 'POST', headers, body, duplex: 'half' } as RequestInit));

      expect(res.status).toBe(413);
      expect(pulled).toBeLessThanOrEqual(2 << 20); // the stream's own read-ahead at most
      expect(await counter(registry, 'too_large', 'push')).toBe(1);
    });

    it('answers 413 to a streamed body without Content-Length once it passes the cap, and stops reading', async () => {
      const { app } = setup({ limits: { maxBodyBytes: 4 << 20 } });
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulled >= 100 << 20) return controller.close();
          pulled += 1 << 20;
          controller.enqueue(new Uint8Array(1 << 20));
        },
      });
      const headers = await githubHeaders('push', 'd-big', 'x', SECRET);

      const res = await app.request(new Request('http://localhost/webhooks/github', { method: 'POST', headers, body, duplex: 'half' } as RequestInit));

      expect(res.status).toBe(413);
      expect(pulled).toBeLessThanOrEqual(7 << 20);
    });

    it('accepts a body exactly at the cap', async () => {
      const payload = JSON.stringify(aPullRequestEvent());
      const { app } = setup({ limits: { maxBodyBytes: Buffer.byteLength(payload) } });

      const res = await post(app, 'pull_request', undefined, { body: payload });

      expect(res.status).toBe(202);
    });
  });

  describe('when the queue is unavailable', () => {
    it('answers 503 when the dedupe rejects, and enqueues nothing', async () => {
      const { app, enqueued, registry } = setup({ dedupe: { seen: async () => Promise.reject(new Error('ECONNREFUSED')), forget: async () => undefined } });

      const res = await post(app, 'pull_request', aPullRequestEvent());

      expect(res.status).toBe(503);
      expect(enqueued).toEqual([]);
      expect(await counter(registry, 'unavailable')).toBe(1);
    });

    it('answers 503 when enqueueing fails, and forgets the delivery so that its redelivery is processed', async () => {
      let fail = true;
      const accepted: JobRequest[] = [];
      const { app } = setup({
        enqueue: async (jobs) => {
          if (fail) throw new Error('redis down');
          accepted.push(...jobs);
          return [{ id: 'j', queue: 'pave-plan' }];
        },
      });

      const first = await post(app, 'pull_request', aPullRequestEvent(), { delivery: 'd-9' });
      fail = false;
      const redelivered = await post(app, 'pull_request', aPullRequestEvent(), { delivery: 'd-9' });
      const again = await post(app, 'pull_request', aPullRequestEvent(), { delivery: 'd-9' });

      expect(first.status).toBe(503);
      expect(again.status).toBe(200);
      expect(redelivered.status).toBe(202);
      expect(accepted).toHaveLength(1);
    });

    it('answers 503 within a second when Redis hangs', async () => {
      const hang = () => new Promise<never>(() => undefined);
      const { app } = setup({ dedupe: { seen: hang, forget: hang } });
      const started = performance.now();

      const res = await post(app, 'pull_request', aPullRequestEvent());

      expect(res.status).toBe(503);
      expect(performance.now() - started).toBeLessThan(1000);
    });
  });
});

describe('probes and metrics', () => {
  it('GET /healthz answers 200 while the process runs, whatever Redis does', async () => {
    const { app } = setup({ ready: async () => Promise.reject(new Error('down')) });

    expect((await app.request('/healthz')).status).toBe(200);
  });

  it.each([
    ['answers', async () => 'PONG', 200],
    ['rejects', async () => Promise.reject(new Error('ECONNREFUSED')), 503],
    ['throws at once', () => { throw new Error('boom'); }, 503],
    ['hangs', () => new Promise(() => undefined), 503],
  ])('GET /readyz when the probe %s', async (_name, ready, status) => {
    const { app } = setup({ ready: ready as () => Promise<unknown> });
    const started = performance.now();

    const res = await app.request('/readyz');

    expect(res.status).toBe(status);
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('GET /metrics serves the registry as Prometheus text, queue depth included', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry, { queueDepth: async () => [{ queue: 'pave-plan', state: 'waiting', count: 3 }] });
    const { app } = setup({ registry, metrics });
    await post(app, 'pull_request', aPullRequestEvent());

    const res = await app.request('/metrics');
    const text = await res.text();

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(text).toContain('pave_webhooks_total{event="pull_request",outcome="accepted"} 1');
    expect(text).toContain('pave_queue_depth{queue="pave-plan",state="waiting"} 3');
    expect(text).toContain('pave_job_queue_wait_seconds');
    expect(text).toContain('pave_github_rate_limit_remaining');
  });

  it('a failing queue-depth collector leaves the gauge empty instead of failing the scrape', async () => {
    const registry = new Registry();
    createMetrics(registry, { queueDepth: async () => Promise.reject(new Error('down')) });

    const text = await registry.metrics();

    expect(text).toContain('# TYPE pave_queue_depth gauge');
    expect(text).not.toContain('pave_queue_depth{');
  });

  it('jobObserver feeds the job histograms', async () => {
    const registry = new Registry();
    const observer = jobObserver(createMetrics(registry));

    observer.started('plan-pr', 1500);
    observer.finished('plan-pr', 'retrying', 200, 2000);
    observer.finished('plan-pr', 'completed', 300, 4000);

    const text = await registry.metrics();
    expect(text).toContain('pave_job_queue_wait_seconds_sum{kind="plan-pr"} 1.5');
    expect(text).toContain('pave_job_duration_seconds_count{kind="plan-pr",outcome="retrying"} 1');
    expect(text).toContain('pave_job_ingress_to_finish_seconds_count{kind="plan-pr"} 1');
  });

  it('mounts extra routes', async () => {
    const { app } = setup({ extraRoutes: (a) => a.get('/runs/:id', (c) => c.text(`run ${c.req.param('id')}`)) });

    expect(await (await app.request('/runs/r-1')).text()).toBe('run r-1');
  });

  it('refuses to start without a webhook secret', () => {
    expect(() => setup({ secrets: [] })).toThrow(/secret/);
    expect(() => setup({ secrets: [''] })).toThrow(/secret/);
  });
});

describe('request ids and the metrics guard', () => {
  it('echoes a caller\'s x-request-id, makes one otherwise, and logs it with the delivery', async () => {
    const lines: object[] = [];
    const log = { info: (o: object) => void lines.push(o), warn: (o: object) => void lines.push(o), error: (o: object) => void lines.push(o) };
    const { app } = setup({ log });
    const given = await app.request('/healthz', { headers: { 'x-request-id': 'req-123' } });
    expect(given.headers.get('x-request-id')).toBe('req-123');
    const made = await app.request('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const res = await post(app, 'pull_request', { action: 'opened' }, { delivery: 'd-1', secret: 'wrong-secret-wrong-secret', headers: { 'x-request-id': 'req-456' } });
    expect(res.status).toBe(401);
    expect(lines).toContainEqual(expect.objectContaining({ requestId: 'req-456', deliveryId: 'd-1' }));
  });

  it('guards /metrics only when a guard is given', async () => {
    expect((await setup().app.request('/metrics')).status).toBe(200);
    const guarded = setup({ metricsGuard: async (c, next) => (c.req.header('authorization') === 'Bearer ok' ? next() : c.text('no', 401)) }).app;
    expect((await guarded.request('/metrics')).status).toBe(401);
    expect((await guarded.request('/metrics', { headers: { authorization: 'Bearer ok' } })).status).toBe(200);
    expect((await guarded.request('/healthz')).status).toBe(200);
  });
});
