/**
 * mysql2's errors as pave's typed errors, decided by the server's error number (`errno` of an
 * error that carries a `sqlState`) or, without one, by the fact that there was no server answer;
 * never by message text:
 *
 * | what happened | error |
 * |---|---|
 * | no connection (refused, timeout, reset, lost — no `sqlState`) | {@link TransientError} |
 * | 1040 too many connections, 1203 user's connection limit, 1226 resource limit, 1205 lock wait timeout, 1213 deadlock, 1053 shutdown, 1927 connection killed | {@link TransientError} |
 * | 1045, 1698 for the admin (access denied) | {@link ConfigError} "admin credentials for host:port rejected" |
 * | 1044, 1142, 1143, 1227, 1370, 1410 (permission denied), anything else | {@link TerminalError} |
 *
 * mysql2 keeps the statement on its errors (`err.sql`), and server messages quote the text near a
 * syntax error: an error raised by a statement that carries a password gets neither message nor
 * cause.
 */
import type { ErrorContext } from '../error-context.js';
import { ConfigError, PaveError, TerminalError, TransientError } from '../../../domain/errors.js';

const TRANSIENT = new Set([1040, 1203, 1226, 1205, 1213, 1053, 1927]);
const ACCESS_DENIED = new Set([1045, 1698]);
const PERMISSION_DENIED = new Set([1044, 1142, 1143, 1227, 1370, 1410]);

interface ServerError {
  readonly errno: number;
  readonly code: string;
  readonly sqlState: string;
  readonly sqlMessage?: string;
}

/** The server's error, or undefined when the error did not come from the server. */
export function serverError(err: unknown): ServerError | undefined {
  const e = err as Partial<ServerError> | null;
  return e && typeof e.sqlState === 'string' && typeof e.errno === 'number' ? (e as ServerError) : undefined;
}

/** The server refused the login (1045 access denied, 1698 access denied without password). */
export function isAccessDenied(err: unknown): boolean {
  return ACCESS_DENIED.has(serverError(err)?.errno ?? 0);
}

export type { ErrorContext } from '../error-context.js';

/** Translate what a mysql2 call threw. Pave errors pass through. */
export function toDomainError(err: unknown, ctx: ErrorContext): PaveError {
  if (err instanceof PaveError) return err;
  const options = ctx.secret ? undefined : { cause: err };
  const server = serverError(err);
  if (!server) {
    const code = (err as { code?: unknown } | null)?.code;
    return new TransientError(`${ctx.what}: cannot reach MySQL at ${ctx.server}${typeof code === 'string' ? ` (${code})` : ''}`, options);
  }
  const detail = `${server.code} (${server.errno})${ctx.secret || !server.sqlMessage ? '' : `: ${server.sqlMessage}`}`;
  if (TRANSIENT.has(server.errno)) return new TransientError(`${ctx.what} on ${ctx.server}: ${detail}`, options);
  if (ACCESS_DENIED.has(server.errno)) return new ConfigError(`admin credentials for ${ctx.server} rejected (${server.code})`);
  if (PERMISSION_DENIED.has(server.errno)) return new TerminalError(`${ctx.what} on ${ctx.server}: permission denied, ${detail}`, options);
  return new TerminalError(`${ctx.what} on ${ctx.server}: ${detail}`, options);
}
