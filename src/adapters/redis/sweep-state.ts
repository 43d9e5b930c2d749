/**
 * Redis state of the delivery sweeper: the watermark (one key, ISO time) and which delivery ids
 * pave accepted — the webhook dedupe's keys (`delivery-dedupe.ts`), read with one `EXISTS`
 * per id in a pipeline. Redis errors become `TransientError`s (the job is retried).
 */
import type { Redis } from 'ioredis';
import { TransientError } from '../../domain/errors.js';
import type { ProcessedDeliveries, SweepWatermark } from '../../domain/resync.js';

/** The watermark under `key` (e.g. `pave:sweep:watermark`). */
export function createRedisSweepWatermark(redis: Redis, key: string): SweepWatermark {
  return {
    async get() {
      const value = await unavailable(() => redis.get(key));
      const at = value ? new Date(value) : undefined;
      return at && !Number.isNaN(at.getTime()) ? at : undefined;
    },
    async set(at) {
      // Kept a week: longer than GitHub keeps deliveries; a sweeper idle longer starts afresh.
      await unavailable(() => redis.set(key, at.toISOString(), 'EX', 7 * 24 * 60 * 60));
    },
  };
}

/** Processed ids: the dedupe's keys `<prefix><guid>` (the prefix given to `createRedisDeliveryDedupe`). */
export function createRedisProcessedDeliveries(redis: Redis, prefix: string): ProcessedDeliveries {
  return {
    async processed(guids) {
      if (guids.length === 0) return new Set();
      const found = new Set<string>();
      for (let i = 0; i < guids.length; i += 500) {
        const chunk = guids.slice(i, i + 500);
        const pipeline = redis.pipeline();
        for (const guid of chunk) pipeline.exists(prefix + guid);
        const results = await unavailable(() => pipeline.exec());
        results?.forEach(([err, n], j) => {
          if (err) throw new TransientError('delivery dedupe unavailable', { cause: err });
          if (n === 1) found.add(chunk[j]!);
        });
      }
      return found;
    },
  };
}

async function unavailable<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new TransientError('sweeper state unavailable', { cause: err });
  }
}
