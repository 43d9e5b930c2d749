/**
 * Make the cache user what pave wants: one `ACL SETUSER <user> reset on #<sha256> ~<prefix>*
 * &<prefix>* +@all -@dangerous -randomkey -scan`, sent only when the user is missing or differs
 * (`reset` first, so hand-added rules are removed). `ACL SAVE` follows only when configured.
 */
import type { Redis } from 'ioredis';
import type { DesiredDatabase } from '../../../domain/plan.js';
import { serverLabel } from '../server-settings.js';
import { aclRules } from './acl-rules.js';
import { driftOf, readUser, type CacheDrift } from './read-state.js';
import { call } from './session.js';
import type { CacheSettings } from './settings.js';

const DESCRIPTIONS: Record<CacheDrift, (target: DesiredDatabase) => string> = {
  enabled: () => 'enabled user',
  password: () => 'reset password',
  keys: (t) => `confined keys to ${t.database}*`,
  channels: (t) => `confined channels to ${t.database}*`,
  commands: () => 'reset command rules',
  selectors: () => 'removed selectors',
};

export async function applyState(admin: Redis, s: CacheSettings, target: DesiredDatabase, password: string): Promise<string[]> {
  const ctx = { server: serverLabel(s), what: `apply ${target.user}` };
  const user = await readUser(admin, s, target);
  const changed = user ? driftOf(user, target, password).map((d) => DESCRIPTIONS[d](target)) : ['created user'];
  if (changed.length === 0) return [];
  await call(admin, ['ACL', 'SETUSER', target.user, ...aclRules(target.database, password)], ctx);
  if (s.saveAcl) await call(admin, ['ACL', 'SAVE'], ctx);
  return changed;
}
