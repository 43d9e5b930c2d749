/**
 * The MySQL provider against the local MariaDB (root without password on 127.0.0.1): create,
 * re-apply, drift repaired, connection limits, grants confined to the database (no `_`
 * wildcard), orphans kept, hostile names, unreachable server, wrong admin password, racing appliers.
 */
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { createMysqlProvider } from '../../src/adapters/providers/index.js';
import type { DesiredDatabase } from '../../src/domain/plan.js';
import { ConfigError, TerminalError, TransientError } from '../../src/domain/errors.js';
import { AWKWARD_PASSWORD, aTarget, closedPort, dropMysql, HOSTILE_NAMES, MYSQL, mysqlAdmin } from './local-servers.js';

const created = { databases: [] as string[], users: [] as string[] };
function newTarget(over: Partial<DesiredDatabase> = {}): DesiredDatabase {
  const t = aTarget('mysql', over);
  created.databases.push(t.database);
  created.users.push(t.user);
  return t;
}

async function asRoot<R>(sql: string, values: unknown[] = []): Promise<R> {
  const admin = await mysqlAdmin();
  try {
    return (await admin.query(sql, values))[0] as R;
  } finally {
    await admin.end();
  }
}

/** Log in over TCP as `user`. */
function connectAs(user: string, password: string, database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user, password, ...(database ? { database } : {}) });
}

const provider = createMysqlProvider(MYSQL);
afterAll(async () => {
  await provider.close();
  await dropMysql(created);
});

describe('MySQL provider (MariaDB)', () => {
  it('observes a database that does not exist without creating anything', async () => {
    const t = newTarget();

    const observed = await provider.observe(t, 'secret');

    expect(observed).toEqual({ databaseExists: false, userExists: false, credentialsWork: false, drift: [] });
    expect(await asRoot("SELECT User FROM mysql.user WHERE User = ?", [t.user])).toEqual([]);
    expect(await asRoot('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [t.database])).toEqual([]);
  });

  it('creates the database and its user; the user logs in over TCP with a password full of quotes, backslashes and $$', async () => {
    const t = newTarget();

    const result = await provider.apply(t, AWKWARD_PASSWORD);

    expect(result.changed).toEqual(['created user', 'created database', `granted all privileges on ${t.database}`]);
    expect(await provider.verify(t, AWKWARD_PASSWORD)).toBe(true);
    expect(await provider.observe(t, AWKWARD_PASSWORD)).toEqual({ databaseExists: true, userExists: true, credentialsWork: true, drift: [] });
    expect(await asRoot("SELECT Host, max_user_connections AS max FROM mysql.user WHERE User = ?", [t.user])).toEqual([{ Host: '%', max: 5 }]);
    const owner = await connectAs(t.user, AWKWARD_PASSWORD, t.database);
    await owner.query('CREATE TABLE orders (id INT PRIMARY KEY)');
    await owner.query('INSERT INTO orders VALUES (1)');
    expect((await owner.query('SELECT COUNT(*) AS n FROM orders'))[0]).toEqual([{ n: 1 }]);
    await owner.end();
  });

  it('changes nothing when applied again', async () => {
    const t = newTarget();
    await provider.apply(t, 'first-password-1');

    const again = await provider.apply(t, 'first-password-1');

    expect(again.changed).toEqual([]);
  });

  it('confines the user to its own database: no other database, not even one its name matches as a `_` wildcard', async () => {
    const t = newTarget();
    const lookalike = t.database.replace('_', 'x'); // `pave_t_…` as a grant pattern would match `pavext_…`
    created.databases.push(lookalike);
    await asRoot(`CREATE DATABASE ${mysql.escapeId(lookalike)}`);
    await provider.apply(t, 'pw-confined');
    const owner = await connectAs(t.user, 'pw-confined');

    await expect(owner.query(`USE ${mysql.escapeId(lookalike)}`)).rejects.toMatchObject({ errno: 1044 });
    await expect(owner.query('USE mysql')).rejects.toMatchObject({ errno: 1044 });
    await expect(owner.query('CREATE DATABASE pave_t_should_not_exist')).rejects.toMatchObject({ errno: 1044 });
    await owner.end();
  });

  it('repairs a password changed by hand: observe reports it, apply resets it, pave password logs in again', async () => {
    const t = newTarget();
    await provider.apply(t, AWKWARD_PASSWORD);
    await asRoot("ALTER USER ?@'%' IDENTIFIED BY 'changed-by-hand'", [t.user]);
    await expect(connectAs(t.user, AWKWARD_PASSWORD)).rejects.toMatchObject({ errno: 1045 });

    const observed = await provider.observe(t, AWKWARD_PASSWORD);
    const repaired = await provider.apply(t, AWKWARD_PASSWORD);

    expect(observed).toEqual({ databaseExists: true, userExists: true, credentialsWork: false, drift: ['password'] });
    expect(repaired.changed).toEqual(['reset password']);
    expect(await provider.verify(t, AWKWARD_PASSWORD)).toBe(true);
    await expect(connectAs(t.user, 'changed-by-hand')).rejects.toMatchObject({ errno: 1045 });
    expect((await provider.apply(t, AWKWARD_PASSWORD)).changed).toEqual([]);
  });

  it('applies a changed connection limit, and the server enforces it', async () => {
    const t = newTarget();
    await provider.apply(t, 'pw-limit');

    const result = await provider.apply({ ...t, connectionLimit: 1 }, 'pw-limit');
    const first = await connectAs(t.user, 'pw-limit');
    const observedAtLimit = await provider.observe({ ...t, connectionLimit: 1 }, 'pw-limit');

    expect(result.changed).toEqual(['set connection limit 1']);
    // MySQL answers 1203 (ER_TOO_MANY_USER_CONNECTIONS), MariaDB 1226 (ER_USER_LIMIT_REACHED).
    await expect(connectAs(t.user, 'pw-limit')).rejects.toSatisfy((e: { errno?: number }) => e.errno === 1203 || e.errno === 1226);
    expect(observedAtLimit.credentialsWork).toBe(true); // the limit is checked after the password
    await first.end();
  });

  it('repairs revoked grants and a locked account', async () => {
    const t = newTarget();
    await provider.apply(t, 'pw-grants');
    await asRoot(`REVOKE ALL PRIVILEGES ON ${mysql.escapeId(t.database.replace(/_/g, '\\_'))}.* FROM ?@'%'`, [t.user]);
    await asRoot("ALTER USER ?@'%' ACCOUNT LOCK", [t.user]);

    const observed = await provider.observe(t, 'pw-grants');
    const result = await provider.apply(t, 'pw-grants');

    expect(observed.drift).toEqual(['locked', 'grants']);
    expect(result.changed).toEqual(['reset password', 'unlocked account', `granted all privileges on ${t.database}`]);
    expect(await provider.verify(t, 'pw-grants')).toBe(true);
    expect((await provider.apply(t, 'pw-grants')).changed).toEqual([]);
  });

  it('recreates a database and user dropped by hand', async () => {
    const t = newTarget();
    await provider.apply(t, 'pw-recreate');
    await dropMysql({ databases: [t.database], users: [t.user] });

    const result = await provider.apply(t, 'pw-recreate');

    expect(result.changed).toEqual(['created user', 'created database', `granted all privileges on ${t.database}`]);
    expect(await provider.verify(t, 'pw-recreate')).toBe(true);
  });

  it('leaves a database alone when another one is applied (orphans are never dropped)', async () => {
    const kept = newTarget();
    const other = newTarget();
    await provider.apply(kept, 'pw-kept');

    await provider.apply(other, 'pw-other');

    expect(await provider.observe(kept, 'pw-kept')).toEqual({ databaseExists: true, userExists: true, credentialsWork: true, drift: [] });
    expect(await provider.verify(kept, 'pw-kept')).toBe(true);
  });

  it('creates everything once when two appliers race', async () => {
    const t = newTarget();
    const twin = createMysqlProvider(MYSQL);

    const results = await Promise.all([provider.apply(t, 'pw-race'), twin.apply(t, 'pw-race')]);

    const all = results.flatMap((r) => r.changed);
    expect(all.filter((c) => c === 'created user')).toHaveLength(1);
    expect(all.filter((c) => c === 'created database')).toHaveLength(1);
    expect(await provider.verify(t, 'pw-race')).toBe(true);
    expect((await provider.apply(t, 'pw-race')).changed).toEqual([]);
  });

  describe('hostile names are refused before anything runs', () => {
    const unreachable = createMysqlProvider({ ...MYSQL, port: 1 });
    it.each([...HOSTILE_NAMES, 'a'.repeat(33)])('%j', async (hostile) => {
      for (const over of [{ database: hostile }, { user: hostile }]) {
        if (over.database?.length === 33) continue; // 33 characters is a valid database name
        const t = aTarget('mysql', over);
        await expect(unreachable.apply(t, 'pw')).rejects.toBeInstanceOf(TerminalError);
        await expect(unreachable.observe(t, 'pw')).rejects.toBeInstanceOf(TerminalError);
        await expect(unreachable.verify(t, 'pw')).rejects.toBeInstanceOf(TerminalError);
        await expect(provider.apply(t, 'pw')).rejects.toBeInstanceOf(TerminalError);
      }
      expect(await asRoot("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'mysql'")).toHaveLength(1);
    });

    it('refuses a hostile user host in the settings', () => {
      expect(() => createMysqlProvider({ ...MYSQL, userHost: "%' OR '1'='1" })).toThrow(TerminalError);
    });
  });

  it('is a TransientError when the server does not answer', async () => {
    const down = createMysqlProvider({ ...MYSQL, port: await closedPort(), connectTimeoutMs: 2000 });
    const t = aTarget('mysql');

    await expect(down.apply(t, 'pw')).rejects.toBeInstanceOf(TransientError);
    await expect(down.observe(t, 'pw')).rejects.toBeInstanceOf(TransientError);
    await expect(down.verify(t, 'pw')).rejects.toBeInstanceOf(TransientError);
  });

  it('reports a wrong admin password as a ConfigError that does not contain it', async () => {
    const wrong = createMysqlProvider({ ...MYSQL, adminPassword: 'wrong-admin-password' });

    const error = await wrong.apply(aTarget('mysql'), 'pw').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('admin credentials for 127.0.0.1:3306 rejected (ER_ACCESS_DENIED_ERROR)');
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('wrong-admin-password');
  });
});
