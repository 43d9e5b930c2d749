/**
 * The scheduled jobs: BullMQ job schedulers on the index queue that add a `resync` every
 * `PAVE_RESYNC_INTERVAL` and a `sweep-deliveries` every `PAVE_SWEEP_INTERVAL`.
 *
 * - **Idempotent across restarts and replicas**: each scheduler has a fixed id, so every worker
 *   replica upserting it at startup leaves one scheduler; its options are the same on every call
 *   (the offset is derived, not random), so an upsert does not move the next run.
 * - **Jitter**: runs fall on `every`-aligned slots plus an offset derived from `seed` (the
 *   installation's identity: key prefix, App or public URL), so several pave installations
 *   sharing GitHub's rate limits or a Redis do not all resync at the same instant.
 * - An interval of 0 removes the scheduler.
 */
import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { JobRequest } from './jobs.js';

export const SCHEDULER_IDS = { resync: 'pave-resync', sweep: 'pave-sweep-deliveries' } as const;

export interface ScheduleOptions {
  /** 0: no resync. */
  readonly resyncEveryMs: number;
  /** 0: no sweep (the sweeper needs a GitHub App). */
  readonly sweepEveryMs: number;
  /** Same on every replica of one installation, different across installations. */
  readonly seed: string;
}

export interface ScheduledJob {
  readonly id: string;
  readonly everyMs: number;
  readonly offsetMs: number;
}

/** The offset of `name`'s runs within its interval: a stable hash of `seed` and `name`, in [1, every). */
export function scheduleOffset(seed: string, name: string, everyMs: number): number {
  if (everyMs <= 1) return 0;
  const hash = createHash('sha256').update(`${seed}\0${name}`).digest().readUInt32BE(0);
  return 1 + (hash % (everyMs - 1));
}

/** Create, update or remove the schedulers on `queue` (the index queue). */
export async function upsertSchedules(queue: Queue, options: ScheduleOptions): Promise<ScheduledJob[]> {
  const wanted: [string, number, JobRequest][] = [
    [SCHEDULER_IDS.resync, options.resyncEveryMs, { kind: 'resync', trigger: 'schedule' }],
    [SCHEDULER_IDS.sweep, options.sweepEveryMs, { kind: 'sweep-deliveries', trigger: 'schedule' }],
  ];
  const scheduled: ScheduledJob[] = [];
  for (const [id, everyMs, data] of wanted) {
    if (everyMs <= 0) {
      await queue.removeJobScheduler(id);
      continue;
    }
    const offsetMs = scheduleOffset(options.seed, id, everyMs);
    await queue.upsertJobScheduler(id, { every: everyMs, offset: offsetMs }, {
      name: data.kind,
      data,
      // A missed or failed run is simply the next one; keep a short history for the queue dashboard.
      opts: { attempts: 2, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: { count: 20 }, removeOnFail: { count: 50 } },
    });
    scheduled.push({ id, everyMs, offsetMs });
  }
  return scheduled;
}
