/**
 * The BullMQ binding of the job handlers: one Worker per queue, payloads validated, and the
 * domain's typed errors mapped onto BullMQ's semantics —
 *
 * - `ConfigError`, `TerminalError`, `NotFoundError` → `UnrecoverableError` (fail now, no retry);
 * - `RateLimitedError`, `NotReadyError` → the job is moved to delayed until `retryAfterMs` passes
 *   (waiting is not failing, and it does not use up an attempt);
 * - anything else → rethrown: retried with exponential backoff until attempts run out.
 *
 * Stalled jobs (a worker died mid-job) are moved back to waiting by BullMQ's stalled checker and
 * run again; handlers are idempotent. `close()` stops taking jobs and waits for active ones up to
 * a grace period, then lets them stall so another worker picks them up.
 */
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../domain/logger.js';
import { ConfigError, NotFoundError, NotReadyError, RateLimitedError, TerminalError } from '../domain/errors.js';
import { JobRequest, QUEUE_NAMES, type QueueName } from './jobs.js';

export interface ProcessContext {
  readonly logger: Logger;
  /** Whether BullMQ will run the job again after this error. */
  willRetry(err: unknown): boolean;
}

export interface JobObserver {
  started(kind: string, waitMs: number): void;
  finished(kind: string, outcome: 'completed' | 'failed' | 'delayed' | 'retrying', durationMs: number, ingressToFinishMs?: number): void;
}

export interface WorkerPoolOptions {
  readonly connection: ConnectionOptions;
  readonly concurrency: number;
  readonly logger: Logger;
  readonly handler: (job: JobRequest, ctx: ProcessContext) => Promise<void>;
  readonly observer?: JobObserver;
  /** Which queues to serve. @defaultValue all */
  readonly queues?: readonly QueueName[];
  /** BullMQ key prefix. @defaultValue `bull` */
  readonly prefix?: string;
  /** How long `close()` waits for active jobs. @defaultValue 25 s */
  readonly graceMs?: number;
  /**
   * A job's lock; a worker that dies loses it and the job is run again by another worker after at
   * most about twice this. @defaultValue 30 s (BullMQ's)
   */
  readonly lockMs?: number;
  /** Milliseconds since the epoch (a clock, injected). */
  readonly now: () => number;
}

export interface WorkerPool {
  close(): Promise<void>;
  readonly workers: readonly Worker[];
}

const TERMINAL = [ConfigError, TerminalError, NotFoundError];

export function startWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const now = options.now;
  const queues = options.queues ?? Object.values(QUEUE_NAMES);
  const workers = queues.map((name) => {
    const worker = new Worker(name, (job, token) => processJob(job, token, options, now), {
      connection: options.connection,
      concurrency: options.concurrency,
      prefix: options.prefix,
      autorun: true,
      maxStalledCount: 2,
      ...(options.lockMs ? { lockDuration: options.lockMs, stalledInterval: options.lockMs } : {}),
    });
    worker.on('error', (err) => options.logger.error({ err: String(err), queue: name }, 'worker error'));
    return worker;
  });
  return {
    workers,
    async close() {
      const grace = options.graceMs ?? 25_000;
      await Promise.all(workers.map(async (w) => {
        let timer: NodeJS.Timeout | undefined;
        const forced = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), grace); });
        const outcome = await Promise.race([w.close().then(() => 'closed' as const), forced]);
        clearTimeout(timer);
        if (outcome === 'timeout') await w.close(true);
      }));
    },
  };
}

async function processJob(job: Job, token: string | undefined, options: WorkerPoolOptions, now: () => number): Promise<void> {
  const parsed = JobRequest.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid job payload: ${parsed.error.issues.map((i) => i.path.join('.') + ' ' + i.message).join('; ')}`);
  const request = parsed.data;
  const started = now();
  const logger = options.logger.child({
    jobId: job.id,
    kind: request.kind,
    ...('deliveryId' in request ? { deliveryId: request.deliveryId } : {}),
    ...('repo' in request ? { repo: request.repo } : {}),
    ...('headSha' in request ? { sha: request.headSha } : {}),
  });
  options.observer?.started(request.kind, Math.max(0, started - job.timestamp));
  const attempts = job.opts.attempts ?? 1;
  const willRetry = (err: unknown) =>
    !TERMINAL.some((t) => err instanceof t) && (err instanceof RateLimitedError || err instanceof NotReadyError || job.attemptsMade + 1 < attempts);
  const ingress = 'receivedAt' in request ? request.receivedAt : undefined;
  const finish = (outcome: Parameters<JobObserver['finished']>[1]) =>
    options.observer?.finished(request.kind, outcome, now() - started, ingress !== undefined ? now() - ingress : undefined);

  try {
    logger.debug({ attempt: job.attemptsMade + 1 }, 'job started');
    await options.handler(request, { logger, willRetry });
    finish('completed');
    logger.info({ ms: now() - started }, 'job completed');
  } catch (err) {
    if (err instanceof RateLimitedError || err instanceof NotReadyError) {
      finish('delayed');
      logger.warn({ retryAfterMs: err.retryAfterMs, reason: err.message }, 'job waits');
      await job.moveToDelayed(now() + err.retryAfterMs, token);
      throw new DelayedError();
    }
    if (TERMINAL.some((t) => err instanceof t)) {
      finish('failed');
      logger.error({ err: describe(err) }, 'job failed for good');
      throw new UnrecoverableError(describe(err));
    }
    finish(job.attemptsMade + 1 < attempts ? 'retrying' : 'failed');
    logger.warn({ err: describe(err), attempt: job.attemptsMade + 1, attempts }, 'job failed');
    throw err;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
