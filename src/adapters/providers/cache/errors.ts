/**
 * ioredis's errors as pave's typed errors. A Redis error reply starts with its error code (the
 * first word: `WRONGPASS`, `NOPERM`, `LOADING` …, as the protocol specifies); that code decides,
 * never the rest of the text. Anything that is not an error reply means there was no usable
 * connection.
 *
 * | what happened | error |
 * |---|---|
 * | no connection (refused, timeout, closed — not an error reply) | {@link TransientError} |
 * | `LOADING`, `BUSY`, `TRYAGAIN`, `MASTERDOWN`, `CLUSTERDOWN`, `READONLY` | {@link TransientError} |
 * | `WRONGPASS`, `NOAUTH` for the admin | {@link ConfigError} "admin credentials for host:port rejected" |
 * | `NOPERM`, `ERR` (e.g. no ACL support) and anything else | {@link TerminalError} |
 *
 * ioredis keeps the command and its arguments on its errors (`err.command`): errors never carry
 * the original as their cause, and messages never quote the reply.
 */
import { ReplyError } from 'ioredis';
import { ConfigError, PaveError, TerminalError, TransientError } from '../../../domain/errors.js';

const TRANSIENT = new Set(['LOADING', 'BUSY', 'TRYAGAIN', 'MASTERDOWN', 'CLUSTERDOWN', 'READONLY']);
const AUTH = new Set(['WRONGPASS', 'NOAUTH']);

/** The error code of a Redis error reply, or undefined for anything else. */
export function replyCode(err: unknown): string | undefined {
  if (!(err instanceof ReplyError)) return undefined;
  const first = /^[A-Z]+/.exec((err as Error).message);
  return first?.[0] ?? 'ERR';
}

/** Translate what an ioredis call threw. Pave errors pass through. */
export function toDomainError(err: unknown, ctx: { readonly server: string; readonly what: string }): PaveError {
  if (err instanceof PaveError) return err;
  const code = replyCode(err);
  if (code === undefined) return new TransientError(`${ctx.what}: cannot reach Redis at ${ctx.server}`);
  if (TRANSIENT.has(code)) return new TransientError(`${ctx.what} on ${ctx.server}: ${code}`);
  if (AUTH.has(code)) return new ConfigError(`admin credentials for ${ctx.server} rejected (${code})`);
  if (code === 'NOPERM') return new TerminalError(`${ctx.what} on ${ctx.server}: permission denied (NOPERM)`);
  return new TerminalError(`${ctx.what} on ${ctx.server}: ${code}`);
}
