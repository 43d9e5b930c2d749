/**
 * The PostgreSQL provider: per desired database, an owning role (LOGIN, pave's password, the
 * plan's connection limit) and a database it owns with `PUBLIC` revoked. See `apply-state.ts`
 * for what apply changes, `read-state.ts` for how password drift is found and `drop-state.ts` for
 * the explicit deletion.
 */
import { TransientError } from '../../../domain/errors.js';
import type { DatabaseProvider, DropTarget, ObservedDatabase, ProviderResult } from '../../../domain/apply.js';
import { TerminalError } from '../../../domain/errors.js';
import type { DesiredDatabase } from '../../../domain/plan.js';
import { checkConnectionLimit, checkName, checkPassword, POSTGRES_IDENTIFIER } from '../identifiers.js';
import { applyState } from './apply-state.js';
import { dropState } from './drop-state.js';
import { driftOf, readState } from './read-state.js';
import { withAdmin } from './session.js';
import type { PostgresSettings } from './settings.js';
import { verifyOwner } from './verify-owner.js';

/** Check everything that goes into a statement before connecting; throws TerminalError. */
export function checkPostgresTarget(target: DesiredDatabase, password: string): void {
  if (target.engine !== 'postgresql') throw new TerminalError(`${target.name}: a ${target.engine} database given to the PostgreSQL provider`);
  checkName(target.database, POSTGRES_IDENTIFIER, `${target.name}: database name`);
  checkName(target.user, POSTGRES_IDENTIFIER, `${target.name}: role name`);
  checkConnectionLimit(target.connectionLimit, target.name);
  checkPassword(password, target.name);
  if (!/^[\x01-\x7f]*$/.test(password)) throw new TerminalError(`${target.name}: PostgreSQL passwords must be ASCII`);
}

/** Check the names a drop puts into statements; throws TerminalError. */
export function checkPostgresDropTarget(target: DropTarget): void {
  if (target.engine !== 'postgresql') throw new TerminalError(`${target.name}: a ${target.engine} database given to the PostgreSQL provider`);
  checkName(target.database, POSTGRES_IDENTIFIER, `${target.name}: database name`);
  checkName(target.user, POSTGRES_IDENTIFIER, `${target.name}: role name`);
}

export function createPostgresProvider(settings: PostgresSettings): DatabaseProvider {
  let closed = false;
  const open = (): void => {
    if (closed) throw new TerminalError('the PostgreSQL provider is closed');
  };
  return {
    engine: 'postgresql',
    async observe(target: DesiredDatabase, password: string): Promise<ObservedDatabase> {
      open();
      checkPostgresTarget(target, password);
      const state = await withAdmin(settings, `observe ${target.database}`, (admin) => readState(admin, settings, target, password));
      return {
        databaseExists: state.database !== undefined,
        userExists: state.role !== undefined,
        credentialsWork: state.role?.password === 'match' && state.role.canLogin,
        drift: driftOf(state, target),
      };
    },
    async apply(target: DesiredDatabase, password: string): Promise<ProviderResult> {
      open();
      checkPostgresTarget(target, password);
      // Idempotent, so a concurrent applier's catalog conflict is resolved by running it again. What
      // an attempt changed before it failed is kept: the retry finds it done and would not report it.
      const changed: string[] = [];
      for (let attempt = 1; ; attempt++) {
        try {
          await withAdmin(settings, `apply ${target.database}`, (admin) => applyState(admin, settings, target, password, changed));
          return { changed: [...new Set(changed)] };
        } catch (err) {
          if (!(err instanceof TransientError) || attempt >= 3) throw err;
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        }
      }
    },
    async verify(target: DesiredDatabase, password: string): Promise<boolean> {
      open();
      checkPostgresTarget(target, password);
      return verifyOwner(settings, target, password);
    },
    async drop(target: DropTarget): Promise<ProviderResult> {
      open();
      checkPostgresDropTarget(target);
      return { changed: await withAdmin(settings, `drop ${target.database}`, (admin) => dropState(admin, settings, target)) };
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}
