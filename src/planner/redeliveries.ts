/**
 * The delivery sweeper's decision: given the App's delivery log since the last sweep, which
 * failed deliveries to ask GitHub to redeliver, and where the next sweep starts reading.
 *
 * A delivery (one `guid`, any number of attempts) is redelivered when every attempt failed
 * (status below 200 or from 400: pave answered an error, or GitHub got no answer in time), pave
 * never accepted it (its webhook dedupe does not know the guid), and fewer than `maxAttempts`
 * redeliveries were already tried. At most `maxRedeliveries` per sweep, oldest first.
 *
 * The watermark moves to the earliest attempt of a delivery still unresolved (redelivered now, or
 * left for the next sweep by the per-sweep bound), so the next sweep sees all its attempts and
 * the outcome of the redelivery; with nothing unresolved, to the newest attempt seen.
 *
 * Pure: no I/O, no clock.
 */
import type { HookDelivery } from '../domain/resync.js';

export interface SweepInput {
  /** Attempts since the watermark, in any order. */
  readonly deliveries: readonly HookDelivery[];
  /** Guids pave accepted (among those of `deliveries`). */
  readonly processed: ReadonlySet<string>;
  /** Where this sweep started reading. */
  readonly since: Date;
  readonly maxRedeliveries: number;
  /** Redeliveries tried per delivery before giving up. */
  readonly maxAttempts: number;
}

export type SkipReason = 'succeeded' | 'processed' | 'gave-up' | 'over-limit';

export interface SweepDecision {
  /** The latest attempt of each delivery to redeliver, oldest delivery first. */
  readonly redeliver: readonly HookDelivery[];
  /** Failed deliveries not redelivered, by reason (succeeded ones are only counted). */
  readonly skipped: readonly { readonly guid: string; readonly event: string; readonly reason: Exclude<SkipReason, 'succeeded'> }[];
  /** Deliveries whose last attempt succeeded (or any attempt did). */
  readonly succeeded: number;
  /** Where the next sweep starts reading. */
  readonly watermark: Date;
}

export function failed(statusCode: number): boolean {
  return statusCode < 200 || statusCode >= 400;
}

export function decideRedeliveries(input: SweepInput): SweepDecision {
  const byGuid = new Map<string, HookDelivery[]>();
  for (const d of input.deliveries) {
    const attempts = byGuid.get(d.guid);
    if (attempts) attempts.push(d);
    else byGuid.set(d.guid, [d]);
  }
  // Oldest delivery first; attempts of one delivery oldest first (ids grow with time on GitHub).
  const order = (a: HookDelivery, b: HookDelivery) => a.deliveredAt.getTime() - b.deliveredAt.getTime() || a.id - b.id;
  const deliveries = [...byGuid.values()].map((attempts) => attempts.sort(order)).sort((a, b) => order(a[0]!, b[0]!));

  const redeliver: HookDelivery[] = [];
  const skipped: { guid: string; event: string; reason: Exclude<SkipReason, 'succeeded'> }[] = [];
  const unresolved: Date[] = [];
  let succeeded = 0;
  for (const attempts of deliveries) {
    const first = attempts[0]!;
    const latest = attempts.at(-1)!;
    if (attempts.some((a) => !failed(a.statusCode))) {
      succeeded++;
      continue;
    }
    if (input.processed.has(first.guid)) {
      skipped.push({ guid: first.guid, event: first.event, reason: 'processed' });
      continue;
    }
    if (attempts.filter((a) => a.redelivery).length >= input.maxAttempts) {
      skipped.push({ guid: first.guid, event: first.event, reason: 'gave-up' });
      continue;
    }
    unresolved.push(first.deliveredAt);
    if (redeliver.length < input.maxRedeliveries) redeliver.push(latest);
    else skipped.push({ guid: first.guid, event: first.event, reason: 'over-limit' });
  }

  const newest = input.deliveries.reduce<Date | undefined>((m, d) => (!m || d.deliveredAt > m ? d.deliveredAt : m), undefined);
  const earliestUnresolved = unresolved.reduce<Date | undefined>((m, d) => (!m || d < m ? d : m), undefined);
  const candidate = earliestUnresolved ?? newest ?? input.since;
  // Never move backwards past where this sweep started.
  const watermark = candidate < input.since ? input.since : candidate;
  return { redeliver, skipped, succeeded, watermark };
}
