/**
 * Prove that the owner can use its database: log in as the owner with the password, check that
 * it owns the database, and create and drop a temporary table. When the admin may read stored
 * password verifiers the password is also checked against the role's verifier, because a login
 * over a `trust` path proves nothing about the password.
 */
import type { DesiredDatabase } from '../../../domain/plan.js';
import { serverLabel } from '../server-settings.js';
import { readState } from './read-state.js';
import { loginAs, run, withAdmin } from './session.js';
import type { PostgresSettings } from './settings.js';

export async function verifyOwner(s: PostgresSettings, target: DesiredDatabase, password: string): Promise<boolean> {
  const what = `verify ${target.database}`;
  const login = await loginAs(s, { user: target.user, password, database: target.database }, what);
  if (!login.accepted) return false;
  const ctx = { server: serverLabel(s), what };
  try {
    const [row] = await run<{ owns: boolean }>(login.client, `select coalesce((select pg_get_userbyid(datdba) = current_user
        from pg_database where datname = current_database()), false) as owns`, [], ctx);
    if (!row?.owns) return false;
    await run(login.client, 'create temporary table pave_verify (x int)', [], ctx);
    await run(login.client, 'drop table pave_verify', [], ctx);
  } finally {
    await login.client.end().catch(() => undefined);
  }
  const state = await withAdmin(s, what, (admin) => readState(admin, s, target, password));
  return state.role?.password !== 'mismatch';
}
