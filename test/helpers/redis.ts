/** Real Redis for tests: a connection and a unique key prefix per test file, cleaned up after. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { deleteKeys } from './redis-server.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testRedis(): { redis: Redis; prefix: string; cleanup: () => Promise<void> } {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: false });
  const prefix = `pave-test:${randomBytes(6).toString('hex')}:`;
  return {
    redis,
    prefix,
    async cleanup() {
      await deleteKeys(REDIS_URL, prefix);
      redis.disconnect();
    },
  };
}
