/**
 * Delete a database and its owning role, for the explicit `delete-database` job only:
 *
 * 1. the role loses `LOGIN`, so its clients cannot come back while the database goes;
 * 2. every session on the database is terminated;
 * 3. `DROP DATABASE IF EXISTS` (`WITH (FORCE)` from PostgreSQL 13, which ends sessions that
 *    raced in between);
 * 4. `DROP ROLE IF EXISTS`.
 *
 * Each step skips what is already gone, so a retry after a crash at any point finishes the job.
 * A role that still owns objects in another database (2BP01) is a TerminalError naming it: pave
 * only ever gave it its own database, so someone else did, and deciding about that is theirs.
 */
import { escapeIdentifier, type Client } from 'pg';
import type { DropTarget } from '../../../domain/apply.js';
import { TerminalError } from '../../../domain/errors.js';
import { serverLabel } from '../server-settings.js';
import { sqlState, toDomainError, type ErrorContext } from './errors.js';
import { run } from './session.js';
import type { PostgresSettings } from './settings.js';

export async function dropState(admin: Client, s: PostgresSettings, target: DropTarget): Promise<string[]> {
  const server = serverLabel(s);
  const ctx = (what: string): ErrorContext => ({ server, what: `${what} (${target.database})` });
  const role = escapeIdentifier(target.user);
  const database = escapeIdentifier(target.database);
  const changed: string[] = [];

  const [facts] = await run<{ version: number; role: boolean; database: boolean; login: boolean | null }>(admin,
    `select current_setting('server_version_num')::int as version,
            exists (select 1 from pg_roles where rolname = $1) as role,
            exists (select 1 from pg_database where datname = $2) as database,
            (select rolcanlogin from pg_roles where rolname = $1) as login`,
    [target.user, target.database], ctx('read state'));
  if (facts?.login) await run(admin, `alter role ${role} with nologin`, [], ctx('disable login'));
  if (facts?.database) {
    const ended = (await run<{ ended: boolean }>(admin,
      'select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [target.database], ctx('terminate sessions'))).filter((r) => r.ended);
    if (ended.length > 0) changed.push(`terminated ${ended.length} session${ended.length === 1 ? '' : 's'}`);
    const force = (facts.version ?? 0) >= 130000 ? ' with (force)' : '';
    await run(admin, `drop database if exists ${database}${force}`, [], ctx('drop database'));
    changed.push('dropped database');
  }
  if (facts?.role) {
    try {
      await admin.query(`drop role if exists ${role}`);
    } catch (err) {
      if (sqlState(err) === '2BP01') {
        throw new TerminalError(`${target.name}: role ${target.user} on ${server} still owns objects or privileges outside ${target.database}; ` +
          'reassign or drop them (REASSIGN OWNED / DROP OWNED), then run the deletion again');
      }
      throw toDomainError(err, ctx('drop role'));
    }
    changed.push('dropped role');
  }
  return changed;
}
