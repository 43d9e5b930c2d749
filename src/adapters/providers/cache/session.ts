/**
 * Connections to a Redis-compatible server: one short-lived connection per operation, with no
 * reconnection, no offline queue and no ready check (`INFO` is an admin command a confined user
 * may not run), authenticated with an explicit `AUTH` once connected.
 */
import { Redis } from 'ioredis';
import { DEFAULT_CONNECT_TIMEOUT_MS, serverLabel } from '../server-settings.js';
import { replyCode, toDomainError } from './errors.js';
import type { CacheSettings } from './settings.js';

async function connect(s: CacheSettings, what: string): Promise<Redis> {
  const client = new Redis({
    host: s.host,
    port: s.port,
    lazyConnect: true,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: s.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (err) {
    client.disconnect();
    throw toDomainError(err, { server: serverLabel(s), what });
  }
}

/** Run `fn` with an admin connection; refused admin credentials are a ConfigError. */
export async function withAdmin<T>(s: CacheSettings, what: string, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = await connect(s, what);
  try {
    if (s.adminPassword !== '') await call(client, ['AUTH', s.adminUser || 'default', s.adminPassword], { server: serverLabel(s), what });
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

/** Run one command and translate what it throws. */
export async function call(client: Redis, args: readonly [string, ...string[]], ctx: { server: string; what: string }): Promise<unknown> {
  try {
    return await client.call(...args);
  } catch (err) {
    throw toDomainError(err, ctx);
  }
}

/**
 * Run `fn` on a connection authenticated as `user`; `undefined` when the server refuses the
 * password (`WRONGPASS`: wrong password, unknown or disabled user).
 */
export async function withLogin<T>(s: CacheSettings, user: string, password: string, what: string, fn: (client: Redis) => Promise<T>): Promise<T | undefined> {
  const client = await connect(s, what);
  try {
    try {
      await client.call('AUTH', user, password);
    } catch (err) {
      if (replyCode(err) === 'WRONGPASS') return undefined;
      throw toDomainError(err, { server: serverLabel(s), what });
    }
    return await fn(client);
  } finally {
    client.disconnect();
  }
}
