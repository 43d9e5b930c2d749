/**
 * What a MySQL/MariaDB server holds for one desired database, read with the admin's connection
 * and a login attempt as the user (MySQL always checks passwords over TCP, so a login is proof).
 * Reading never changes anything.
 */
import type { Connection } from 'mysql2/promise';
import type { DesiredDatabase } from '../../../domain/plan.js';
import { serverLabel } from '../server-settings.js';
import { loginAs, run } from './session.js';
import type { MysqlSettings } from './settings.js';

export type PasswordState = 'match' | 'mismatch' | 'locked';

export interface MysqlState {
  readonly user?: {
    readonly connectionLimit: number;
    readonly password: PasswordState;
  };
  readonly databaseExists: boolean;
  /** `ALL PRIVILEGES` on the database, exactly (not through a wildcard), is granted to the user. */
  readonly granted: boolean;
}

/** The account host pave creates users for. */
export function userHostOf(s: MysqlSettings): string {
  return s.userHost ?? '%';
}

/**
 * The database name as it appears in a grant: `_` and `%` are wildcards there, so a grant on
 * `app_dev` would also cover `appXdev`; escaped, it covers `app_dev` only.
 */
export function grantDatabaseName(database: string): string {
  return database.replace(/[_%]/g, '\\$&');
}

export async function readState(admin: Connection, s: MysqlSettings, target: DesiredDatabase, password: string): Promise<MysqlState> {
  const ctx = { server: serverLabel(s), what: `observe ${target.database}` };
  const host = userHostOf(s);
  const [user] = await run<{ max: number | string }[]>(admin,
    'SELECT max_user_connections AS max FROM mysql.user WHERE User = ? AND Host = ?', [target.user, host], ctx);
  const [schema] = await run<{ n: number | string }[]>(admin,
    'SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [target.database], ctx);
  const [grant] = await run<Record<string, unknown>[]>(admin,
    'SELECT * FROM mysql.db WHERE Host = ? AND User = ? AND Db = ?', [host, target.user, grantDatabaseName(target.database)], ctx);
  return {
    user: user && { connectionLimit: Number(user.max), password: await passwordState(s, target.user, password, ctx.what) },
    databaseExists: Number(schema?.n ?? 0) > 0,
    granted: grant !== undefined && allPrivileges(grant),
  };
}

/** Every `*_priv` column of a `mysql.db` row is `Y`, except `Grant_priv` (ALL does not include GRANT OPTION). */
function allPrivileges(row: Record<string, unknown>): boolean {
  const columns = Object.keys(row).filter((k) => k.endsWith('_priv') && k !== 'Grant_priv');
  return columns.length > 0 && columns.every((k) => row[k] === 'Y');
}

async function passwordState(s: MysqlSettings, user: string, password: string, what: string): Promise<PasswordState> {
  const login = await loginAs(s, { user, password }, what);
  switch (login.outcome) {
    case 'accepted':
      await login.connection.end().catch(() => login.connection.destroy());
      return 'match';
    case 'limited':
    case 'no-database':
      return 'match';
    case 'locked':
      return 'locked';
    case 'rejected':
      return 'mismatch';
  }
}

export type MysqlDrift = 'password' | 'locked' | 'connectionLimit' | 'grants';

/** What differs from `target` on objects that exist (missing objects are not drift). */
export function driftOf(state: MysqlState, target: DesiredDatabase): MysqlDrift[] {
  const drift: MysqlDrift[] = [];
  if (state.user) {
    if (state.user.password === 'mismatch') drift.push('password');
    if (state.user.password === 'locked') drift.push('locked');
    if (state.user.connectionLimit !== target.connectionLimit) drift.push('connectionLimit');
    if (state.databaseExists && !state.granted) drift.push('grants');
  }
  return drift;
}
