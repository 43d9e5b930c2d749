import { afterAll, describe, expect, it } from 'vitest';
import { testRedis } from '../../../test/helpers/redis.js';
import { createRedisLeases } from './lease.js';

const r = testRedis();
afterAll(() => r.cleanup());

describe('createRedisLeases', () => {
  const leases = createRedisLeases(r.redis, { prefix: r.prefix });

  it('gives a lease to one owner at a time, back to the same owner, and frees it on release', async () => {
    const a = await leases.acquire('lending/loans-api/development', 10_000, 'job-a');
    const b = await leases.acquire('lending/loans-api/development', 10_000, 'job-b');
    const again = await leases.acquire('lending/loans-api/development', 10_000, 'job-a');
    await leases.release('lending/loans-api/development', 'job-a');
    const c = await leases.acquire('lending/loans-api/development', 10_000, 'job-b');

    expect([a, b, again, c]).toEqual([true, false, true, true]);
  });

  it('expires by itself, and a stale owner cannot release the next owner\'s lease', async () => {
    await leases.acquire('k2', 50, 'stale');
    await new Promise((res) => setTimeout(res, 120));
    const fresh = await leases.acquire('k2', 10_000, 'fresh');
    await leases.release('k2', 'stale');

    expect(fresh).toBe(true);
    expect(await leases.acquire('k2', 10_000, 'other')).toBe(false);
  });
});
