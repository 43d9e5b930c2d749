import { describe, expect, it } from 'vitest';
import type { HookDelivery } from '../domain/resync.js';
import { decideRedeliveries, type SweepInput } from './redeliveries.js';

const T0 = Date.parse('2026-11-23T10:00:00Z');
let nextId = 1;
function attempt(guid: string, minute: number, statusCode: number, redelivery = false): HookDelivery {
  return { id: nextId++, guid, deliveredAt: new Date(T0 + minute * 60_000), redelivery, statusCode, event: 'push', action: null, installationId: 7, repositoryId: 1 };
}
const at = (minute: number) => new Date(T0 + minute * 60_000);
function decide(deliveries: HookDelivery[], overrides: Partial<SweepInput> = {}) {
  return decideRedeliveries({ deliveries, processed: new Set(), since: at(0), maxRedeliveries: 10, maxAttempts: 3, ...overrides });
}

describe('which deliveries the sweeper redelivers', () => {
  it('redelivers failed deliveries (errors and timeouts) that never succeeded, oldest first, naming their latest attempt', () => {
    const a1 = attempt('a', 1, 500);
    const b = attempt('b', 2, 0); // timed out
    const a2 = attempt('a', 3, 502, true);
    const ok = attempt('ok', 4, 202);
    const notFound = attempt('nf', 5, 404);

    const d = decide([notFound, ok, a2, b, a1]); // the log's newest-first order

    expect(d.redeliver.map((x) => [x.guid, x.id])).toEqual([['a', a2.id], ['b', b.id], ['nf', notFound.id]]);
    expect(d.succeeded).toBe(1);
    expect(d.skipped).toEqual([]);
  });

  it('leaves deliveries that a later attempt delivered, and those pave processed though GitHub saw a failure', () => {
    const d = decide([attempt('x', 1, 503), attempt('x', 2, 202, true), attempt('y', 3, 0), attempt('z', 4, 302)], { processed: new Set(['y']) });

    expect(d.redeliver).toEqual([]);
    expect(d.succeeded).toBe(2);
    expect(d.skipped).toEqual([{ guid: 'y', event: 'push', reason: 'processed' }]);
  });

  it('gives up on a delivery after maxAttempts redeliveries', () => {
    const tries = [attempt('g', 1, 500), attempt('g', 11, 500, true), attempt('g', 21, 500, true)];

    expect(decide(tries, { maxAttempts: 2 }).skipped).toEqual([{ guid: 'g', event: 'push', reason: 'gave-up' }]);
    expect(decide(tries, { maxAttempts: 3 }).redeliver.map((x) => x.id)).toEqual([tries[2]!.id]);
  });

  it('redelivers at most maxRedeliveries per sweep; the rest wait, and the watermark stays at the oldest unresolved', () => {
    const failed = [1, 2, 3, 4, 5].map((m) => attempt(`f${m}`, m, 500));
    const d = decide([...failed, attempt('ok', 9, 202)], { maxRedeliveries: 2 });

    expect(d.redeliver.map((x) => x.guid)).toEqual(['f1', 'f2']);
    expect(d.skipped.map((s) => [s.guid, s.reason])).toEqual([['f3', 'over-limit'], ['f4', 'over-limit'], ['f5', 'over-limit']]);
    expect(d.watermark).toEqual(at(1));
  });

  it('moves the watermark to the newest attempt when nothing is unresolved, never behind where the sweep started', () => {
    expect(decide([attempt('a', 1, 202), attempt('b', 7, 202)]).watermark).toEqual(at(7));
    expect(decide([attempt('old', 1, 500, false)], { since: at(5), processed: new Set(['old']) }).watermark).toEqual(at(5));
    expect(decide([], { since: at(5) }).watermark).toEqual(at(5));
    // Given up: not unresolved, so the watermark passes it.
    expect(decide([attempt('g', 1, 500), attempt('g', 2, 500, true)], { maxAttempts: 1 }).watermark).toEqual(at(2));
  });

  it('a delivery redelivered now keeps the watermark at its first attempt, so the next sweep sees how it went', () => {
    const first = decide([attempt('r', 3, 500), attempt('ok', 8, 202)]);
    expect(first.redeliver.map((x) => x.guid)).toEqual(['r']);
    expect(first.watermark).toEqual(at(3));

    const next = decide([attempt('r', 3, 500), attempt('ok', 8, 202), attempt('r', 12, 202, true)], { since: first.watermark });
    expect(next.redeliver).toEqual([]);
    expect(next.watermark).toEqual(at(12));
  });
});
