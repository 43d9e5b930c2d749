/**
 * The scheduled jobs' registration against real Redis: one scheduler per job however many
 * replicas upsert it and however often (restarts), runs on `every`-aligned slots plus an offset
 * derived from the installation (jitter across installations, stable across restarts), an
 * interval of 0 removes a scheduler, and what the scheduler adds is a valid job for the worker.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRequest, QUEUE_NAMES } from '../src/queue/jobs.js';
import { SCHEDULER_IDS, scheduleOffset, upsertSchedules } from '../src/queue/schedule.js';
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix } from './helpers/redis-server.js';

describe('job schedulers', () => {
  let redis: Redis;
  let prefix: string;
  const queues: Queue[] = [];
  const replica = () => {
    const q = new Queue(QUEUE_NAMES.index, { connection: redis, prefix });
    queues.push(q);
    return q;
  };

  beforeAll(() => {
    redis = new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: null });
    prefix = uniquePrefix('bull-schedule');
  });
  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()));
    await deleteKeys(SHARED_REDIS_URL, `${prefix}:`);
    redis.disconnect();
  });

  it('three replicas upserting twice leave one scheduler per job, with a stable next run and valid payloads', async () => {
    const options = { resyncEveryMs: 30 * 60_000, sweepEveryMs: 10 * 60_000, seed: 'pave:|app-4242' };
    const [a, b, c] = [replica(), replica(), replica()];
    await Promise.all([a, b, c].map((q) => upsertSchedules(q, options)));
    const first = await a.getJobSchedulers();
    await Promise.all([a, b, c].map((q) => upsertSchedules(q, options))); // restarts

    const schedulers = await a.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual([SCHEDULER_IDS.resync, SCHEDULER_IDS.sweep].sort());
    for (const s of schedulers) {
      const before = first.find((f) => f.key === s.key)!;
      expect(s.next).toBe(before.next); // an upsert with the same options does not move the next run
      const every = s.key === SCHEDULER_IDS.resync ? options.resyncEveryMs : options.sweepEveryMs;
      expect(s.every).toBe(every);
      expect(s.offset).toBe(scheduleOffset(options.seed, s.key, every));
      expect(((s.next ?? 0) - (s.offset ?? 0)) % every).toBe(0); // an aligned slot plus the offset
      expect(JobRequest.safeParse(s.template?.data).success).toBe(true);
    }
    expect(schedulers.find((s) => s.key === SCHEDULER_IDS.sweep)!.template?.data).toEqual({ kind: 'sweep-deliveries', trigger: 'schedule' });
    // One delayed job per scheduler, not one per replica.
    expect(await a.getJobCountByTypes('delayed')).toBe(2);
  });

  it('an interval of 0 removes the scheduler', async () => {
    const q = replica();
    await upsertSchedules(q, { resyncEveryMs: 30 * 60_000, sweepEveryMs: 0, seed: 'pave:|http://pave.test' });

    expect((await q.getJobSchedulers()).map((s) => s.key)).toEqual([SCHEDULER_IDS.resync]);
  });

  it('offsets differ across installations and stay within the interval', () => {
    const every = 30 * 60_000;
    const offsets = ['pave:|app-1', 'pave:|app-2', 'other:|app-1', 'pave:|https://pave.acme.example'].map((seed) => scheduleOffset(seed, SCHEDULER_IDS.resync, every));

    expect(new Set(offsets).size).toBe(4);
    for (const o of offsets) expect(o > 0 && o < every).toBe(true);
    expect(scheduleOffset('pave:|app-1', SCHEDULER_IDS.resync, every)).toBe(offsets[0]);
  });
});
