/**
 * Connections to a PostgreSQL server: one short-lived client per operation (observe, apply,
 * verify), closed when it is done, so a provider holds nothing between applies and a broken
 * connection never outlives the call that saw it.
 */
import { Client } from 'pg';
import { DEFAULT_CONNECT_TIMEOUT_MS, serverLabel } from '../server-settings.js';
import { isAuthFailure, sqlState, toDomainError, type ErrorContext } from './errors.js';
import type { PostgresSettings } from './settings.js';

export interface Login {
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** Statements that run longer than this are cancelled by the server (CREATE DATABASE copies a template). */
const STATEMENT_TIMEOUT_MS = 120_000;

function newClient(s: PostgresSettings, login: Login): Client {
  const client = new Client({
    host: s.host,
    port: s.port,
    user: login.user,
    password: login.password,
    database: login.database,
    application_name: 'pave',
    connectionTimeoutMillis: s.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
  });
  // A connection lost while idle is reported on the client; the next query fails on its own.
  client.on('error', () => undefined);
  return client;
}

/** The admin login on the server's maintenance database. */
export function adminLogin(s: PostgresSettings, database = s.maintenanceDatabase ?? 'postgres'): Login {
  return { user: s.adminUser, password: s.adminPassword, database };
}

/** Run `fn` with a connected admin client; refused admin credentials are a ConfigError. */
export async function withAdmin<T>(s: PostgresSettings, what: string, fn: (client: Client) => Promise<T>, database?: string): Promise<T> {
  const client = newClient(s, adminLogin(s, database));
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw toDomainError(err, { server: serverLabel(s), what });
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Run one statement and translate what it throws. */
export async function run<R extends object = Record<string, unknown>>(client: Client, sql: string, params: readonly unknown[], ctx: ErrorContext): Promise<R[]> {
  try {
    const result = await client.query(sql, params as unknown[]);
    return result.rows as R[];
  } catch (err) {
    throw toDomainError(err, ctx);
  }
}

/** Refusals that come after authentication: no such database (3D000), no CONNECT privilege (42501). */
const NOT_INTO_DATABASE = new Set(['3D000', '42501']);

/** What logging in as an owner gave. */
export type LoginOutcome = { readonly accepted: true; readonly client: Client } | { readonly accepted: false };

/**
 * Log in as `login`. Class 28 (wrong password, unknown role, login not allowed), a missing
 * database (3D000) and a missing CONNECT privilege (42501) are `accepted: false`; other failures
 * throw as domain errors. A caller that gets a client must end it.
 */
export async function loginAs(s: PostgresSettings, login: Login, what: string): Promise<LoginOutcome> {
  const client = newClient(s, login);
  try {
    await client.connect();
    return { accepted: true, client };
  } catch (err) {
    await client.end().catch(() => undefined);
    if (isAuthFailure(err) || NOT_INTO_DATABASE.has(sqlState(err) ?? '')) return { accepted: false };
    throw toDomainError(err, { server: serverLabel(s), what });
  }
}

/**
 * Whether the server accepts `password` for `login.user`. Authentication precedes the database
 * checks, so "database does not exist" (3D000) and "no CONNECT privilege" (42501) mean the
 * password was accepted.
 */
export async function passwordAccepted(s: PostgresSettings, login: Login, what: string): Promise<boolean> {
  const client = newClient(s, login);
  try {
    await client.connect();
    return true;
  } catch (err) {
    if (isAuthFailure(err)) return false;
    if (NOT_INTO_DATABASE.has(sqlState(err) ?? '')) return true;
    throw toDomainError(err, { server: serverLabel(s), what });
  } finally {
    await client.end().catch(() => undefined);
  }
}
