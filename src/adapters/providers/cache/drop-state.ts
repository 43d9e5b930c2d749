/**
 * Delete a cache, for the explicit `delete-database` job only: `ACL DELUSER` (Redis disconnects
 * the user's clients), then every key under the prefix, found with `SCAN MATCH <prefix>*` and
 * removed with `UNLINK` (freed in the background) in batches of at most {@link BATCH} keys, so no
 * single command blocks the server however large the keyspace. The prefix has no glob characters
 * (checked before connecting), so the pattern matches exactly the keys it names. Idempotent: a
 * retry after a crash finds the user gone and deletes whatever keys are left.
 */
import type { Redis } from 'ioredis';
import type { DropTarget } from '../../../domain/apply.js';
import { serverLabel } from '../server-settings.js';
import { call } from './session.js';
import type { CacheSettings } from './settings.js';

/** Keys per SCAN step and per UNLINK. */
export const BATCH = 500;

export async function dropState(admin: Redis, s: CacheSettings, target: DropTarget): Promise<string[]> {
  const ctx = { server: serverLabel(s), what: `drop ${target.user}` };
  const changed: string[] = [];
  const deleted = Number(await call(admin, ['ACL', 'DELUSER', target.user], ctx));
  if (deleted > 0) {
    changed.push('deleted user');
    if (s.saveAcl) await call(admin, ['ACL', 'SAVE'], ctx);
  }
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await call(admin, ['SCAN', cursor, 'MATCH', `${target.database}*`, 'COUNT', String(BATCH)], ctx) as [string, string[]];
    cursor = next;
    for (let i = 0; i < keys.length; i += BATCH) {
      removed += Number(await call(admin, ['UNLINK', ...(keys.slice(i, i + BATCH) as [string, ...string[]])], ctx));
    }
  } while (cursor !== '0');
  if (removed > 0) changed.push(`removed ${removed} key${removed === 1 ? '' : 's'}`);
  return changed;
}
