/**
 * Octokit's errors as pave's typed errors, decided by HTTP status and rate-limit headers only
 * (never by message text):
 *
 * | response | error |
 * |---|---|
 * | 403/429 with `x-ratelimit-remaining: 0` or `retry-after` | {@link RateLimitedError} (wait from `retry-after`, else `x-ratelimit-reset`) |
 * | 429 without those headers | {@link RateLimitedError}, one minute (GitHub's advice) |
 * | 401, 403 otherwise | {@link TerminalError} (bad credentials, missing permission) |
 * | 404, 410 | {@link NotFoundError} |
 * | 409, 422 and other 4xx | {@link TerminalError} |
 * | 5xx, network failures (Octokit reports them as 500), aborted requests | {@link TransientError} |
 */
import { NotFoundError, PaveError, RateLimitedError, TerminalError, TransientError } from '../../domain/errors.js';

/** The parts of Octokit's `RequestError` this module reads. */
interface HttpFailure {
  readonly status: number;
  readonly response?: { readonly headers?: Readonly<Record<string, string | number | undefined>> };
}

function isHttpFailure(err: unknown): err is HttpFailure & Error {
  return err instanceof Error && typeof (err as Partial<HttpFailure>).status === 'number';
}

/** Without any hint, GitHub asks to wait at least a minute before retrying. */
const DEFAULT_WAIT_MS = 60_000;

/**
 * How long a rate-limited response asks to wait, in milliseconds, or undefined when the
 * response carries no rate-limit headers.
 */
export function rateLimitWaitMs(headers: Readonly<Record<string, string | number | undefined>>, nowMs: number): number | undefined {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined && retryAfter !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(seconds * 1000, 0);
    const date = Date.parse(String(retryAfter));
    if (Number.isFinite(date)) return Math.max(date - nowMs, 0);
  }
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    // One second past the reset, as GitHub documents.
    return Number.isFinite(reset) ? Math.max(reset * 1000 - nowMs + 1000, 1000) : DEFAULT_WAIT_MS;
  }
  return undefined;
}

/**
 * Translate anything an Octokit call threw into a {@link PaveError}. Errors that already are
 * pave errors pass through; errors that are not HTTP failures (bugs) are returned unchanged.
 */
export function toDomainError(err: unknown, nowMs: number = Date.now()): unknown {
  if (err instanceof PaveError) return err;
  if (err instanceof Error && err.name === 'AbortError') return new TransientError('GitHub request aborted', { cause: err });
  if (!isHttpFailure(err)) return err;
  const { status } = err;
  const headers = err.response?.headers ?? {};
  const what = `GitHub answered ${status}`;
  if (status === 403 || status === 429) {
    const wait = rateLimitWaitMs(headers, nowMs);
    if (wait !== undefined) return new RateLimitedError(`${what}: rate limited`, wait, { cause: err });
    if (status === 429) return new RateLimitedError(`${what}: too many requests`, DEFAULT_WAIT_MS, { cause: err });
    return new TerminalError(`${what}: forbidden (check the app's permissions)`, { cause: err });
  }
  if (status === 401) return new TerminalError(`${what}: bad credentials`, { cause: err });
  if (status === 404 || status === 410) return new NotFoundError(`${what}: not found`, { cause: err });
  if (status >= 500) return new TransientError(`${what}: server or network error`, { cause: err });
  return new TerminalError(`${what}: request refused`, { cause: err });
}

/** Run an Octokit call and rethrow its failure as a pave error. */
export async function translated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toDomainError(err);
  }
}
