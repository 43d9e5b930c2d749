import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../domain/errors.js';
import { ContentBudget, createsContent } from './content-budget.js';
import { ObjectCache } from './object-cache.js';

describe('ContentBudget', () => {
  it('refills continuously and honours the hourly window too', () => {
    let now = 0;
    const budget = new ContentBudget({ perMinute: 2, perHour: 3, clock: { now: () => new Date(now) } });

    budget.take('i1');
    budget.take('i1');
    const perMinute = (() => {
      try {
        budget.take('i1');
      } catch (err) {
        return err;
      }
    })();
    now += 30_000;
    budget.take('i1'); // the minute bucket has one token again; the hour bucket its last one
    now += 60_000;
    const perHour = (() => {
      try {
        budget.take('i1');
      } catch (err) {
        return err;
      }
    })();

    expect(perMinute).toBeInstanceOf(RateLimitedError);
    expect((perMinute as RateLimitedError).retryAfterMs).toBe(30_000);
    expect(perHour).toBeInstanceOf(RateLimitedError);
    // 0.075 tokens left in the hour bucket at 3 an hour: 0.925 × 20 min.
    expect(Math.round((perHour as RateLimitedError).retryAfterMs / 1000)).toBe(1_110);
    expect(budget.remaining('i2')).toBe(2);
  });

  it.each([
    ['POST', '/repos/a/b/issues/12/comments', true],
    ['PATCH', '/repos/a/b/issues/comments/99', true],
    ['POST', '/repos/a/b/issues/comments/99/reactions', true],
    ['POST', '/repos/a/b/statuses/abc', true],
    ['POST', `/repos/a/b/commits/${'c'.repeat(40)}/comments`, true],
    ['PATCH', '/repos/a/b/comments/99', true],
    ['GET', `/repos/a/b/commits/${'c'.repeat(40)}/comments`, false],
    ['POST', '/repos/a/b/check-runs', true],
    ['GET', '/repos/a/b/issues/12/comments', false],
    ['DELETE', '/repos/a/b/issues/comments/99', false],
    ['POST', '/app/installations/1/access_tokens', false],
    ['POST', '/app/hook/deliveries/1/attempts', false],
  ])('%s %s creates content: %s', (method, path, expected) => {
    expect(createsContent(method, path)).toBe(expected);
  });
});

describe('ObjectCache', () => {
  it('evicts the least recently used entries beyond its byte budget', () => {
    const cache = new ObjectCache({ maxBytes: 100 });

    cache.set('a', 'A', 20);
    cache.set('b', 'B', 20);
    cache.get('a');
    cache.set('c', 'C', 20);
    cache.set('d', 'D', 20);
    cache.set('e', 'E', 20);
    cache.set('f', 'F', 20);

    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd', 'e', 'f'].map((k) => cache.get(k))).toEqual(['A', 'C', 'D', 'E', 'F']);
    expect(cache.stats()).toMatchObject({ entries: 5, bytes: 100 });
  });

  it('does not keep a value larger than a quarter of the budget', () => {
    const cache = new ObjectCache({ maxBytes: 100 });

    cache.set('big', 'x', 26);

    expect(cache.get('big')).toBeUndefined();
  });
});
