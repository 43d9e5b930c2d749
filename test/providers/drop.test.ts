/**
 * `DatabaseProvider.drop` against the local servers, for each engine: create → drop → gone (the
 * owner's open session ended, nothing of anyone else touched); drop again → no error and nothing
 * reported; hostile names refused before any connection is opened.
 */
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createCacheProvider, createMysqlProvider, createPostgresProvider } from '../../src/adapters/providers/index.js';
import { TerminalError } from '../../src/domain/errors.js';
import type { DesiredDatabase } from '../../src/domain/plan.js';
import { AWKWARD_PASSWORD, aTarget, closedPort, dropCache, dropMysql, dropPostgres, HOSTILE_NAMES, MYSQL, mysqlAdmin, PG, pgAdmin, REDIS, redisAdmin } from './local-servers.js';

const made = { pg: { databases: [] as string[], roles: [] as string[] }, mysql: { databases: [] as string[], users: [] as string[] }, cache: { users: [] as string[], prefixes: [] as string[] } };
function track(t: DesiredDatabase): DesiredDatabase {
  if (t.engine === 'postgresql') { made.pg.databases.push(t.database); made.pg.roles.push(t.user); }
  if (t.engine === 'mysql') { made.mysql.databases.push(t.database); made.mysql.users.push(t.user); }
  if (t.engine === 'cache') { made.cache.users.push(t.user); made.cache.prefixes.push(t.database); }
  return t;
}

const postgres = createPostgresProvider(PG);
const maria = createMysqlProvider(MYSQL);
const cache = createCacheProvider(REDIS);
afterAll(async () => {
  for (const p of [postgres, maria, cache]) await p.close();
  await dropPostgres(made.pg);
  await dropMysql(made.mysql);
  await dropCache(made.cache.users, made.cache.prefixes);
});

async function pgRows(sql: string, params: unknown[]): Promise<unknown[]> {
  const admin = await pgAdmin();
  try {
    return (await admin.query(sql, params)).rows;
  } finally {
    await admin.end();
  }
}

async function mysqlRows(sql: string, values: unknown[]): Promise<unknown[]> {
  const admin = await mysqlAdmin();
  try {
    return (await admin.query(sql, values))[0] as unknown[];
  } finally {
    await admin.end();
  }
}

describe('PostgreSQL drop', () => {
  it('ends the owner\'s sessions, drops the database and the role; a second drop changes nothing', async () => {
    const t = track(aTarget('postgresql'));
    const other = track(aTarget('postgresql'));
    await postgres.apply(t, AWKWARD_PASSWORD);
    await postgres.apply(other, 'other-password');
    const owner = new pg.Client({ host: PG.host, port: PG.port, user: t.user, password: AWKWARD_PASSWORD, database: t.database });
    owner.on('error', () => undefined);
    await owner.connect();
    await owner.query('create table loans (id int)');

    const first = await postgres.drop(t);

    expect(first.changed).toEqual(['terminated 1 session', 'dropped database', 'dropped role']);
    expect(await pgRows('select 1 from pg_database where datname = $1', [t.database])).toEqual([]);
    expect(await pgRows('select 1 from pg_roles where rolname = $1', [t.user])).toEqual([]);
    await expect(owner.query('select 1')).rejects.toThrow();
    await owner.end().catch(() => undefined);
    expect(await postgres.verify(other, 'other-password')).toBe(true);

    const second = await postgres.drop(t);

    expect(second.changed).toEqual([]);
  });

  it('drops names that are reserved words (quoted identifiers)', async () => {
    const t = track(aTarget('postgresql', { database: 'table', user: 'grant' }));
    await postgres.apply(t, 'pw-reserved');
    expect(await pgRows('select 1 from pg_database where datname = $1', ['table'])).toHaveLength(1);

    expect((await postgres.drop(t)).changed).toEqual(['dropped database', 'dropped role']);
    expect(await pgRows('select 1 from pg_database where datname = $1', ['table'])).toEqual([]);
  });

  it('finishes a deletion interrupted after the database went (role still there)', async () => {
    const t = track(aTarget('postgresql'));
    await postgres.apply(t, 'pw');
    const admin = await pgAdmin();
    await admin.query(`drop database ${pg.escapeIdentifier(t.database)}`);
    await admin.end();

    expect((await postgres.drop(t)).changed).toEqual(['dropped role']);
  });
});

describe('MySQL/MariaDB drop', () => {
  it('drops the database and the user and ends the user\'s sessions; a second drop changes nothing', async () => {
    const t = track(aTarget('mysql'));
    const other = track(aTarget('mysql'));
    await maria.apply(t, AWKWARD_PASSWORD);
    await maria.apply(other, 'other-password');
    const owner = await mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: t.user, password: AWKWARD_PASSWORD, database: t.database });
    owner.on('error', () => undefined);
    await owner.query('CREATE TABLE loans (id INT)');

    const first = await maria.drop(t);

    expect(first.changed).toEqual(['dropped database', 'dropped user', 'ended 1 session']);
    expect(await mysqlRows('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [t.database])).toEqual([]);
    expect(await mysqlRows('SELECT 1 FROM mysql.user WHERE user = ?', [t.user])).toEqual([]);
    await expect(owner.query('SELECT 1')).rejects.toThrow();
    owner.destroy();
    expect(await maria.verify(other, 'other-password')).toBe(true);

    expect((await maria.drop(t)).changed).toEqual([]);
  });
});

describe('cache drop', () => {
  it('deletes the ACL user and every key under its prefix in batches, and nothing else', async () => {
    const t = track(aTarget('cache'));
    const neighbour = track(aTarget('cache'));
    await cache.apply(t, AWKWARD_PASSWORD);
    const admin = redisAdmin();
    // More keys than one batch, and keys of a neighbour whose prefix shares the same start.
    const keys = Array.from({ length: 1_234 }, (_, i) => `${t.database}k${i}`);
    for (let i = 0; i < keys.length; i += 200) await admin.mset(...keys.slice(i, i + 200).flatMap((k) => [k, 'v']));
    const lookalike = `${t.database.slice(0, -1)}x:kept`;
    await admin.set(lookalike, 'v');
    await admin.set(`${neighbour.database}kept`, 'v');
    const owner = new Redis({ host: REDIS.host, port: REDIS.port, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    owner.on('error', () => undefined);
    await owner.connect();
    await owner.call('AUTH', t.user, AWKWARD_PASSWORD);

    const first = await cache.drop(t);

    expect(first.changed).toEqual(['deleted user', 'removed 1234 keys']);
    expect(await admin.call('ACL', 'GETUSER', t.user)).toBeNull();
    expect(await admin.exists(...keys.slice(0, 100))).toBe(0);
    expect(await admin.get(lookalike)).toBe('v');
    expect(await admin.get(`${neighbour.database}kept`)).toBe('v');
    await expect(owner.get(`${t.database}k1`)).rejects.toThrow();
    owner.disconnect();

    expect((await cache.drop(t)).changed).toEqual([]);
    await admin.del(lookalike);
    admin.disconnect();
  });
});

describe('hostile names', () => {
  it.each(HOSTILE_NAMES)('%j is refused before connecting, by every engine', async (hostile) => {
    const port = await closedPort();
    const unreachable = [createPostgresProvider({ ...PG, port }), createMysqlProvider({ ...MYSQL, port }), createCacheProvider({ ...REDIS, port })];
    for (const provider of unreachable) {
      for (const over of [{ database: hostile }, { user: hostile }]) {
        const t = aTarget(provider.engine, over);
        await expect(provider.drop(t)).rejects.toBeInstanceOf(TerminalError);
      }
    }
  });

  it('refuses a key prefix with glob characters (it would become a wider SCAN pattern)', async () => {
    for (const database of ['acme:*', 'acme:?:', 'acme:[a]:', 'acme']) {
      await expect(cache.drop(aTarget('cache', { database }))).rejects.toBeInstanceOf(TerminalError);
    }
  });

  it('refuses a target of another engine', async () => {
    await expect(postgres.drop(aTarget('mysql'))).rejects.toBeInstanceOf(TerminalError);
    await expect(maria.drop(aTarget('cache'))).rejects.toBeInstanceOf(TerminalError);
    await expect(cache.drop(aTarget('postgresql'))).rejects.toBeInstanceOf(TerminalError);
  });
});
