import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MasterKeyError } from './errors.js';
import { sealedDataHash } from './sealed-data-hash.js';

const masterKey = randomBytes(32);
const base = { data: { PASSWORD: 'hunter2', USERNAME: 'loans' }, certificateFingerprint: 'a'.repeat(64), namespace: 'lending', name: 'loans-api' };

describe('sealedDataHash', () => {
  it('is stable and ignores the order of keys', () => {
    const reordered = { ...base, data: { USERNAME: 'loans', PASSWORD: 'hunter2' } };

    expect(sealedDataHash(masterKey, base)).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(sealedDataHash(masterKey, reordered)).toBe(sealedDataHash(masterKey, base));
    expect(sealedDataHash(masterKey, { ...base, scope: 'strict' })).toBe(sealedDataHash(masterKey, base));
  });

  it.each([
    ['a value', { data: { ...base.data, PASSWORD: 'hunter3' } }],
    ['a key', { data: { PASSWORD: 'hunter2', USER: 'loans' } }],
    ['an added key', { data: { ...base.data, EXTRA: '' } }],
    ['the certificate', { certificateFingerprint: 'b'.repeat(64) }],
    ['the namespace', { namespace: 'payments' }],
    ['the name', { name: 'loans-worker' }],
    ['the scope', { scope: 'namespace-wide' as const }],
  ])('changes with %s', (_, change) => {
    expect(sealedDataHash(masterKey, { ...base, ...change })).not.toBe(sealedDataHash(masterKey, base));
  });

  it('depends on the master key, so a reader of git cannot test guesses', () => {
    const hash = sealedDataHash(masterKey, base);
    const plain = createHash('sha256').update(JSON.stringify(base.data)).digest('hex');

    expect(sealedDataHash(randomBytes(32), base)).not.toBe(hash);
    expect(hash).not.toContain(plain);
    expect(hash).not.toContain('hunter2');
  });

  it('wants a 32-byte master key', () => {
    expect(() => sealedDataHash(randomBytes(8), base)).toThrow(MasterKeyError);
  });
});
