/**
 * Fault injection for the GitHub double: the next N requests to an operation get a chosen
 * response (status, headers, body) and/or a delay. Builders for the failures GitHub really
 * sends: primary and secondary rate limits, 429, 5xx.
 */
import type { OperationKey } from './openapi.js';

export interface Fault {
  /** Answer with this status instead of serving the request; omit to only delay. */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Wait this long before answering. */
  readonly delayMs?: number;
}

export class FaultQueue {
  private readonly pending = new Map<OperationKey, { fault: Fault; remaining: number }[]>();

  add(operation: OperationKey, fault: Fault, times: number): void {
    const list = this.pending.get(operation) ?? [];
    list.push({ fault, remaining: times });
    this.pending.set(operation, list);
  }

  /** The fault for the next request to `operation`, consuming one use. */
  take(operation: OperationKey): Fault | undefined {
    const list = this.pending.get(operation);
    const next = list?.[0];
    if (!list || !next) return undefined;
    if (--next.remaining <= 0) list.shift();
    return next.fault;
  }

  clear(): void {
    this.pending.clear();
  }
}

/** GitHub's secondary rate limit: 403 with `retry-after` and the message Octokit's throttling plugin recognizes. */
export function secondaryRateLimit(retryAfterSeconds: number): Fault {
  return {
    status: 403,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' },
  };
}

/** GitHub's primary rate limit: 403 with `x-ratelimit-remaining: 0` and the reset time. */
export function primaryRateLimit(resetEpochSeconds: number): Fault {
  return {
    status: 403,
    headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(resetEpochSeconds), 'x-ratelimit-resource': 'core' },
    body: { message: 'API rate limit exceeded for installation.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' },
  };
}

/** 429 Too Many Requests with `retry-after`. */
export function tooManyRequests(retryAfterSeconds: number): Fault {
  return { status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { message: 'Too many requests' } };
}

/** A server error (502 by default, as GitHub's front end sends). */
export function serverError(status = 502): Fault {
  return { status, body: { message: 'Server Error' } };
}
