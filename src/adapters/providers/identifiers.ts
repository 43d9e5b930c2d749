/**
 * Checks on everything a provider is asked to put into a statement. The planner derives names
 * that already pass, but providers do not trust their caller: a name outside these shapes is a
 * {@link TerminalError} raised before any connection is opened, so nothing runs on the server.
 * Names that pass are still quoted by each engine's own escaping.
 */
import { TerminalError } from '../../domain/errors.js';

/** PostgreSQL database and role names: lower-case, at most 63 bytes (NAMEDATALEN - 1). */
export const POSTGRES_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** MySQL/MariaDB database names (64 allowed; pave keeps to PostgreSQL's 63). */
export const MYSQL_DATABASE = /^[a-z_][a-z0-9_]{0,62}$/;
/** MySQL user names: at most 32 characters (MySQL 5.7+; MariaDB allows more). */
export const MYSQL_USER = /^[a-z_][a-z0-9_]{0,31}$/;
/** Redis ACL user names pave creates. */
export const ACL_USER = /^[a-z_][a-z0-9_]{0,62}$/;
/**
 * A cache key prefix: letters, digits, `_ . : -`, ending with `:` so that one prefix is never the
 * start of another tenant's (`a:b:` vs `a:bc:`). No glob characters (`* ? [ ] \`): the prefix
 * becomes the ACL pattern `~<prefix>*`.
 */
export const KEY_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,198}:$/;

/** Largest connection limit pave sets (both engines take a signed 32-bit integer). */
export const MAX_CONNECTION_LIMIT = 100_000;

/** `value` as it may safely appear in a message: JSON-quoted and cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(String(value));
  return text.length > 80 ? `${text.slice(0, 77)}…"` : text;
}

/** Throw a {@link TerminalError} unless `value` matches `shape`. */
export function checkName(value: string, shape: RegExp, what: string): string {
  if (typeof value !== 'string' || !shape.test(value)) {
    throw new TerminalError(`${what} ${shown(value)} is not a safe identifier (expected ${shape.source})`);
  }
  return value;
}

/** A positive whole number of connections. */
export function checkConnectionLimit(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_CONNECTION_LIMIT) {
    throw new TerminalError(`${what}: connection limit ${shown(value)} is not a whole number from 1 to ${MAX_CONNECTION_LIMIT}`);
  }
  return value;
}

/**
 * A password: non-empty, at most 1,024 characters, no NUL (C strings on every server end there).
 * The message never contains the password.
 */
export function checkPassword(password: string, what: string): string {
  if (typeof password !== 'string' || password.length === 0 || password.length > 1024 || password.includes('\0')) {
    throw new TerminalError(`${what}: the password must be 1 to 1024 characters without NUL`);
  }
  return password;
}
