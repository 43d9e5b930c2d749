/**
 * Delete a database and its user, for the explicit `delete-database` job only:
 * `DROP DATABASE IF EXISTS`, `DROP USER IF EXISTS`, then the user's remaining sessions are killed
 * (MySQL and MariaDB let a dropped user's open connections run on). A warning on a `… IF EXISTS`
 * statement means the object was already gone: then it is not reported as dropped, so a retry
 * after a crash at any point finishes the job and reports only what it did.
 */
import { escapeId, type Connection, type ResultSetHeader } from 'mysql2/promise';
import type { DropTarget } from '../../../domain/apply.js';
import { serverLabel } from '../server-settings.js';
import { serverError, toDomainError, type ErrorContext } from './errors.js';
import { userHostOf } from './read-state.js';
import { run } from './session.js';
import type { MysqlSettings } from './settings.js';

/** 1094: unknown thread id (the session ended on its own meanwhile). */
const UNKNOWN_THREAD = 1094;

export async function dropState(admin: Connection, s: MysqlSettings, target: DropTarget): Promise<string[]> {
  const server = serverLabel(s);
  const ctx = (what: string): ErrorContext => ({ server, what: `${what} (${target.database})` });
  const changed: string[] = [];

  const database = await run<ResultSetHeader>(admin, `DROP DATABASE IF EXISTS ${escapeId(target.database)}`, [], ctx('drop database'));
  if (database.warningStatus === 0) changed.push('dropped database');
  const user = await run<ResultSetHeader>(admin, 'DROP USER IF EXISTS ?@?', [target.user, userHostOf(s)], ctx('drop user'));
  if (user.warningStatus === 0) changed.push('dropped user');

  const sessions = await run<{ id: number }[]>(admin, 'SELECT id FROM information_schema.PROCESSLIST WHERE user = ? AND id <> CONNECTION_ID()', [target.user], ctx('list sessions'));
  let killed = 0;
  for (const { id } of sessions) {
    try {
      await admin.query(`KILL CONNECTION ${Number(id)}`);
      killed++;
    } catch (err) {
      if (serverError(err)?.errno !== UNKNOWN_THREAD) throw toDomainError(err, ctx('end session'));
    }
  }
  if (killed > 0) changed.push(`ended ${killed} session${killed === 1 ? '' : 's'}`);
  return changed;
}
