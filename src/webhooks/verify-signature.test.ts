/**
 * Signature verification: right, wrong, missing, malformed, other algorithms, secret rotation —
 * and the comparison's code path: every well-formed signature, right or wrong and wherever it
 * differs, is compared with `crypto.timingSafeEqual` over buffers of equal length (no early exit
 * that a timing attack could measure). Checked by watching the call, not by timing it.
 */
import { createHmac } from 'node:crypto';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { isSha256Signature, verifySignature } from './verify-signature.js';

const SECRET = 'webhook-secret-of-some-length';
const BODY = JSON.stringify({ action: 'opened', number: 7, note: 'naïve – ünïcödé' });
const sign = (body: string, secret = SECRET, algorithm = 'sha256') => `${algorithm}=${createHmac(algorithm, secret).update(body).digest('hex')}`;

const original = crypto.timingSafeEqual;
afterEach(() => {
  crypto.timingSafeEqual = original;
  syncBuiltinESMExports();
});

/** Record every timingSafeEqual call (its operands' lengths and its answer) while `fn` runs. */
async function watchComparisons<T>(fn: () => Promise<T>): Promise<{ result: T; calls: { lengths: [number, number]; equal: boolean }[] }> {
  const calls: { lengths: [number, number]; equal: boolean }[] = [];
  crypto.timingSafeEqual = (a, b) => {
    const equal = original(a, b);
    calls.push({ lengths: [a.byteLength, b.byteLength], equal });
    return equal;
  };
  syncBuiltinESMExports();
  const result = await fn();
  return { result, calls };
}

describe('verifySignature', () => {
  it('accepts the HMAC-SHA256 of the exact body', async () => {
    expect(await verifySignature([SECRET], BODY, sign(BODY))).toBe(true);
  });

  it.each([
    ['a missing signature', undefined],
    ['an empty signature', ''],
    ['another secret', sign(BODY, 'not-the-secret')],
    ['another body', sign(BODY + ' ')],
    ['SHA-1 (the legacy X-Hub-Signature)', sign(BODY, SECRET, 'sha1')],
    ['SHA-512', sign(BODY, SECRET, 'sha512')],
    ['the right digest labelled sha1', sign(BODY).replace('sha256=', 'sha1=')],
    ['upper-case hex', sign(BODY).toUpperCase().replace('SHA256=', 'sha256=')],
    ['a truncated digest', sign(BODY).slice(0, -2)],
    ['a digest with a trailing newline', sign(BODY) + '\n'],
    ['the bare digest without the prefix', sign(BODY).slice('sha256='.length)],
  ])('refuses %s', async (_name, signature) => {
    expect(await verifySignature([SECRET], BODY, signature)).toBe(false);
  });

  it('refuses an empty body even when signed, and never accepts anything without a secret', async () => {
    expect(await verifySignature([SECRET], '', sign(''))).toBe(false);
    expect(await verifySignature([], BODY, sign(BODY))).toBe(false);
    expect(await verifySignature([''], BODY, sign(BODY, ''))).toBe(false);
    expect(await verifySignature(['', SECRET], BODY, sign(BODY))).toBe(true);
  });

  it('accepts any of the secrets of a rotation', async () => {
    expect(await verifySignature(['new-secret-0123456', SECRET], BODY, sign(BODY))).toBe(true);
    expect(await verifySignature(['new-secret-0123456', SECRET], BODY, sign(BODY, 'new-secret-0123456'))).toBe(true);
  });

  it('only lets sha256= and 64 lower-case hex digits through to the comparison', () => {
    expect(isSha256Signature(sign(BODY))).toBe(true);
    for (const bad of [sign(BODY, SECRET, 'sha1'), sign(BODY).toUpperCase(), sign(BODY) + '0', ' ' + sign(BODY)]) expect(isSha256Signature(bad)).toBe(false);
  });
});

describe('the comparison is constant-time', () => {
  const right = sign(BODY);
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1);

  it('compares the right signature with timingSafeEqual', async () => {
    const { result, calls } = await watchComparisons(() => verifySignature([SECRET], BODY, right));

    expect(result).toBe(true);
    expect(calls).toEqual([{ lengths: [right.length, right.length], equal: true }]);
  });

  it.each([
    ['its first digit', 'sha256='.length],
    ['a middle digit', 'sha256='.length + 32],
    ['its last digit', right.length - 1],
  ])('compares a signature wrong in %s with timingSafeEqual over equal lengths, once per secret', async (_name, i) => {
    const { result, calls } = await watchComparisons(() => verifySignature(['other-secret-0123', SECRET], BODY, flip(right, i)));

    expect(result).toBe(false);
    expect(calls).toEqual([
      { lengths: [right.length, right.length], equal: false },
      { lengths: [right.length, right.length], equal: false },
    ]);
  });
});
