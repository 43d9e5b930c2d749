/**
 * The cache provider against the local Redis (no auth): an ACL user confined to its key prefix,
 * re-apply, drift repaired, orphans kept, hostile names, unreachable server, bad admin credentials.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createCacheProvider } from '../../src/adapters/providers/index.js';
import type { DesiredDatabase } from '../../src/domain/plan.js';
import { ConfigError, TerminalError, TransientError } from '../../src/domain/errors.js';
import { AWKWARD_PASSWORD, aTarget, closedPort, dropCache, HOSTILE_NAMES, REDIS, redisAdmin } from './local-servers.js';

const created = { users: [] as string[], prefixes: [] as string[] };
function newTarget(over: Partial<DesiredDatabase> = {}): DesiredDatabase {
  const t = aTarget('cache', over);
  created.users.push(t.user);
  created.prefixes.push(t.database);
  return t;
}

/** A connection authenticated as `user`. */
async function connectAs(user: string, password: string): Promise<Redis> {
  const client = new Redis({ host: REDIS.host, port: REDIS.port, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  await client.connect();
  await client.call('AUTH', user, password);
  return client;
}

async function asAdmin(...args: [string, ...string[]]): Promise<unknown> {
  const admin = redisAdmin();
  try {
    return await admin.call(...args);
  } finally {
    admin.disconnect();
  }
}

/** `ACL DRYRUN`: whether the user may run a command, without running it ("OK" or why not). */
function dryRun(user: string, command: readonly string[]): Promise<unknown> {
  return asAdmin('ACL', 'DRYRUN', user, ...command);
}

const provider = createCacheProvider(REDIS);
afterAll(async () => {
  await provider.close();
  await dropCache(created.users, created.prefixes);
});

describe('cache provider (Redis ACL)', () => {
  it('observes a user that does not exist without creating anything', async () => {
    const t = newTarget();

    const observed = await provider.observe(t, 'secret');

    expect(observed).toEqual({ databaseExists: false, userExists: false, credentialsWork: false, drift: [] });
    expect(await asAdmin('ACL', 'GETUSER', t.user)).toBeNull();
  });

  it('creates a user confined to its key prefix that logs in with a password full of quotes, backslashes and $$', async () => {
    const t = newTarget();

    const result = await provider.apply(t, AWKWARD_PASSWORD);
    const client = await connectAs(t.user, AWKWARD_PASSWORD);

    expect(result.changed).toEqual(['created user']);
    expect(await provider.verify(t, AWKWARD_PASSWORD)).toBe(true);
    expect(await provider.observe(t, AWKWARD_PASSWORD)).toEqual({ databaseExists: true, userExists: true, credentialsWork: true, drift: [] });
    expect(await client.set(`${t.database}session:1`, 'v')).toBe('OK');
    expect(await client.get(`${t.database}session:1`)).toBe('v');
    expect(await client.hset(`${t.database}h`, 'f', '1')).toBe(1);
    const refused = [
      ['GET', 'someone-else:key'],
      ['SET', `${t.database.slice(0, -1)}x`, 'v'], // the prefix without its final ':' is another tenant's
      ['PUBLISH', 'someone-else:channel', 'm'],
      ['KEYS', '*'], ['SCAN', '0'], ['RANDOMKEY'], ['CONFIG', 'GET', 'maxclients'], ['ACL', 'LIST'], ['INFO'],
    ] as const;
    for (const [command, ...args] of refused) {
      await expect(client.call(command, ...args), command).rejects.toThrow(/^NOPERM/);
    }
    // Commands that would harm the shared server if the ACL let them through are only dry-run.
    for (const command of [['FLUSHALL'], ['FLUSHDB'], ['SHUTDOWN'], ['DEBUG', 'SLEEP', '0'], ['CLIENT', 'KILL', 'ID', '1'], ['SWAPDB', '0', '1']]) {
      expect(await dryRun(t.user, command), command[0]).not.toBe('OK');
    }
    expect(await dryRun(t.user, ['SET', `${t.database}k`, 'v'])).toBe('OK');
    expect(await client.publish(`${t.database}events`, 'm')).toBe(0);
    client.disconnect();
  });

  it('changes nothing when applied again (the connection limit does not apply to caches)', async () => {
    const t = newTarget();
    await provider.apply(t, 'first-password-1');

    const again = await provider.apply({ ...t, connectionLimit: 99 }, 'first-password-1');

    expect(again.changed).toEqual([]);
  });

  it('repairs a password changed by hand: observe reports it, apply resets it, pave password logs in again', async () => {
    const t = newTarget();
    await provider.apply(t, AWKWARD_PASSWORD);
    await asAdmin('ACL', 'SETUSER', t.user, 'resetpass', '>changed-by-hand');
    await expect(connectAs(t.user, AWKWARD_PASSWORD)).rejects.toThrow(/^WRONGPASS/);

    const observed = await provider.observe(t, AWKWARD_PASSWORD);
    const repaired = await provider.apply(t, AWKWARD_PASSWORD);

    expect(observed).toEqual({ databaseExists: true, userExists: true, credentialsWork: false, drift: ['password'] });
    expect(repaired.changed).toEqual(['reset password']);
    expect(await provider.verify(t, AWKWARD_PASSWORD)).toBe(true);
    await expect(connectAs(t.user, 'changed-by-hand')).rejects.toThrow(/^WRONGPASS/);
    expect((await provider.apply(t, AWKWARD_PASSWORD)).changed).toEqual([]);
  });

  it('repairs widened key patterns, added commands, an extra password and a disabled user', async () => {
    const t = newTarget();
    await provider.apply(t, 'pw-widened');
    await asAdmin('ACL', 'SETUSER', t.user, 'off', '>second-password', 'allkeys', 'allchannels', '+flushall');

    const observed = await provider.observe(t, 'pw-widened');
    const result = await provider.apply(t, 'pw-widened');

    expect(observed.drift).toEqual(['enabled', 'password', 'keys', 'channels', 'commands']);
    expect(observed.credentialsWork).toBe(false);
    expect(result.changed).toEqual(['enabled user', 'reset password', `confined keys to ${t.database}*`, `confined channels to ${t.database}*`, 'reset command rules']);
    expect(await provider.verify(t, 'pw-widened')).toBe(true);
    await expect(connectAs(t.user, 'second-password')).rejects.toThrow(/^WRONGPASS/);
    expect(await dryRun(t.user, ['FLUSHALL'])).not.toBe('OK');
    expect(await dryRun(t.user, ['GET', 'someone-else:key'])).not.toBe('OK');
  });

  it('leaves a user alone when another one is applied (orphans are never dropped)', async () => {
    const kept = newTarget();
    const other = newTarget();
    await provider.apply(kept, 'pw-kept');

    await provider.apply(other, 'pw-other');

    expect(await provider.observe(kept, 'pw-kept')).toEqual({ databaseExists: true, userExists: true, credentialsWork: true, drift: [] });
    expect(await provider.verify(kept, 'pw-kept')).toBe(true);
  });

  describe('hostile names are refused before anything runs', () => {
    const unreachable = createCacheProvider({ ...REDIS, port: 1 });
    const hostilePrefixes = ['*', 'a*:', 'a?:', '[ab]:', 'back\\slash:', 'no-colon', 'with space:', 'ünï:', ':', '', `${'a'.repeat(200)}:`, 'new\nline:'];
    it.each([
      ...HOSTILE_NAMES.map((user) => ({ user })),
      ...hostilePrefixes.map((database) => ({ database })),
    ])('%j', async (over) => {
      const t = aTarget('cache', over);

      await expect(unreachable.apply(t, 'pw')).rejects.toBeInstanceOf(TerminalError);
      await expect(unreachable.observe(t, 'pw')).rejects.toBeInstanceOf(TerminalError);
      await expect(unreachable.verify(t, 'pw')).rejects.toBeInstanceOf(TerminalError);
      await expect(provider.apply(t, 'pw')).rejects.toBeInstanceOf(TerminalError);
    });
  });

  it('is a TransientError when the server does not answer', async () => {
    const down = createCacheProvider({ ...REDIS, port: await closedPort(), connectTimeoutMs: 2000 });
    const t = aTarget('cache');

    await expect(down.apply(t, 'pw')).rejects.toBeInstanceOf(TransientError);
    await expect(down.observe(t, 'pw')).rejects.toBeInstanceOf(TransientError);
    await expect(down.verify(t, 'pw')).rejects.toBeInstanceOf(TransientError);
  });

  it('reports rejected admin credentials as a ConfigError that does not contain the password', async () => {
    const wrong = createCacheProvider({ ...REDIS, adminUser: 'pave_no_such_admin', adminPassword: 'wrong-admin-password' });

    const error = await wrong.apply(aTarget('cache'), 'pw').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('admin credentials for 127.0.0.1:6379 rejected (WRONGPASS)');
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('wrong-admin-password');
  });
});
