import { describe, expect, it } from 'vitest';
import { ConfigError, NotFoundError, RateLimitedError, TerminalError, TransientError } from '../../domain/errors.js';
import { rateLimitWaitMs, toDomainError } from './errors.js';

/** What Octokit's RequestError looks like to toDomainError. */
function httpError(status: number, headers: Record<string, string> = {}, message = 'anything'): Error {
  return Object.assign(new Error(message), { name: 'HttpError', status, response: { headers } });
}

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('toDomainError', () => {
  it.each([
    [401, {}, TerminalError],
    [403, {}, TerminalError],
    [403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 60) }, RateLimitedError],
    [403, { 'retry-after': '30' }, RateLimitedError],
    [429, {}, RateLimitedError],
    [404, {}, NotFoundError],
    [410, {}, NotFoundError],
    [409, {}, TerminalError],
    [422, {}, TerminalError],
    [500, {}, TransientError],
    [502, {}, TransientError],
    [503, {}, TransientError],
  ])('%i %j → %o', (status, headers, type) => {
    expect(toDomainError(httpError(status, headers), NOW)).toBeInstanceOf(type);
  });

  it('never reads the message', () => {
    const secondary = httpError(403, {}, 'You have exceeded a secondary rate limit');

    expect(toDomainError(secondary, NOW)).toBeInstanceOf(TerminalError);
  });

  it('keeps pave errors, marks aborts transient, and leaves other errors (bugs) alone', () => {
    const config = new ConfigError('x');
    const bug = new TypeError('undefined is not a function');
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });

    expect(toDomainError(config)).toBe(config);
    expect(toDomainError(bug)).toBe(bug);
    expect(toDomainError(abort)).toBeInstanceOf(TransientError);
  });

  it('keeps the cause', () => {
    const err = httpError(500);

    expect((toDomainError(err) as Error).cause).toBe(err);
  });
});

describe('rateLimitWaitMs', () => {
  it('prefers retry-after (seconds or an HTTP date), then the reset time plus a second', () => {
    expect(rateLimitWaitMs({ 'retry-after': '7' }, NOW)).toBe(7_000);
    expect(rateLimitWaitMs({ 'retry-after': new Date(NOW + 5_000).toUTCString() }, NOW)).toBe(5_000);
    expect(rateLimitWaitMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 120) }, NOW)).toBe(121_000);
    expect(rateLimitWaitMs({ 'x-ratelimit-remaining': '12' }, NOW)).toBeUndefined();
  });
});
