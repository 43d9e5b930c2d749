/**
 * A cache user as the server holds it (`ACL GETUSER`), compared with what pave wants. The
 * password is checked against the stored SHA-256, which is exact without logging in.
 */
import type { Redis } from 'ioredis';
import type { DesiredDatabase } from '../../../domain/plan.js';
import { serverLabel } from '../server-settings.js';
import { COMMAND_RULES, passwordHash } from './acl-rules.js';
import { call } from './session.js';
import type { CacheSettings } from './settings.js';

export interface CacheUser {
  readonly flags: readonly string[];
  /** SHA-256 hashes, hex. */
  readonly passwords: readonly string[];
  readonly commands: string;
  /** `~pattern …` (Redis 7 gives a string; 6.x an array of bare patterns). */
  readonly keys: string;
  readonly channels: string;
  readonly selectors: number;
}

/** The user, or undefined when it does not exist. */
export async function readUser(admin: Redis, s: CacheSettings, target: DesiredDatabase): Promise<CacheUser | undefined> {
  const reply = await call(admin, ['ACL', 'GETUSER', target.user], { server: serverLabel(s), what: `observe ${target.user}` });
  if (!Array.isArray(reply)) return undefined;
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  const patterns = (v: unknown, sigil: string): string =>
    Array.isArray(v) ? v.map((p) => `${sigil}${String(p)}`).join(' ') : String(v ?? '');
  return {
    flags: strings(fields.get('flags')),
    passwords: strings(fields.get('passwords')),
    commands: String(fields.get('commands') ?? ''),
    keys: patterns(fields.get('keys'), '~'),
    channels: patterns(fields.get('channels'), '&'),
    selectors: strings(fields.get('selectors')).length,
  };
}

export type CacheDrift = 'enabled' | 'password' | 'keys' | 'channels' | 'commands' | 'selectors';

/** What differs from pave's ACL for `target` (a missing user is not drift). */
export function driftOf(user: CacheUser | undefined, target: DesiredDatabase, password: string): CacheDrift[] {
  if (!user) return [];
  const drift: CacheDrift[] = [];
  if (!user.flags.includes('on')) drift.push('enabled');
  if (user.flags.includes('nopass') || user.passwords.length !== 1 || user.passwords[0] !== passwordHash(password)) drift.push('password');
  if (user.keys !== `~${target.database}*`) drift.push('keys');
  if (user.channels !== `&${target.database}*`) drift.push('channels');
  if (!sameTokens(user.commands, COMMAND_RULES)) drift.push('commands');
  if (user.selectors > 0) drift.push('selectors');
  return drift;
}

/** Whether the user logs in with `password`: enabled, and the password among its hashes. */
export function credentialsWork(user: CacheUser | undefined, password: string): boolean {
  return user !== undefined && user.flags.includes('on') && (user.flags.includes('nopass') || user.passwords.includes(passwordHash(password)));
}

function sameTokens(described: string, rules: readonly string[]): boolean {
  const tokens = described.split(/\s+/).filter(Boolean);
  return tokens.length === rules.length && rules.every((r) => tokens.includes(r));
}
