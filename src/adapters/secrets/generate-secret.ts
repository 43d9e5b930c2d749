/**
 * Secrets pave generates: database passwords and API keys. Characters are drawn with
 * `crypto.randomInt`, which rejects out-of-range samples itself, so every character of the
 * alphabet is equally likely (no modulo bias).
 */
import { randomInt } from 'node:crypto';

/** What to generate. */
export type SecretKind = 'password' | 'api-key';

/**
 * Letters and digits without the look-alikes `0 O o 1 l I` (56 characters): nothing that needs
 * quoting or escaping in a PostgreSQL or MySQL URL or key/value string, a JDBC URL, a Redis ACL
 * rule, a shell or YAML.
 */
export const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
/** Password length: 32 × log2(56) ≈ 186 bits. */
export const PASSWORD_LENGTH = 32;

/** Base62 (0-9, A-Z, a-z). */
export const API_KEY_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** The prefix that makes pave's keys recognisable to secret scanners. */
export const API_KEY_PREFIX = 'pave_';
/** Random characters after the prefix: 40 × log2(62) ≈ 238 bits. */
export const API_KEY_RANDOM_LENGTH = 40;

/**
 * A fresh secret of `kind`.
 *
 * - `password`: {@link PASSWORD_LENGTH} characters of {@link PASSWORD_ALPHABET} with at least one
 *   upper-case letter, one lower-case letter and one digit (common password policies ask for them,
 *   and it can never read as a YAML number or boolean).
 * - `api-key`: {@link API_KEY_PREFIX} followed by {@link API_KEY_RANDOM_LENGTH} base62 characters.
 */
export function generateSecret(kind: SecretKind): string {
  switch (kind) {
    case 'password': {
      // Redrawing until every class is present keeps the choice uniform over the passwords that
      // qualify; a draw lacks a digit about 0.7 % of the time.
      for (;;) {
        const candidate = randomString(PASSWORD_ALPHABET, PASSWORD_LENGTH);
        if (/[A-Z]/.test(candidate) && /[a-z]/.test(candidate) && /[0-9]/.test(candidate)) return candidate;
      }
    }
    case 'api-key':
      return API_KEY_PREFIX + randomString(API_KEY_ALPHABET, API_KEY_RANDOM_LENGTH);
  }
}

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}
