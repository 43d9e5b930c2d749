import type { Redis } from 'ioredis';
import { TransientError } from '../../domain/errors.js';
import type { Run, RunStore } from '../../domain/runs.js';

/** Runs as JSON under `<prefix>run:<id>`, kept `ttlSeconds` (default 30 days). */
export function createRedisRunStore(redis: Redis, options: { prefix?: string; ttlSeconds?: number } = {}): RunStore {
  const prefix = options.prefix ?? 'pave:';
  const ttl = options.ttlSeconds ?? 30 * 24 * 3600;
  return {
    async save(run) {
      await wrap(() => redis.set(`${prefix}run:${run.id}`, JSON.stringify(run), 'EX', ttl));
    },
    async get(id) {
      const text = await wrap(() => redis.get(`${prefix}run:${id}`));
      return text ? (JSON.parse(text) as Run) : undefined;
    },
  };
}

export async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new TransientError('redis unavailable', { cause: err });
  }
}
