/**
 * Prove that the user can use its database: log in over TCP with the password, on the database,
 * and create and drop a temporary table there.
 */
import type { DesiredDatabase } from '../../../domain/plan.js';
import { serverLabel } from '../server-settings.js';
import { loginAs, run } from './session.js';
import type { MysqlSettings } from './settings.js';

export async function verifyOwner(s: MysqlSettings, target: DesiredDatabase, password: string): Promise<boolean> {
  const what = `verify ${target.database}`;
  const login = await loginAs(s, { user: target.user, password, database: target.database }, what);
  if (login.outcome !== 'accepted') return false;
  const ctx = { server: serverLabel(s), what };
  try {
    const [row] = await run<{ db: string | null }[]>(login.connection, 'SELECT DATABASE() AS db', [], ctx);
    if (row?.db !== target.database) return false;
    await run(login.connection, 'CREATE TEMPORARY TABLE pave_verify (x INT)', [], ctx);
    await run(login.connection, 'DROP TEMPORARY TABLE pave_verify', [], ctx);
    return true;
  } finally {
    await login.connection.end().catch(() => login.connection.destroy());
  }
}
