/**
 * The cache provider (Redis-compatible, ACLs): per desired cache, an ACL user confined to the
 * cache's key prefix (`DesiredDatabase.database`). See `acl-rules.ts` for the rules and why, and
 * `drop-state.ts` for the explicit deletion.
 */
import type { DatabaseProvider, DropTarget, ObservedDatabase, ProviderResult } from '../../../domain/apply.js';
import { TerminalError } from '../../../domain/errors.js';
import type { DesiredDatabase } from '../../../domain/plan.js';
import { ACL_USER, checkName, checkPassword, KEY_PREFIX } from '../identifiers.js';
import { applyState } from './apply-state.js';
import { dropState } from './drop-state.js';
import { credentialsWork, driftOf, readUser } from './read-state.js';
import { withAdmin } from './session.js';
import type { CacheSettings } from './settings.js';
import { verifyOwner } from './verify-owner.js';

/** Check everything that goes into a command before connecting; throws TerminalError. */
export function checkCacheTarget(target: DesiredDatabase, password: string): void {
  if (target.engine !== 'cache') throw new TerminalError(`${target.name}: a ${target.engine} database given to the cache provider`);
  checkName(target.database, KEY_PREFIX, `${target.name}: key prefix`);
  checkName(target.user, ACL_USER, `${target.name}: ACL user name`);
  checkPassword(password, target.name);
}

/** Check the names a drop puts into commands (the prefix becomes a SCAN pattern); throws TerminalError. */
export function checkCacheDropTarget(target: DropTarget): void {
  if (target.engine !== 'cache') throw new TerminalError(`${target.name}: a ${target.engine} database given to the cache provider`);
  checkName(target.database, KEY_PREFIX, `${target.name}: key prefix`);
  checkName(target.user, ACL_USER, `${target.name}: ACL user name`);
}

export function createCacheProvider(settings: CacheSettings): DatabaseProvider {
  let closed = false;
  const open = (): void => {
    if (closed) throw new TerminalError('the cache provider is closed');
  };
  return {
    engine: 'cache',
    async observe(target: DesiredDatabase, password: string): Promise<ObservedDatabase> {
      open();
      checkCacheTarget(target, password);
      const user = await withAdmin(settings, `observe ${target.user}`, (admin) => readUser(admin, settings, target));
      return {
        // A key prefix exists as the keyspace its user is confined to.
        databaseExists: user !== undefined,
        userExists: user !== undefined,
        credentialsWork: credentialsWork(user, password),
        drift: driftOf(user, target, password),
      };
    },
    async apply(target: DesiredDatabase, password: string): Promise<ProviderResult> {
      open();
      checkCacheTarget(target, password);
      return { changed: await withAdmin(settings, `apply ${target.user}`, (admin) => applyState(admin, settings, target, password)) };
    },
    async verify(target: DesiredDatabase, password: string): Promise<boolean> {
      open();
      checkCacheTarget(target, password);
      return verifyOwner(settings, target, password);
    },
    async drop(target: DropTarget): Promise<ProviderResult> {
      open();
      checkCacheDropTarget(target);
      return { changed: await withAdmin(settings, `drop ${target.user}`, (admin) => dropState(admin, settings, target)) };
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}
