import type { Redis } from 'ioredis';
import { TransientError } from '../../domain/errors.js';
import type { ItemOutcome, Run, RunStore } from '../../domain/runs.js';

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
    async recordItem(runId, item, outcome) {
      const key = `${prefix}run-items:${runId}`;
      const [, , [, all]] = await wrap(async () => (await redis.multi().hset(key, item, JSON.stringify(outcome)).expire(key, ttl).hgetall(key).exec())!) as [unknown, unknown, [unknown, Record<string, string>]];
      return parseItems(all);
    },
    async items(runId) {
      return parseItems(await wrap(() => redis.hgetall(`${prefix}run-items:${runId}`)));
    },
  };
}

function parseItems(all: Record<string, string>): ReadonlyMap<string, ItemOutcome> {
  return new Map(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, JSON.parse(v) as ItemOutcome]));
}

export async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new TransientError('redis unavailable', { cause: err });
  }
}
