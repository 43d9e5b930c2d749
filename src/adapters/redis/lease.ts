/**
 * Leases on Redis, held by an owner (the job's identity): a script takes a free lease or gives it
 * back to the owner that already holds it (a job retried after its worker died), a
 * compare-and-delete releases it only while it is still ours. A lease outliving its holder expires.
 */
import type { Redis } from 'ioredis';
import type { LeaseManager } from '../../domain/apply.js';
import { wrap } from './run-store.js';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// Take the lease when free, or take it back when this owner already holds it (a retried job).
const ACQUIRE = `local v = redis.call('get', KEYS[1])
if v == false then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end
return 0`;

export function createRedisLeases(redis: Redis, options: { prefix?: string } = {}): LeaseManager {
  const prefix = `${options.prefix ?? 'pave:'}lease:`;
  return {
    async acquire(key, ttlMs, owner) {
      return (await wrap(() => redis.eval(ACQUIRE, 1, prefix + key, owner, String(ttlMs)))) === 1;
    },
    async release(key, owner) {
      await wrap(() => redis.eval(RELEASE, 1, prefix + key, owner));
    },
  };
}
