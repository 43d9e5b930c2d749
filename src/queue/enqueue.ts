/**
 * The producer side of the queues: validated `JobRequest`s into BullMQ, with deterministic ids.
 *
 * Identity, two layers (see `job-id.ts`):
 * - `jobId(job)` is the BullMQ job id, so adding the same request twice (a redelivered webhook)
 *   is one job while that job exists (until `removeOnComplete`/`removeOnFail` trims it).
 * - `dedupId(job)`, where defined, is a BullMQ `deduplication: { id, keepLastIfActive: true }`:
 *   at most one running and one waiting job per subject (a pull request, a repository).
 *
 * BullMQ 6.7.0 (checked in its Lua scripts) accepts a custom `jobId` together with
 * `deduplication`: the jobId check runs first (an existing id returns that job), then the
 * deduplication check. What happens to a newer request for a subject depends on the state of
 * the subject's current job:
 * - **active**: BullMQ stores the newer payload, with its custom job id, and creates that job when
 *   the active one finishes (`keepLastIfActive`; later requests overwrite it: the latest wins);
 * - **waiting or delayed**: BullMQ drops the newer payload and keeps the older queued job — a
 *   plan of an outdated head sha would run and the new head would never be planned. So the
 *   enqueuer then removes the queued job (BullMQ refuses to remove a running one) and adds
 *   again: the newest request replaces the queued one, as `job-id.ts` promises.
 * "Newest" is the order of enqueueing, not of pushes: two replicas handling two synchronize
 * deliveries of one pull request at the same instant may enqueue them in either order.
 *
 * The connection fails fast (no offline queue, short timeouts): the web process answers 503 and
 * GitHub's delivery is retried later, instead of requests piling up in memory while Redis is away.
 * It reconnects by itself; the enqueuer never has to be recreated.
 */
import { Queue, type JobsOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { TerminalError, TransientError } from '../domain/errors.js';
import { dedupId, jobId } from './job-id.js';
import { JobRequest, QUEUE_NAMES, queueFor, type QueueName } from './jobs.js';

/** A job as the enqueuer placed it. */
export interface EnqueuedJob {
  readonly id: string;
  readonly queue: QueueName;
  readonly kind: JobRequest['kind'];
  /**
   * `added`: the job exists under `id` (new, or this very request was already queued).
   * `superseded`: it replaced the queued job of the same subject.
   * `next`: the subject's job is running; this one runs after it (unless a newer one replaces it).
   */
  readonly outcome: 'added' | 'superseded' | 'next';
}

/** Jobs per queue and state, for `pave_queue_depth`. */
export interface QueueCount {
  readonly queue: string;
  readonly state: string;
  readonly count: number;
}

export interface Enqueuer {
  /** Validate and add every job, in order. Rejects with `TransientError` when Redis is unreachable. */
  enqueue(jobs: readonly JobRequest[]): Promise<EnqueuedJob[]>;
  /** Jobs waiting, running, delayed, prioritized and failed, per queue. */
  counts(): Promise<QueueCount[]>;
  /** Per queue, when its oldest waiting (or prioritized) job was added, ms since the epoch; absent when none waits. */
  oldestWaiting(): Promise<{ readonly queue: string; readonly since?: number }[]>;
  /** The BullMQ queues (for the queue dashboard). */
  readonly queues: readonly Queue[];
  /** Resolves when Redis answers PING. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface EnqueuerOptions {
  /** BullMQ key prefix. @defaultValue `bull` */
  readonly prefix?: string;
  /** Overrides of {@link DEFAULT_JOB_OPTIONS}. */
  readonly jobOptions?: JobsOptions;
  /** Connection errors (ioredis emits them while reconnecting); by default they are dropped. */
  readonly onError?: (error: Error) => void;
}

/**
 * Retries and retention. Retained jobs keep their ids: a retained completed plan makes a repeat
 * of the same request (same head sha) a no-op for an hour; `/pave plan` always re-plans.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
  removeOnComplete: { age: 60 * 60, count: 1_000 },
  removeOnFail: { age: 24 * 60 * 60, count: 5_000 },
};

/**
 * ioredis options for a producer: commands fail at once while disconnected
 * (`enableOfflineQueue: false`) or after 500 ms, and reconnection never gives up.
 */
export function producerRedisOptions(base: RedisOptions = {}): RedisOptions {
  return {
    ...base,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 500,
    commandTimeout: 500,
    // Never return null: an ended client would leave BullMQ's connection promise rejected forever.
    retryStrategy: (times) => Math.min(100 * times, 1_000),
  };
}

/** Subjects added at the same time by one `enqueue` call. */
const ENQUEUE_LANES = 32;

const COUNTED_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

/** Rounds of remove-and-add before settling; each round needs a job to change state in between. */
const MAX_ROUNDS = 4;

/**
 * Create the producer. `connection` is a `redis://` URL or ioredis options; fail-fast options
 * ({@link producerRedisOptions}) are applied on top.
 */
export function createEnqueuer(connection: string | RedisOptions, options: EnqueuerOptions = {}): Enqueuer {
  const redisOptions = producerRedisOptions(typeof connection === 'string' ? {} : connection);
  const redis = typeof connection === 'string' ? new Redis(connection, redisOptions) : new Redis(redisOptions);
  const onError = options.onError ?? (() => undefined);
  redis.on('error', onError);

  const defaultJobOptions = { ...DEFAULT_JOB_OPTIONS, ...options.jobOptions };
  const queues = new Map<QueueName, Queue>();
  for (const name of Object.values(QUEUE_NAMES)) {
    const queue = new Queue(name, { connection: redis, prefix: options.prefix ?? 'bull', defaultJobOptions });
    queue.on('error', onError);
    queues.set(name, queue);
  }
  const queueOf = (name: QueueName) => queues.get(name)!;

  /** BullMQ waits (forever) for a first connection; a producer must not. */
  function assertConnected(): void {
    if (redis.status !== 'ready') throw new TransientError(`redis is not connected (${redis.status})`);
  }

  async function add(job: JobRequest): Promise<EnqueuedJob> {
    const queue = queueOf(queueFor(job));
    const id = jobId(job);
    const subject = dedupId(job);
    const opts: JobsOptions = { jobId: id, ...(subject ? { deduplication: { id: subject, keepLastIfActive: true } } : {}) };
    const placed = (outcome: EnqueuedJob['outcome']): EnqueuedJob => ({ id, queue: queue.name as QueueName, kind: job.kind, outcome });

    let running: string | undefined;
    let removedOne = false;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const holder = (await queue.add(job.kind, job, opts)).id;
      if (holder === id) return placed(removedOne ? 'superseded' : 'added');
      // Deduplicated into `holder`. If it was running just before this add, BullMQ kept our
      // payload to run next; if it is queued, BullMQ dropped ours: remove it and add again.
      if (holder === running) return placed('next');
      const removed = await queue.remove(holder!);
      if (removed === 1) removedOne = true;
      else running = holder;
    }
    // A subject's job changed state on every round (vanishingly rare): ours is queued as its successor.
    return placed('next');
  }

  return {
    async enqueue(jobs) {
      const valid = jobs.map((job) => {
        const checked = JobRequest.safeParse(job);
        if (!checked.success) throw new TerminalError(`invalid job request: ${checked.error.issues[0]?.message ?? 'unknown'}`);
        return checked.data;
      });
      assertConnected();
      // Requests for one subject keep their order (the newest wins); different subjects are
      // added concurrently, pipelined on the one connection: an installation of 1,000
      // repositories is 1,000 adds, one after another they would outlast the webhook deadline.
      const placed: EnqueuedJob[] = new Array<EnqueuedJob>(valid.length);
      const groups = new Map<string, number[]>();
      valid.forEach((job, i) => {
        const key = dedupId(job) ?? `id:${jobId(job)}`;
        const group = groups.get(key);
        if (group) group.push(i);
        else groups.set(key, [i]);
      });
      const pending = [...groups.values()];
      const lane = async () => {
        for (let group = pending.shift(); group; group = pending.shift()) {
          for (const i of group) placed[i] = await add(valid[i]!);
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(ENQUEUE_LANES, pending.length) }, lane));
      } catch (err) {
        throw new TransientError('enqueue failed', { cause: err });
      }
      return placed;
    },
    async counts() {
      assertConnected();
      const all = await Promise.all([...queues.values()].map(async (queue) => {
        const counts = await queue.getJobCounts(...COUNTED_STATES);
        return COUNTED_STATES.map((state) => ({ queue: queue.name, state, count: counts[state] ?? 0 }));
      }));
      return all.flat();
    },
    async oldestWaiting() {
      assertConnected();
      return Promise.all([...queues.values()].map(async (queue) => {
        // Oldest first (asc): one job from each list is enough.
        const [waiting, prioritized] = await Promise.all([queue.getJobs(['waiting'], 0, 0, true), queue.getJobs(['prioritized'], 0, 0, true)]);
        const times = [...waiting, ...prioritized].map((j) => j?.timestamp).filter((t): t is number => typeof t === 'number');
        return times.length > 0 ? { queue: queue.name, since: Math.min(...times) } : { queue: queue.name };
      }));
    },
    queues: [...queues.values()],
    async ping() {
      await redis.ping();
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
