/**
 * Leases on Redis: `SET key token NX PX ttl` takes one, a compare-and-delete script releases it
 * only while it is still ours. A lease that outlives a crashed holder expires by itself.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { LeaseManager } from '../../domain/apply.js';
import { wrap } from './run-store.js';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export function createRedisLeases(redis: Redis, options: { prefix?: string } = {}): LeaseManager {
  const prefix = `${options.prefix ?? 'pave:'}lease:`;
  return {
    async acquire(key, ttlMs) {
      const token = randomBytes(16).toString('hex');
      const ok = await wrap(() => redis.set(prefix + key, token, 'PX', ttlMs, 'NX'));
      return ok === 'OK' ? token : undefined;
    },
    async release(key, token) {
      await wrap(() => redis.eval(RELEASE, 1, prefix + key, token));
    },
  };
}
