/**
 * Make a MySQL/MariaDB server hold what `target` asks for, changing only what differs:
 *
 * 1. the user `'<user>'@'<userHost>'` with pave's password and `MAX_USER_CONNECTIONS` = the plan's
 *    connection limit, not locked;
 * 2. the database (`utf8mb4`);
 * 3. `ALL PRIVILEGES` on that database only, its name escaped in the grant so that `_` is not a
 *    wildcard.
 *
 * `CREATE … IF NOT EXISTS` makes a concurrent applier harmless; a warning tells that the object
 * was already there (then it is not reported as created). Nothing is ever dropped or revoked.
 */
import { escapeId, type Connection, type ResultSetHeader } from 'mysql2/promise';
import type { DesiredDatabase } from '../../../domain/plan.js';
import { serverLabel } from '../server-settings.js';
import type { ErrorContext } from './errors.js';
import { driftOf, grantDatabaseName, readState, userHostOf } from './read-state.js';
import { run } from './session.js';
import type { MysqlSettings } from './settings.js';

/** Apply `target` with the admin connection; returns what changed, in words. */
export async function applyState(admin: Connection, s: MysqlSettings, target: DesiredDatabase, password: string): Promise<string[]> {
  const server = serverLabel(s);
  const ctx = (what: string, secret = false): ErrorContext => ({ server, what: `${what} (${target.database})`, secret });
  const account = [target.user, userHostOf(s)];
  const limit = target.connectionLimit;
  const changed: string[] = [];

  let state = await readState(admin, s, target, password);
  if (!state.user) {
    const created = await run<ResultSetHeader>(admin, `CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ? WITH MAX_USER_CONNECTIONS ${limit}`,
      [...account, password], ctx('create user', true));
    if (created.warningStatus === 0) changed.push('created user');
    state = await readState(admin, s, target, password);
  }
  if (!state.databaseExists) {
    const created = await run<ResultSetHeader>(admin, `CREATE DATABASE IF NOT EXISTS ${escapeId(target.database)} CHARACTER SET utf8mb4`, [], ctx('create database'));
    if (created.warningStatus === 0) changed.push('created database');
    state = await readState(admin, s, target, password);
  }

  const drift = driftOf(state, target);
  const clauses: string[] = [];
  const values: unknown[] = [...account];
  const resetPassword = drift.includes('password') || drift.includes('locked');
  if (resetPassword) {
    clauses.push('IDENTIFIED BY ?');
    values.push(password);
    changed.push('reset password');
  }
  if (drift.includes('connectionLimit')) {
    clauses.push(`WITH MAX_USER_CONNECTIONS ${limit}`);
    changed.push(`set connection limit ${limit}`);
  }
  if (drift.includes('locked')) {
    clauses.push('ACCOUNT UNLOCK');
    changed.push('unlocked account');
  }
  if (clauses.length > 0) await run(admin, `ALTER USER ?@? ${clauses.join(' ')}`, values, ctx('alter user', resetPassword));
  if (drift.includes('grants')) {
    await run(admin, `GRANT ALL PRIVILEGES ON ${escapeId(grantDatabaseName(target.database))}.* TO ?@?`, account, ctx('grant privileges'));
    changed.push(`granted all privileges on ${target.database}`);
  }
  return changed;
}
