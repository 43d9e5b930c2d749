/**
 * Connections to a MySQL/MariaDB server: one short-lived connection per operation, over TCP,
 * closed when it is done. Values are escaped by mysql2 on the client (`query(sql, values)`), which
 * escapes with backslashes; the admin session turns `NO_BACKSLASH_ESCAPES` off so the server reads
 * them the same way.
 */
import { createConnection, type Connection } from 'mysql2/promise';
import { DEFAULT_CONNECT_TIMEOUT_MS, serverLabel } from '../server-settings.js';
import { isAccessDenied, serverError, toDomainError, type ErrorContext } from './errors.js';
import type { MysqlSettings } from './settings.js';

export interface Login {
  readonly user: string;
  readonly password: string;
  readonly database?: string;
}

async function connect(s: MysqlSettings, login: Login): Promise<Connection> {
  const connection = await createConnection({
    host: s.host,
    port: s.port,
    user: login.user,
    password: login.password,
    ...(login.database === undefined ? {} : { database: login.database }),
    connectTimeout: s.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    multipleStatements: false,
  });
  // A connection lost while idle is reported on the connection; the next query fails on its own.
  connection.on('error', () => undefined);
  return connection;
}

/** Run `fn` with an admin connection; refused admin credentials are a ConfigError. */
export async function withAdmin<T>(s: MysqlSettings, what: string, fn: (connection: Connection) => Promise<T>): Promise<T> {
  const ctx = { server: serverLabel(s), what };
  let connection: Connection;
  try {
    connection = await connect(s, { user: s.adminUser, password: s.adminPassword });
  } catch (err) {
    throw toDomainError(err, ctx);
  }
  try {
    await run(connection, "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')", [], ctx);
    return await fn(connection);
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

/** Run one statement (values escaped by mysql2) and translate what it throws. */
export async function run<R = Record<string, unknown>>(connection: Connection, sql: string, values: readonly unknown[], ctx: ErrorContext): Promise<R> {
  try {
    const [result] = await connection.query(sql, [...values] as (string | number | null)[]);
    return result as R;
  } catch (err) {
    throw toDomainError(err, ctx);
  }
}

/**
 * What logging in gave: the connection, or why not. `locked` is an account locked by
 * `ACCOUNT LOCK` (MariaDB 4151, MySQL 3118); `limited` means the password was accepted but the
 * user's connection limit is reached (MySQL checks limits after authentication).
 */
export type LoginOutcome =
  | { readonly outcome: 'accepted'; readonly connection: Connection }
  | { readonly outcome: 'rejected' | 'locked' | 'limited' | 'no-database' };

const LOCKED = new Set([4151, 3118]);
const LIMITED = new Set([1203, 1226]);
/** 1044: no access to that database; 1049: no such database. */
const NO_DATABASE = new Set([1044, 1049]);
/** 1862 / 1820: the password has expired — pave's password no longer lets the user in. */
const EXPIRED = new Set([1862, 1820]);

/** Log in as `login`; a caller that gets a connection must end it. */
export async function loginAs(s: MysqlSettings, login: Login, what: string): Promise<LoginOutcome> {
  try {
    return { outcome: 'accepted', connection: await connect(s, login) };
  } catch (err) {
    const errno = serverError(err)?.errno ?? 0;
    if (isAccessDenied(err) || EXPIRED.has(errno)) return { outcome: 'rejected' };
    if (LOCKED.has(errno)) return { outcome: 'locked' };
    if (LIMITED.has(errno)) return { outcome: 'limited' };
    if (NO_DATABASE.has(errno)) return { outcome: 'no-database' };
    throw toDomainError(err, { server: serverLabel(s), what });
  }
}
