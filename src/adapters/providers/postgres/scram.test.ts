import { describe, expect, it } from 'vitest';
import { TerminalError } from '../../../domain/errors.js';
import { scramVerifier, storedPasswordMatches } from './scram.js';

/** Made by PostgreSQL 15 itself: `ALTER ROLE pave_vector_tmp PASSWORD 'pencil'` (SCRAM, then md5). */
const POSTGRES_SCRAM = 'SCRAM-SHA-256$4096:oak4lbYnCLfMOJYYYKQwTA==$KbG/pNUN8lQM1jF3c1FkTknT8N9welnWGDVwY5dG4o0=:rxD9fBUb/K2JFafY4JbVugjrm4xNaLOBfjiur/hzHts=';
const POSTGRES_MD5 = 'md54de541c59f62a3a9e98bdb885404376d';

describe('PostgreSQL password verifiers', () => {
  it('checks verifiers PostgreSQL made', () => {
    expect(storedPasswordMatches(POSTGRES_SCRAM, 'pencil', 'pave_vector_tmp')).toBe(true);
    expect(storedPasswordMatches(POSTGRES_SCRAM, 'pencil ', 'pave_vector_tmp')).toBe(false);
    expect(storedPasswordMatches(POSTGRES_MD5, 'pencil', 'pave_vector_tmp')).toBe(true);
    expect(storedPasswordMatches(POSTGRES_MD5, 'pencil', 'another_role')).toBe(false);
  });

  it('makes the verifier PostgreSQL makes for the same salt', () => {
    const salt = Buffer.from('oak4lbYnCLfMOJYYYKQwTA==', 'base64');

    expect(scramVerifier('pencil', salt)).toBe(POSTGRES_SCRAM);
  });

  it('salts every verifier afresh, and each checks only its password', () => {
    const a = scramVerifier(`q'"\\$$`);
    const b = scramVerifier(`q'"\\$$`);

    expect(a).not.toBe(b);
    expect(a).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    expect(storedPasswordMatches(a, `q'"\\$$`, 'r')).toBe(true);
    expect(storedPasswordMatches(a, 'q', 'r')).toBe(false);
  });

  it('does not match a missing or unknown verifier', () => {
    expect(storedPasswordMatches(null, 'pencil', 'r')).toBe(false);
    expect(storedPasswordMatches('pencil', 'pencil', 'r')).toBe(false);
    expect(storedPasswordMatches('SCRAM-SHA-256$0:AAAA$AAAA:AAAA', 'pencil', 'r')).toBe(false);
  });

  it('refuses non-ASCII passwords (they would need SASLprep to match the server)', () => {
    expect(() => scramVerifier('pässword')).toThrow(TerminalError);
  });
});
