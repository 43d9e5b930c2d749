/**
 * The PostgreSQL provider on a server that checks passwords (a private cluster with SCRAM on
 * 127.0.0.1): the owner logs in over a real SCRAM exchange, a hand-changed password locks pave's
 * password out until apply repairs it, a wrong admin password is a ConfigError, and an admin
 * that is not a superuser finds drift by logging in.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresProvider } from '../../src/adapters/providers/index.js';
import type { DatabaseProvider } from '../../src/domain/apply.js';
import { ConfigError } from '../../src/domain/errors.js';
import { AWKWARD_PASSWORD, aTarget, uniqueName } from './local-servers.js';
import { startScratchPostgres, type ScratchPostgres } from './scratch-postgres.js';

const server = await startScratchPostgres();

async function loginWorks(user: string, password: string, database: string): Promise<boolean> {
  const client = new pg.Client({ host: server!.host, port: server!.port, user, password, database });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === '28P01') return false;
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function asAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ host: server!.host, port: server!.port, user: server!.adminUser, password: server!.adminPassword, database: 'postgres' });
  await client.connect();
  await client.query(sql);
  await client.end();
}

describe.skipIf(!server)('PostgreSQL provider on a server with SCRAM authentication', () => {
  const s = server as ScratchPostgres;
  afterAll(() => s?.stop());

  describe.each([
    ['a superuser admin (checks stored verifiers)', async () => createPostgresProvider(s)],
    ['an admin with CREATEROLE and CREATEDB only (logs in to check)', async () => {
      const admin = uniqueName();
      await asAdmin(`create role ${admin} login createrole createdb password 'limited-admin-pw'`);
      return createPostgresProvider({ ...s, adminUser: admin, adminPassword: 'limited-admin-pw' });
    }],
  ])('with %s', (_label, makeProvider) => {
    let provider: DatabaseProvider;
    beforeAll(async () => {
      provider = await makeProvider();
    });

    it('creates an owner that logs in with its password over SCRAM, and nothing else logs in', async () => {
      const t = aTarget('postgresql', { host: s.host, port: s.port });

      const created = await provider.apply(t, AWKWARD_PASSWORD);
      const again = await provider.apply(t, AWKWARD_PASSWORD);

      expect(created.changed).toEqual(['created role', 'created database', 'revoked PUBLIC access']);
      expect(again.changed).toEqual([]);
      expect(await loginWorks(t.user, AWKWARD_PASSWORD, t.database)).toBe(true);
      expect(await loginWorks(t.user, 'not-the-password', t.database)).toBe(false);
      expect(await provider.verify(t, AWKWARD_PASSWORD)).toBe(true);
      expect(await provider.verify(t, 'not-the-password')).toBe(false);
    });

    it('repairs a password changed by hand: pave password logs in again', async () => {
      const t = aTarget('postgresql', { host: s.host, port: s.port });
      await provider.apply(t, 'pave-password-1');
      await asAdmin(`alter role ${t.user} password 'changed-by-hand'`);
      expect(await loginWorks(t.user, 'pave-password-1', t.database)).toBe(false);

      const observed = await provider.observe(t, 'pave-password-1');
      const repaired = await provider.apply(t, 'pave-password-1');

      expect(observed).toEqual({ databaseExists: true, userExists: true, credentialsWork: false, drift: ['password'] });
      expect(repaired.changed).toEqual(['reset password']);
      expect(await loginWorks(t.user, 'pave-password-1', t.database)).toBe(true);
      expect(await loginWorks(t.user, 'changed-by-hand', t.database)).toBe(false);
      expect((await provider.apply(t, 'pave-password-1')).changed).toEqual([]);
    });
  });

  it('reports a wrong admin password as a ConfigError that does not contain it', async () => {
    const provider = createPostgresProvider({ ...s, adminPassword: 'wrong-admin-password' });

    const error = await provider.apply(aTarget('postgresql'), 'pw').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`admin credentials for 127.0.0.1:${s.port} rejected (SQLSTATE 28P01)`);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('wrong-admin-password');
  });
});
