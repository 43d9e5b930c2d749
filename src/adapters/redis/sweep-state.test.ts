import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { TransientError } from '../../domain/errors.js';
import { testRedis } from '../../../test/helpers/redis.js';
import { createRedisDeliveryDedupe } from './delivery-dedupe.js';
import { createRedisProcessedDeliveries, createRedisSweepWatermark } from './sweep-state.js';

const r = testRedis();
afterAll(() => r.cleanup());

describe('the sweeper state on Redis', () => {
  it('knows exactly the delivery ids the webhook dedupe recorded (and forgot)', async () => {
    const dedupe = createRedisDeliveryDedupe({ redis: r.redis, prefix: `${r.prefix}delivery:` });
    const processed = createRedisProcessedDeliveries(r.redis, `${r.prefix}delivery:`);
    await dedupe.seen('taken');
    await dedupe.seen('forgotten');
    await dedupe.forget('forgotten'); // pave answered 503: not processed
    const many = Array.from({ length: 1200 }, (_, i) => `never-${i}`);

    expect(await processed.processed(['taken', 'forgotten', 'never', ...many, 'taken'])).toEqual(new Set(['taken']));
    expect(await processed.processed([])).toEqual(new Set());
  });

  it('keeps the watermark, with an expiry, and reads nothing before the first sweep', async () => {
    const watermark = createRedisSweepWatermark(r.redis, `${r.prefix}sweep:watermark`);
    expect(await watermark.get()).toBeUndefined();
    await watermark.set(new Date('2026-11-23T10:00:00Z'));

    expect(await watermark.get()).toEqual(new Date('2026-11-23T10:00:00Z'));
    expect(await r.redis.ttl(`${r.prefix}sweep:watermark`)).toBeGreaterThan(6 * 24 * 3600);
  });

  it('turns an unreachable Redis into a TransientError (the job is retried)', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    await expect(createRedisSweepWatermark(down, 'x').get()).rejects.toBeInstanceOf(TransientError);
    await expect(createRedisProcessedDeliveries(down, 'x:').processed(['a'])).rejects.toBeInstanceOf(TransientError);
    down.disconnect();
  });
});
