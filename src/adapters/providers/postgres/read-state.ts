/**
 * What the server holds for one desired database, read with the admin's connection and nothing
 * else: `observe` reports it and `apply` decides from it. Reading never changes anything.
 *
 * Whether the owner's password is pave's is decided, in order:
 * 1. from the stored verifier (`pg_authid.rolpassword`, SCRAM or MD5) when the admin may read it
 *    (superusers can) — exact, and independent of `pg_hba.conf`;
 * 2. otherwise by logging in as the owner; when that succeeds a login with a random wrong password
 *    is tried too, and if the server accepts that as well (`trust` authentication) the password
 *    cannot be proven: `unverifiable`, which apply treats as drift and repairs by setting it.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import type { DesiredDatabase } from '../../../domain/plan.js';
import { serverLabel } from '../server-settings.js';
import { storedPasswordMatches } from './scram.js';
import { passwordAccepted, run } from './session.js';
import type { PostgresSettings } from './settings.js';

/** Role attributes pave's owners never have, with their `pg_roles` columns. */
const FORBIDDEN_ROLE_ATTRIBUTES = {
  superuser: 'rolsuper',
  createdb: 'rolcreatedb',
  createrole: 'rolcreaterole',
  replication: 'rolreplication',
  bypassrls: 'rolbypassrls',
} as const;
export type RoleAttribute = keyof typeof FORBIDDEN_ROLE_ATTRIBUTES;

export type PasswordState = 'match' | 'mismatch' | 'unverifiable';

export interface PostgresState {
  /** `server_version_num`, e.g. 150020. */
  readonly serverVersion: number;
  readonly adminIsSuperuser: boolean;
  /** Whether the admin may read `pg_authid` (stored password verifiers). */
  readonly adminReadsVerifiers: boolean;
  readonly role?: {
    readonly canLogin: boolean;
    readonly connectionLimit: number;
    /** Attributes pave's owners never have (superuser, createdb …) that the role has. */
    readonly attributes: readonly RoleAttribute[];
    readonly password: PasswordState;
  };
  readonly database?: {
    readonly owner: string;
    /** PUBLIC holds any privilege on it (a NULL ACL means the defaults: CONNECT and TEMPORARY). */
    readonly publicAccess: boolean;
    /** The desired owner role may CONNECT (false when that role does not exist). */
    readonly ownerCanConnect: boolean;
  };
}

interface ServerRow { version: number; superuser: boolean; reads_verifiers: boolean }
interface RoleRow { rolcanlogin: boolean; rolconnlimit: number; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean; rolreplication: boolean; rolbypassrls: boolean }
interface DatabaseRow { owner: string; public_access: boolean; owner_can_connect: boolean | null }

/** Read the state of `target` on the server `admin` is connected to. */
export async function readState(admin: Client, s: PostgresSettings, target: DesiredDatabase, password: string): Promise<PostgresState> {
  const ctx = { server: serverLabel(s), what: `observe ${target.database}` };
  const [server] = await run<ServerRow>(admin, `select current_setting('server_version_num')::int as version,
      coalesce((select rolsuper from pg_roles where rolname = current_user), false) as superuser,
      has_table_privilege('pg_catalog.pg_authid', 'SELECT') as reads_verifiers`, [], ctx);
  const [role] = await run<RoleRow>(admin, `select rolcanlogin, rolconnlimit, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls
      from pg_roles where rolname = $1`, [target.user], ctx);
  const [database] = await run<DatabaseRow>(admin, `select pg_get_userbyid(d.datdba) as owner,
      d.datacl is null or exists (select 1 from aclexplode(d.datacl) a where a.grantee = 0) as public_access,
      case when exists (select 1 from pg_roles where rolname = $2::name) then has_database_privilege($2::name, d.oid, 'CONNECT') end as owner_can_connect
      from pg_database d where d.datname = $1::name`, [target.database, target.user], ctx);
  const readsVerifiers = server?.reads_verifiers ?? false;
  return {
    serverVersion: server?.version ?? 0,
    adminIsSuperuser: server?.superuser ?? false,
    adminReadsVerifiers: readsVerifiers,
    role: role && {
      canLogin: role.rolcanlogin,
      connectionLimit: role.rolconnlimit,
      attributes: (Object.keys(FORBIDDEN_ROLE_ATTRIBUTES) as RoleAttribute[]).filter((a) => role[FORBIDDEN_ROLE_ATTRIBUTES[a]]),
      password: readsVerifiers
        ? await verifierState(admin, target.user, password, ctx)
        : await loginState(s, target.user, password, database ? target.database : (s.maintenanceDatabase ?? 'postgres'), ctx.what),
    },
    database: database && { owner: database.owner, publicAccess: database.public_access, ownerCanConnect: database.owner_can_connect === true },
  };
}

async function verifierState(admin: Client, user: string, password: string, ctx: { server: string; what: string }): Promise<PasswordState> {
  const [row] = await run<{ rolpassword: string | null }>(admin, 'select rolpassword from pg_authid where rolname = $1', [user], ctx);
  return storedPasswordMatches(row?.rolpassword ?? null, password, user) ? 'match' : 'mismatch';
}

async function loginState(s: PostgresSettings, user: string, password: string, database: string, what: string): Promise<PasswordState> {
  if (!(await passwordAccepted(s, { user, password, database }, what))) return 'mismatch';
  const wrong = `pave-probe-${randomBytes(16).toString('hex')}`;
  return (await passwordAccepted(s, { user, password: wrong, database }, what)) ? 'unverifiable' : 'match';
}

/** Drift names, in the order apply repairs them. */
export type PostgresDrift = 'login' | 'password' | 'connectionLimit' | 'roleAttributes' | 'owner' | 'publicAccess' | 'ownerConnect';

/** What differs from `target` on objects that exist (missing objects are not drift). */
export function driftOf(state: PostgresState, target: DesiredDatabase): PostgresDrift[] {
  const drift: PostgresDrift[] = [];
  const { role, database } = state;
  if (role) {
    if (!role.canLogin) drift.push('login');
    if (role.password !== 'match') drift.push('password');
    if (role.connectionLimit !== target.connectionLimit) drift.push('connectionLimit');
    if (role.attributes.length > 0) drift.push('roleAttributes');
  }
  if (database) {
    if (database.owner !== target.user) drift.push('owner');
    if (database.publicAccess) drift.push('publicAccess');
    if (role && !database.ownerCanConnect) drift.push('ownerConnect');
  }
  return drift;
}
