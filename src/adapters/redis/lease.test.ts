import { afterAll, describe, expect, it } from 'vitest';
import { testRedis } from '../../../test/helpers/redis.js';
import { createRedisLeases } from './lease.js';

const r = testRedis();
afterAll(() => r.cleanup());

describe('createRedisLeases', () => {
  const leases = createRedisLeases(r.redis, { prefix: r.prefix });

  it('gives a lease to one holder at a time and frees it on release', async () => {
    const a = await leases.acquire('lending/loans-api/development', 10_000);
    const b = await leases.acquire('lending/loans-api/development', 10_000);
    await leases.release('lending/loans-api/development', a!);
    const c = await leases.acquire('lending/loans-api/development', 10_000);

    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(b).toBeUndefined();
    expect(c).toBeDefined();
  });

  it('expires by itself, and a stale holder cannot release the next holder\'s lease', async () => {
    const stale = await leases.acquire('k2', 50);
    await new Promise((res) => setTimeout(res, 120));
    const fresh = await leases.acquire('k2', 10_000);
    await leases.release('k2', stale!);

    expect(fresh).toBeDefined();
    expect(await leases.acquire('k2', 10_000)).toBeUndefined();
  });
});
