/**
 * The MySQL/MariaDB provider: per desired database, a database and a user with all privileges on
 * it and nothing else, pave's password and the plan's connection limit (`MAX_USER_CONNECTIONS`).
 * See `apply-state.ts` for what apply changes and `drop-state.ts` for the explicit deletion.
 */
import type { DatabaseProvider, DropTarget, ObservedDatabase, ProviderResult } from '../../../domain/apply.js';
import { TerminalError } from '../../../domain/errors.js';
import type { DesiredDatabase } from '../../../domain/plan.js';
import { checkConnectionLimit, checkName, checkPassword, MYSQL_DATABASE, MYSQL_USER } from '../identifiers.js';
import { applyState } from './apply-state.js';
import { dropState } from './drop-state.js';
import { driftOf, readState } from './read-state.js';
import { withAdmin } from './session.js';
import { USER_HOST, type MysqlSettings } from './settings.js';
import { verifyOwner } from './verify-owner.js';

/** Check everything that goes into a statement before connecting; throws TerminalError. */
export function checkMysqlTarget(target: DesiredDatabase, password: string): void {
  if (target.engine !== 'mysql') throw new TerminalError(`${target.name}: a ${target.engine} database given to the MySQL provider`);
  checkName(target.database, MYSQL_DATABASE, `${target.name}: database name`);
  checkName(target.user, MYSQL_USER, `${target.name}: user name`);
  checkConnectionLimit(target.connectionLimit, target.name);
  checkPassword(password, target.name);
}

/** Check the names a drop puts into statements; throws TerminalError. */
export function checkMysqlDropTarget(target: DropTarget): void {
  if (target.engine !== 'mysql') throw new TerminalError(`${target.name}: a ${target.engine} database given to the MySQL provider`);
  checkName(target.database, MYSQL_DATABASE, `${target.name}: database name`);
  checkName(target.user, MYSQL_USER, `${target.name}: user name`);
}

export function createMysqlProvider(settings: MysqlSettings): DatabaseProvider {
  if (settings.userHost !== undefined) checkName(settings.userHost, USER_HOST, 'MySQL user host');
  let closed = false;
  const open = (): void => {
    if (closed) throw new TerminalError('the MySQL provider is closed');
  };
  return {
    engine: 'mysql',
    async observe(target: DesiredDatabase, password: string): Promise<ObservedDatabase> {
      open();
      checkMysqlTarget(target, password);
      const state = await withAdmin(settings, `observe ${target.database}`, (admin) => readState(admin, settings, target, password));
      return {
        databaseExists: state.databaseExists,
        userExists: state.user !== undefined,
        credentialsWork: state.user?.password === 'match',
        drift: driftOf(state, target),
      };
    },
    async apply(target: DesiredDatabase, password: string): Promise<ProviderResult> {
      open();
      checkMysqlTarget(target, password);
      return { changed: await withAdmin(settings, `apply ${target.database}`, (admin) => applyState(admin, settings, target, password)) };
    },
    async verify(target: DesiredDatabase, password: string): Promise<boolean> {
      open();
      checkMysqlTarget(target, password);
      return verifyOwner(settings, target, password);
    },
    async drop(target: DropTarget): Promise<ProviderResult> {
      open();
      checkMysqlDropTarget(target);
      return { changed: await withAdmin(settings, `drop ${target.database}`, (admin) => dropState(admin, settings, target)) };
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}
