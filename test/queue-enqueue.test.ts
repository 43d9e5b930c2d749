/**
 * The enqueuer against real Redis: deterministic ids, duplicates, the newest request per subject,
 * failing fast while Redis is away and recovering by itself when it is back.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../src/domain/errors.js';
import { createEnqueuer, type Enqueuer } from '../src/queue/enqueue.js';
import { jobId } from '../src/queue/job-id.js';
import { QUEUE_NAMES, type IndexRepository, type PlanPullRequest } from '../src/queue/jobs.js';
import { deleteKeys, PrivateRedis, SHARED_REDIS_URL, uniquePrefix } from './helpers/redis-server.js';

const SHA = (c: string) => c.repeat(40);

function planPr(headSha: string, over: Partial<PlanPullRequest> = {}): PlanPullRequest {
  return {
    kind: 'plan-pr', installationId: 1, deliveryId: `d-${headSha.slice(0, 4)}`, receivedAt: 1_700_000_000_000,
    repo: 'acme-bank/lending-backend', prNumber: 7, headSha, baseSha: SHA('0'), all: false, ...over,
  };
}

describe('createEnqueuer on the shared Redis', () => {
  let prefix: string;
  let enqueuer: Enqueuer;
  let redis: Redis;
  const queues: Queue[] = [];
  const workers: Worker[] = [];

  const queue = (name: string) => {
    const q = new Queue(name, { connection: redis, prefix });
    queues.push(q);
    return q;
  };

  beforeAll(() => {
    redis = new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: null });
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await enqueuer?.close();
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  afterAll(async () => {
    await redis.quit();
  });

  async function fresh() {
    prefix = uniquePrefix('enqueue');
    enqueuer = createEnqueuer(SHARED_REDIS_URL, { prefix });
    await waitUntil(async () => { await enqueuer.ping(); return true; });
    await waitUntil(async () => (await enqueuer.enqueue([]), true));
  }

  it('adds each job to its queue under its deterministic id, with the default retry options', async () => {
    await fresh();
    const index: IndexRepository = { kind: 'index-repo', deliveryId: 'd-1', receivedAt: 1, repo: 'acme-bank/a', sha: SHA('a') };

    const placed = await enqueuer.enqueue([planPr(SHA('a')), index, { kind: 'forget-repos', deliveryId: 'd-2', receivedAt: 1, repos: ['acme-bank/b'] }]);

    expect(placed).toEqual([
      { id: jobId(planPr(SHA('a'))), queue: QUEUE_NAMES.plan, kind: 'plan-pr', outcome: 'added' },
      { id: 'index-repo-acme-bank~a-' + SHA('a') + '-d-1', queue: QUEUE_NAMES.index, kind: 'index-repo', outcome: 'added' },
      { id: 'forget-repos-d-2', queue: QUEUE_NAMES.index, kind: 'forget-repos', outcome: 'added' },
    ]);
    const job = await queue(QUEUE_NAMES.plan).getJob(placed[0]!.id);
    expect(job?.name).toBe('plan-pr');
    expect(job?.data).toEqual(planPr(SHA('a')));
    expect(job?.opts).toMatchObject({ attempts: 5, backoff: { type: 'exponential', delay: 2000, jitter: 0.5 }, deduplication: { id: 'plan-pr-acme-bank~lending-backend-7', keepLastIfActive: true } });
  });

  it('adds the same request twice as one job', async () => {
    await fresh();

    const first = await enqueuer.enqueue([planPr(SHA('a'))]);
    const second = await enqueuer.enqueue([planPr(SHA('a'))]);

    expect(second).toEqual(first);
    expect(await queue(QUEUE_NAMES.plan).getJobCounts('waiting', 'delayed', 'active')).toEqual({ waiting: 1, delayed: 0, active: 0 });
  });

  it('replaces the queued plan of an older head sha with the newer one', async () => {
    await fresh();

    await enqueuer.enqueue([planPr(SHA('a'))]);
    const [newer] = await enqueuer.enqueue([planPr(SHA('b'))]);

    expect(newer).toMatchObject({ id: jobId(planPr(SHA('b'))), outcome: 'superseded' });
    const waiting = await queue(QUEUE_NAMES.plan).getWaiting();
    expect(waiting.map((j) => [j.id, j.data.headSha])).toEqual([[jobId(planPr(SHA('b'))), SHA('b')]]);
  });

  it('keeps plans of different pull requests apart', async () => {
    await fresh();

    await enqueuer.enqueue([planPr(SHA('a')), planPr(SHA('b'), { prNumber: 8 })]);

    expect(await queue(QUEUE_NAMES.plan).getWaitingCount()).toBe(2);
  });

  it('adds 1,000 jobs of one call, in their order, and the newest request per subject wins within the call', async () => {
    await fresh();
    const indexes: IndexRepository[] = Array.from({ length: 1_000 }, (_, i) => ({ kind: 'index-repo', deliveryId: 'd-big', receivedAt: 1, repo: `acme-bank/r-${i}` }));
    // Three requests for one pull request among them: only the last may be left queued.
    const jobs = [planPr(SHA('a')), ...indexes.slice(0, 500), planPr(SHA('b')), ...indexes.slice(500), planPr(SHA('c'))];

    const placed = await enqueuer.enqueue(jobs);

    expect(placed.map((p) => p.id)).toEqual(jobs.map((j) => jobId(j)));
    expect(placed.at(-1)).toMatchObject({ outcome: 'superseded' });
    expect(await queue(QUEUE_NAMES.index).getWaitingCount()).toBe(1_000);
    const waiting = await queue(QUEUE_NAMES.plan).getWaiting();
    expect(waiting.map((j) => j.data.headSha)).toEqual([SHA('c')]);
  });

  it('runs the latest head sha after the active plan of the same pull request (keepLastIfActive)', async () => {
    await fresh();
    const ran: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((r) => { release = r; });
    const worker = new Worker(QUEUE_NAMES.plan, async (job) => {
      ran.push(job.data.headSha);
      if (ran.length === 1) await released;
    }, { connection: new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: null }), prefix, concurrency: 4 });
    workers.push(worker);

    await enqueuer.enqueue([planPr(SHA('a'))]);
    await waitUntil(async () => ran.length === 1);
    const b = await enqueuer.enqueue([planPr(SHA('b'))]);
    const c = await enqueuer.enqueue([planPr(SHA('c'))]);
    await new Promise((r) => setTimeout(r, 200));
    expect(ran).toEqual([SHA('a')]); // never two plans of one pull request at once
    release();
    await waitUntil(async () => ran.length === 2);
    await new Promise((r) => setTimeout(r, 300));

    expect(b[0]?.outcome).toBe('next');
    expect(c[0]?.outcome).toBe('next');
    expect(ran).toEqual([SHA('a'), SHA('c')]);
    const done = await queue(QUEUE_NAMES.plan).getCompleted();
    expect(done.map((j) => j.id).sort()).toEqual([jobId(planPr(SHA('a'))), jobId(planPr(SHA('c')))].sort());
  });

  it('refuses an invalid request without touching Redis', async () => {
    await fresh();

    await expect(enqueuer.enqueue([{ ...planPr(SHA('a')), headSha: 'nope' }])).rejects.toThrow(/invalid job request/);
  });

  it('counts jobs per queue and state', async () => {
    await fresh();
    await enqueuer.enqueue([planPr(SHA('a'))]);

    const counts = await enqueuer.counts();

    expect(counts).toContainEqual({ queue: QUEUE_NAMES.plan, state: 'waiting', count: 1 });
    expect(counts).toContainEqual({ queue: QUEUE_NAMES.index, state: 'active', count: 0 });
  });
});

describe('createEnqueuer when Redis is away', () => {
  it('fails at once when Redis was never reachable', async () => {
    const enqueuer = createEnqueuer('redis://127.0.0.1:1');
    const started = performance.now();

    await expect(enqueuer.enqueue([planPr(SHA('a'))])).rejects.toBeInstanceOf(TransientError);
    await expect(enqueuer.ping()).rejects.toThrow();

    expect(performance.now() - started).toBeLessThan(1000);
    await enqueuer.close();
  });

  it('fails fast during an outage and recovers by itself when Redis is back', async () => {
    const server = await PrivateRedis.start();
    const enqueuer = createEnqueuer(server.url, { prefix: 'pave-recovery' });
    try {
      await waitUntil(async () => (await enqueuer.enqueue([planPr(SHA('a'))]), true));

      await server.stop();
      const started = performance.now();
      await expect(enqueuer.enqueue([planPr(SHA('b'))])).rejects.toBeInstanceOf(TransientError);
      expect(performance.now() - started).toBeLessThan(1000);

      await server.start();
      const placed = await waitUntil(async () => enqueuer.enqueue([planPr(SHA('c'))]), 10_000);

      expect(placed[0]).toMatchObject({ id: jobId(planPr(SHA('c'))) });
    } finally {
      await enqueuer.close();
      await server.stop();
    }
  });
});

/** Retry `probe` until it returns a truthy value (errors count as "not yet"). */
async function waitUntil<T>(probe: () => Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
