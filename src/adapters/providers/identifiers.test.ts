import { describe, expect, it } from 'vitest';
import { TerminalError } from '../../domain/errors.js';
import { ACL_USER, checkConnectionLimit, checkName, checkPassword, KEY_PREFIX, MYSQL_USER, POSTGRES_IDENTIFIER } from './identifiers.js';

describe('provider input checks', () => {
  it.each([
    [POSTGRES_IDENTIFIER, 'lending_loans_api_loans_db_development', true],
    [POSTGRES_IDENTIFIER, '_x', true],
    [POSTGRES_IDENTIFIER, 'a'.repeat(63), true],
    [POSTGRES_IDENTIFIER, 'a'.repeat(64), false],
    [POSTGRES_IDENTIFIER, '1abc', false],
    [POSTGRES_IDENTIFIER, 'x"; DROP DATABASE postgres; --', false],
    [POSTGRES_IDENTIFIER, 'Ab', false],
    [POSTGRES_IDENTIFIER, 'ab\n', false],
    [MYSQL_USER, 'a'.repeat(32), true],
    [MYSQL_USER, 'a'.repeat(33), false],
    [MYSQL_USER, 'a`b', false],
    [ACL_USER, 'lending_loans_api_cache', true],
    [ACL_USER, 'on', true],
    [ACL_USER, '>pw', false],
    [KEY_PREFIX, 'lending:loans-api:loans-cache:development:', true],
    [KEY_PREFIX, 'a.b_c-d:', true],
    [KEY_PREFIX, 'lending:loans-api', false],
    [KEY_PREFIX, 'a*:', false],
    [KEY_PREFIX, 'a[b]:', false],
    [KEY_PREFIX, ':', false],
    [KEY_PREFIX, 'ü:', false],
  ])('%s accepts %j: %s', (shape, value, ok) => {
    const check = (): string => checkName(value, shape, 'name');

    if (ok) expect(check()).toBe(value);
    else expect(check).toThrow(TerminalError);
  });

  it('quotes a refused name in the message, JSON-escaped and cut short', () => {
    expect(() => checkName(`x"\n${'y'.repeat(100)}`, POSTGRES_IDENTIFIER, 'db: database name')).toThrow(/^db: database name "x\\"\\nyyy.{60,}…" is not a safe identifier/);
  });

  it('takes connection limits from 1 to 100,000', () => {
    expect(checkConnectionLimit(1, 'db')).toBe(1);
    expect(checkConnectionLimit(100_000, 'db')).toBe(100_000);
    for (const bad of [0, -1, 2.5, Number.NaN, Infinity, 100_001]) expect(() => checkConnectionLimit(bad, 'db')).toThrow(TerminalError);
  });

  it('refuses empty, NUL and over-long passwords without saying them', () => {
    expect(checkPassword(`'"\\$$`, 'db')).toBe(`'"\\$$`);
    for (const bad of ['', 'se\u0000cret', 'x'.repeat(1025)]) {
      expect(() => checkPassword(bad, 'db')).toThrow(TerminalError);
      try {
        checkPassword(bad, 'db');
      } catch (err) {
        if (bad) expect((err as Error).message).not.toContain(bad);
      }
    }
  });
});
