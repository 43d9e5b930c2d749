import { describe, expect, it } from 'vitest';
import { API_KEY_ALPHABET, PASSWORD_ALPHABET, generateSecret } from './generate-secret.js';

/** Every character of `alphabet` turns up about as often as the others over `samples`. */
function expectUniform(alphabet: string, samples: readonly string[]): void {
  const counts = new Map<string, number>([...alphabet].map((c) => [c, 0]));
  for (const sample of samples) for (const c of sample) counts.set(c, (counts.get(c) ?? 0) + 1);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const expected = total / alphabet.length;
  // Pearson's chi-square; with 55–61 degrees of freedom, 120 is far in the tail (p < 1e-6).
  const chiSquare = [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
  expect(counts.size).toBe(alphabet.length);
  expect(chiSquare).toBeLessThan(120);
}

describe('generateSecret', () => {
  it('makes 32-character passwords from the unambiguous alphabet, with every character class', () => {
    const passwords = Array.from({ length: 2000 }, () => generateSecret('password'));

    for (const password of passwords) {
      expect(password).toMatch(/^[A-HJ-NP-Za-km-np-z2-9]{32}$/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[0-9]/);
    }
    expect(new Set(passwords).size).toBe(passwords.length);
    expectUniform(PASSWORD_ALPHABET, passwords);
  });

  it('keeps passwords free of anything a connection string would need escaped', () => {
    expect(PASSWORD_ALPHABET).toHaveLength(56);
    expect(new Set(PASSWORD_ALPHABET).size).toBe(56);
    expect(PASSWORD_ALPHABET).not.toMatch(/[0O1lI'"\\@:/?#&=%;\s`$]/);
  });

  it('makes API keys of pave_ and 40 base62 characters', () => {
    const keys = Array.from({ length: 2000 }, () => generateSecret('api-key'));

    for (const key of keys) expect(key).toMatch(/^pave_[0-9A-Za-z]{40}$/);
    expect(new Set(keys).size).toBe(keys.length);
    expectUniform(API_KEY_ALPHABET, keys.map((key) => key.slice('pave_'.length)));
  });
});
