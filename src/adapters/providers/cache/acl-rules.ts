/**
 * The ACL of a cache user: confined to its key prefix, able to run ordinary data commands and
 * nothing that administers the server or reaches other tenants' data.
 *
 * - `~<prefix>*`: keys under the prefix only; `&<prefix>*`: Pub/Sub channels under it only.
 * - `+@all -@dangerous`: every command except the dangerous ones (`@dangerous` contains all of
 *   `@admin` — CONFIG, ACL, DEBUG, SHUTDOWN, MONITOR, CLIENT KILL, REPLICAOF … — plus FLUSHALL,
 *   FLUSHDB, KEYS, SORT with BY/GET, SWAPDB, MIGRATE, RESTORE, INFO); Redis prints `-@admin` away
 *   as redundant, so it is not written.
 * - `-scan -randomkey`: key patterns do not filter their replies, which would reveal other
 *   tenants' key names.
 * - The password is given as its SHA-256 (`#<hex>`), as Redis stores it: the plaintext never
 *   travels in an ACL command, a server log or an error.
 *
 * Redis has no per-user connection limit (`maxclients` is server-wide), so the plan's connection
 * limit is not applied to caches.
 */
import { createHash } from 'node:crypto';

export const COMMAND_RULES = ['+@all', '-@dangerous', '-randomkey', '-scan'] as const;

/** The SHA-256 of a password, lower-case hex, as `ACL GETUSER` lists it. */
export function passwordHash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('hex');
}

/** `ACL SETUSER <user> …` arguments that set the whole ACL from scratch (`reset` first). */
export function aclRules(prefix: string, password: string): string[] {
  return ['reset', 'on', `#${passwordHash(password)}`, `~${prefix}*`, `&${prefix}*`, ...COMMAND_RULES];
}
