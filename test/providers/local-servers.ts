/**
 * The local database servers the provider tests run against (PostgreSQL trust on loopback,
 * MariaDB root without password, Redis without auth), unique names per test, direct admin access
 * for hand-made drift and cleanup, and a port nothing listens on.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DatabaseEngine } from '../../src/domain/component.js';
import type { DesiredDatabase } from '../../src/domain/plan.js';

export const PG = { host: '127.0.0.1', port: 5432, adminUser: 'postgres', adminPassword: '' };
export const MYSQL = { host: '127.0.0.1', port: 3306, adminUser: 'root', adminPassword: '' };
export const REDIS = { host: '127.0.0.1', port: 6379, adminUser: 'default', adminPassword: '' };

/** A password with quotes, backslashes, `$$`, a backtick, a space and a semicolon. */
export const AWKWARD_PASSWORD = `p'a"s\\s$$w\`o rd;--$x$`;

/** `pave_t_<12 hex>`: a name no other test uses. */
export function uniqueName(): string {
  return `pave_t_${randomBytes(6).toString('hex')}`;
}

/** A desired database of `engine` with fresh names (a cache gets a key prefix). */
export function aTarget(engine: DatabaseEngine, over: Partial<DesiredDatabase> = {}): DesiredDatabase {
  const name = uniqueName();
  const server = engine === 'postgresql' ? PG : engine === 'mysql' ? MYSQL : REDIS;
  return {
    name: 'orders-db',
    engine,
    plan: `${engine}/small`,
    connectionLimit: 5,
    host: server.host,
    port: server.port,
    database: engine === 'cache' ? `pave-test:${name}:` : name,
    user: name,
    ...over,
  };
}

/** A loopback port with no listener. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Names that must never reach a statement. */
export const HOSTILE_NAMES = [
  'x"; DROP DATABASE postgres; --',
  "x'; DROP USER root; --",
  'a`b',
  '*',
  'ünïcödé',
  'UPPER',
  'with space',
  'semi;colon',
  '',
  'a'.repeat(64),
  'nul\u0000byte',
  'new\nline',
];

/** A superuser client on the local PostgreSQL. */
export async function pgAdmin(database = 'postgres'): Promise<pg.Client> {
  const client = new pg.Client({ ...PG, user: PG.adminUser, password: PG.adminPassword, database });
  await client.connect();
  return client;
}

/** Drop what a PostgreSQL test created (databases first: they are owned by the roles). */
export async function dropPostgres(names: { databases: string[]; roles: string[] }): Promise<void> {
  const admin = await pgAdmin();
  try {
    for (const d of names.databases) await admin.query(`drop database if exists ${pg.escapeIdentifier(d)} with (force)`);
    for (const r of names.roles) await admin.query(`drop role if exists ${pg.escapeIdentifier(r)}`);
  } finally {
    await admin.end();
  }
}

/** A root connection on the local MariaDB. */
export async function mysqlAdmin(): Promise<mysql.Connection> {
  return mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.adminUser, password: MYSQL.adminPassword });
}

export async function dropMysql(names: { databases: string[]; users: string[] }): Promise<void> {
  const admin = await mysqlAdmin();
  try {
    for (const d of names.databases) await admin.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(d)}`);
    for (const u of names.users) await admin.query("DROP USER IF EXISTS ?@'%'", [u]);
  } finally {
    await admin.end();
  }
}

/** An unauthenticated (default user) connection to the local Redis. */
export function redisAdmin(): Redis {
  return new Redis({ host: REDIS.host, port: REDIS.port, lazyConnect: false, maxRetriesPerRequest: 1 });
}

export async function dropCache(users: string[], prefixes: string[]): Promise<void> {
  const admin = redisAdmin();
  try {
    for (const u of users) await admin.call('ACL', 'DELUSER', u);
    for (const p of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await admin.scan(cursor, 'MATCH', `${p}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await admin.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    admin.disconnect();
  }
}
