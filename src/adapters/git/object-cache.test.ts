import { expect, it } from 'vitest';
import { ObjectCache } from './object-cache.js';

it('keeps the most recently used objects within its byte budget', () => {
  const cache = new ObjectCache(300);
  cache.set('a', 'A', 100);
  cache.set('b', 'B', 100);
  cache.set('c', 'C', 100);
  expect(cache.get('a')).toBe('A'); // a is now the most recent

  cache.set('d', 'D', 100);

  expect(cache.get('b')).toBeUndefined();
  expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual(['A', 'C', 'D']);
  expect(cache.size).toBe(300);
});

it('does not keep an object larger than the budget, and a zero budget keeps nothing', () => {
  const cache = new ObjectCache(50);
  cache.set('big', 'x', 51);
  expect(cache.get('big')).toBeUndefined();

  const none = new ObjectCache(0);
  none.set('a', 'A', 1);
  expect(none.get('a')).toBeUndefined();
});
