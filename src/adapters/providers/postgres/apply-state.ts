/**
 * Make the server hold what `target` asks for, changing only what differs:
 *
 * 1. the owner role: `LOGIN`, pave's password, the plan's `CONNECTION LIMIT`, and none of
 *    SUPERUSER, CREATEDB, CREATEROLE, REPLICATION, BYPASSRLS;
 * 2. the database, owned by that role (`CREATE DATABASE` runs outside a transaction; a concurrent
 *    applier that created it first — 42P04, 42710 or a unique violation on the catalog — is
 *    success);
 * 3. its ACL: nothing for `PUBLIC`, CONNECT for the owner; on servers before 15, no `CREATE` on
 *    schema `public` for `PUBLIC` either (15 made that the default).
 *
 * Passwords are sent as SCRAM verifiers computed here (see `scram.ts`). Nothing is ever dropped.
 */
import { escapeIdentifier, escapeLiteral, type Client } from 'pg';
import type { DesiredDatabase } from '../../../domain/plan.js';
import { serverLabel } from '../server-settings.js';
import { sqlState, toDomainError, type ErrorContext } from './errors.js';
import { driftOf, readState, type PostgresState } from './read-state.js';
import { scramVerifier } from './scram.js';
import { run, withAdmin } from './session.js';
import type { PostgresSettings } from './settings.js';

const ALREADY_EXISTS = new Set(['42P04', '42710', '23505']);

/**
 * Apply `target` with the admin connection; returns what changed, in words. Each change is pushed
 * to `changed` as soon as it is made, so a caller that retries after a failure part-way (a
 * concurrent applier's catalog conflict) still reports what the failed attempt did.
 */
export async function applyState(admin: Client, s: PostgresSettings, target: DesiredDatabase, password: string, changed: string[] = []): Promise<string[]> {
  const server = serverLabel(s);
  const ctx = (what: string, secret = false): ErrorContext => ({ server, what: `${what} (${target.database})`, secret });
  const role = escapeIdentifier(target.user);
  const database = escapeIdentifier(target.database);

  let state = await readState(admin, s, target, password);
  let passwordSet = false;
  if (!state.role) {
    const sql = `create role ${role} with login connection limit ${target.connectionLimit} password ${escapeLiteral(scramVerifier(password))}`;
    if (await createOnce(admin, sql, ctx('create role', true))) changed.push('created role');
    passwordSet = true;
    state = await readState(admin, s, target, password);
  }
  changed.push(...(await alterRole(admin, state, target, password, passwordSet, ctx)));

  // Creating a database owned by another role, or giving it one, needs membership in that role
  // unless superuser (PostgreSQL 16 grants it to the role's creator; 15 and before do not).
  const becomeMember = async (): Promise<void> => {
    if (!state.adminIsSuperuser) await run(admin, `grant ${role} to current_user`, [], ctx('grant the owner role to the admin'));
  };
  if (!state.database) {
    await becomeMember();
    if (await createOnce(admin, `create database ${database} owner ${role}`, ctx('create database'))) changed.push('created database');
    state = await readState(admin, s, target, password);
  }
  const drift = driftOf(state, target);
  if (drift.includes('owner')) {
    await becomeMember();
    await run(admin, `alter database ${database} owner to ${role}`, [], ctx('set owner'));
    changed.push(`set owner ${target.user}`);
  }
  if (drift.includes('publicAccess')) {
    await run(admin, `revoke all on database ${database} from public`, [], ctx('revoke PUBLIC access'));
    changed.push('revoked PUBLIC access');
  }
  if (drift.includes('ownerConnect')) {
    await run(admin, `grant connect, temporary on database ${database} to ${role}`, [], ctx('grant CONNECT'));
    changed.push('granted CONNECT to owner');
  }
  if (state.serverVersion < 150000) changed.push(...(await revokePublicSchemaCreate(s, target, ctx)));
  return changed;
}

async function alterRole(admin: Client, state: PostgresState, target: DesiredDatabase, password: string, passwordSet: boolean,
  ctx: (what: string, secret?: boolean) => ErrorContext): Promise<string[]> {
  const drift = driftOf(state, target);
  const options: string[] = [];
  const changed: string[] = [];
  if (drift.includes('login')) {
    options.push('login');
    changed.push('enabled login');
  }
  const resetPassword = drift.includes('password') && !passwordSet;
  if (resetPassword) {
    options.push(`password ${escapeLiteral(scramVerifier(password))}`);
    changed.push('reset password');
  }
  if (drift.includes('connectionLimit')) {
    options.push(`connection limit ${target.connectionLimit}`);
    changed.push(`set connection limit ${target.connectionLimit}`);
  }
  const attributes = state.role?.attributes ?? [];
  if (attributes.length > 0) {
    options.push(...attributes.map((a) => `no${a}`));
    changed.push(`removed role attributes (${attributes.join(', ')})`);
  }
  if (options.length > 0) await run(admin, `alter role ${escapeIdentifier(target.user)} with ${options.join(' ')}`, [], ctx('alter role', resetPassword));
  return changed;
}

/** Run a CREATE; false when a concurrent applier created the object first. */
async function createOnce(admin: Client, sql: string, ctx: ErrorContext): Promise<boolean> {
  try {
    await admin.query(sql);
    return true;
  } catch (err) {
    if (ALREADY_EXISTS.has(sqlState(err) ?? '')) return false;
    throw toDomainError(err, ctx);
  }
}

/** Before PostgreSQL 15 every role could create objects in schema `public` of every database. */
async function revokePublicSchemaCreate(s: PostgresSettings, target: DesiredDatabase, ctx: (what: string) => ErrorContext): Promise<string[]> {
  return withAdmin(s, ctx('connect').what, async (client) => {
    const [row] = await run<{ open: boolean }>(client, `select exists (select 1 from pg_namespace n, aclexplode(n.nspacl) a
        where n.nspname = 'public' and a.grantee = 0 and a.privilege_type = 'CREATE') as open`, [], ctx('read schema public'));
    if (!row?.open) return [];
    await run(client, 'revoke create on schema public from public', [], ctx('revoke CREATE on schema public'));
    return ['revoked CREATE on schema public from PUBLIC'];
  }, target.database);
}
