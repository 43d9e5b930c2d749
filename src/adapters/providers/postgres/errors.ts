/**
 * pg's errors as pave's typed errors, decided by SQLSTATE (`err.code` of a server error) or by
 * the phase it happened in, never by message text:
 *
 * | what happened | error |
 * |---|---|
 * | no connection (refused, timeout, reset, DNS — anything without a SQLSTATE) | {@link TransientError} |
 * | class 08 (connection), 53 (too many connections, out of resources), 57P01–57P03 (shutdown, starting), 40 (serialization, deadlock), 55P03 (lock not available), 55006 (template database in use) | {@link TransientError} |
 * | class 28 for the admin (wrong password, no `pg_hba.conf` entry) | {@link ConfigError} "admin credentials for host:port rejected" |
 * | 42501 insufficient privilege, anything else | {@link TerminalError} |
 */
import type { ErrorContext } from '../error-context.js';
import { ConfigError, PaveError, TerminalError, TransientError } from '../../../domain/errors.js';

// XX000 is PostgreSQL's internal error; concurrent catalog updates by two appliers (GRANT/REVOKE on
// one database: "tuple concurrently updated") surface with it, and a retry resolves them.
const TRANSIENT_SQLSTATE = /^(08|53|40)|^57P0[1-3]$|^55P03$|^55006$|^XX000$/;

/** The SQLSTATE of a server error, or undefined for anything else. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The server refused the login (SQLSTATE class 28: invalid password, unknown role, no hba entry). */
export function isAuthFailure(err: unknown): boolean {
  return sqlState(err)?.startsWith('28') ?? false;
}

export type { ErrorContext } from '../error-context.js';

/** Translate what a pg call threw. Pave errors pass through. */
export function toDomainError(err: unknown, ctx: ErrorContext): PaveError {
  if (err instanceof PaveError) return err;
  const state = sqlState(err);
  const options = ctx.secret ? undefined : { cause: err };
  if (state === undefined) {
    const code = (err as { code?: unknown } | null)?.code;
    return new TransientError(`${ctx.what}: cannot reach PostgreSQL at ${ctx.server}${typeof code === 'string' ? ` (${code})` : ''}`, options);
  }
  const detail = ctx.secret ? `SQLSTATE ${state}` : `SQLSTATE ${state}: ${(err as Error).message}`;
  if (TRANSIENT_SQLSTATE.test(state)) return new TransientError(`${ctx.what} on ${ctx.server}: ${detail}`, options);
  if (state.startsWith('28')) return new ConfigError(`admin credentials for ${ctx.server} rejected (SQLSTATE ${state})`);
  if (state === '42501') return new TerminalError(`${ctx.what} on ${ctx.server}: permission denied (${detail})`, options);
  return new TerminalError(`${ctx.what} on ${ctx.server}: ${detail}`, options);
}
