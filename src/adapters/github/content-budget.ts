/**
 * GitHub's content-creation budget as two token buckets per actor (installation or token):
 * about 80 content-creating requests a minute and 500 an hour, shared with what people do in the
 * web UI. When a request would overdraw either bucket it is not sent: {@link ContentBudget.take}
 * throws {@link RateLimitedError} with the time until a token is back, so the job is delayed
 * instead of failed, and GitHub never sees a burst that earns a secondary rate limit.
 *
 * In-memory, per process: with several worker replicas give each a share of the limits.
 */
import type { Clock } from '../../domain/ports.js';
import { RateLimitedError } from '../../domain/errors.js';

export interface ContentBudgetOptions {
  /** @defaultValue 80 */
  readonly perMinute?: number;
  /** @defaultValue 500 */
  readonly perHour?: number;
  /** @defaultValue the system clock */
  readonly clock?: Clock;
}

interface Bucket {
  tokens: number;
  at: number;
}

const systemClock: Clock = { now: () => new Date() };

/** Requests that create content: comments (on issues and commits), edits of comments, reactions, statuses, reviews, check runs. */
const CONTENT_ROUTES: readonly RegExp[] = [
  /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/,
  /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/,
  /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+\/reactions$/,
  /^\/repos\/[^/]+\/[^/]+\/commits\/[^/]+\/comments$/,
  /^\/repos\/[^/]+\/[^/]+\/comments\/\d+$/,
  /^\/repos\/[^/]+\/[^/]+\/statuses\/[^/]+$/,
  /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/(comments|reviews)$/,
  /^\/repos\/[^/]+\/[^/]+\/check-runs(\/\d+)?$/,
];

/** Whether a request (method and path without the base URL) creates content on GitHub. */
export function createsContent(method: string, path: string): boolean {
  const m = method.toUpperCase();
  if (m !== 'POST' && m !== 'PATCH') return false;
  const pathname = path.split('?')[0]!;
  return CONTENT_ROUTES.some((r) => r.test(pathname));
}

/** Token buckets per actor; see the module comment. Share one instance per process. */
export class ContentBudget {
  private readonly windows: readonly { capacity: number; perMs: number }[];
  private readonly buckets = new Map<string, Bucket[]>();
  private readonly clock: Clock;

  constructor(options: ContentBudgetOptions = {}) {
    const perMinute = options.perMinute ?? 80;
    const perHour = options.perHour ?? 500;
    this.windows = [
      { capacity: perMinute, perMs: perMinute / 60_000 },
      { capacity: perHour, perMs: perHour / 3_600_000 },
    ];
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Spend one token of `actor`'s budget, or throw {@link RateLimitedError} with the wait until
   * both buckets hold a token again (nothing is spent then).
   */
  take(actor: string): void {
    const now = this.clock.now().getTime();
    const buckets = this.buckets.get(actor) ?? this.windows.map((w) => ({ tokens: w.capacity, at: now }));
    this.buckets.set(actor, buckets);
    let waitMs = 0;
    buckets.forEach((bucket, i) => {
      const window = this.windows[i]!;
      bucket.tokens = Math.min(window.capacity, bucket.tokens + (now - bucket.at) * window.perMs);
      bucket.at = now;
      if (bucket.tokens < 1) waitMs = Math.max(waitMs, Math.ceil((1 - bucket.tokens) / window.perMs));
    });
    if (waitMs > 0) throw new RateLimitedError('GitHub content-creation budget spent', waitMs);
    for (const bucket of buckets) bucket.tokens -= 1;
  }

  /** Whole tokens left for `actor` in the tighter window (for metrics and tests). */
  remaining(actor: string): number {
    const now = this.clock.now().getTime();
    const buckets = this.buckets.get(actor);
    if (!buckets) return Math.min(...this.windows.map((w) => w.capacity));
    return Math.floor(Math.min(...buckets.map((b, i) => Math.min(this.windows[i]!.capacity, b.tokens + (now - b.at) * this.windows[i]!.perMs))));
  }
}
