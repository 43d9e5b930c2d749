/**
 * Errors that carry their retry semantics in their type. Adapters translate SDK errors into these
 * (one `toDomainError` per adapter); only the queue binding maps them onto BullMQ. Never classify
 * an error by its message.
 */
export type ErrorCode =
  | 'config'
  | 'transient'
  | 'rate-limited'
  | 'terminal'
  | 'not-found'
  | 'not-ready';

export abstract class PaveError extends Error {
  abstract readonly code: ErrorCode;
}

/** The user's configuration is wrong: report it, do not retry. */
export class ConfigError extends PaveError {
  override readonly name = 'ConfigError';
  readonly code = 'config';
}

/** Network, 5xx, lock contention: retry with backoff. */
export class TransientError extends PaveError {
  override readonly name = 'TransientError';
  readonly code = 'transient';
}

/** A rate limit: retry after `retryAfterMs`. */
export class RateLimitedError extends PaveError {
  override readonly name = 'RateLimitedError';
  readonly code = 'rate-limited';
  constructor(message: string, readonly retryAfterMs: number, options?: ErrorOptions) {
    super(message, options);
  }
}

/** Retrying cannot help (permission denied, a conflict that needs a human). */
export class TerminalError extends PaveError {
  override readonly name = 'TerminalError';
  readonly code = 'terminal';
}

/** What was asked for does not exist (a deleted branch, a missing repository). Terminal. */
export class NotFoundError extends PaveError {
  override readonly name = 'NotFoundError';
  readonly code = 'not-found';
}

/** A dependency is not ready yet: try again after `retryAfterMs`, which is not a failure. */
export class NotReadyError extends PaveError {
  override readonly name = 'NotReadyError';
  readonly code = 'not-ready';
  constructor(message: string, readonly retryAfterMs: number, options?: ErrorOptions) {
    super(message, options);
  }
}
