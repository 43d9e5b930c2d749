/**
 * The PostgreSQL provider against the local server (trust on loopback, superuser `postgres`):
 * create, re-apply, drift repaired, connection limits, confinement, orphans kept, hostile names,
 * unreachable servers, concurrent appliers, and an admin that is not a superuser.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresProvider, storedPasswordMatches } from '../../src/adapters/providers/index.js';
import type { DesiredDatabase } from '../../src/domain/plan.js';
import { TerminalError, TransientError } from '../../src/domain/errors.js';
import { AWKWARD_PASSWORD, aTarget, closedPort, dropPostgres, HOSTILE_NAMES, PG, pgAdmin, uniqueName } from './local-servers.js';

const created = { databases: [] as string[], roles: [] as string[] };
function track(t: DesiredDatabase): DesiredDatabase {
  created.databases.push(t.database);
  created.roles.push(t.user);
  return t;
}
const newTarget = (over: Partial<DesiredDatabase> = {}): DesiredDatabase => track(aTarget('postgresql', over));

async function query<R extends object>(sql: string, params: unknown[] = [], database = 'postgres'): Promise<R[]> {
  const admin = await pgAdmin(database);
  try {
    return (await admin.query(sql, params)).rows as R[];
  } finally {
    await admin.end();
  }
}

async function storedPassword(role: string): Promise<string | null> {
  const [row] = await query<{ rolpassword: string | null }>('select rolpassword from pg_authid where rolname = $1', [role]);
  return row?.rolpassword ?? null;
}

/** Connect as `user` (the password only matters on a path that checks it). */
async function connectAs(user: string, password: string, database: string): Promise<pg.Client> {
  const client = new pg.Client({ host: PG.host, port: PG.port, user, password, database });
  await client.connect();
  return client;
}

const provider = createPostgresProvider(PG);
afterAll(async () => {
  await provider.close();
  await dropPostgres(created);
});

describe('PostgreSQL provider', () => {
  it('observes a database that does not exist without creating anything', async () => {
    const t = newTarget();

    const observed = await provider.observe(t, 'secret');

    expect(observed).toEqual({ databaseExists: false, userExists: false, credentialsWork: false, drift: [] });
    expect(await query('select 1 from pg_roles where rolname = $1', [t.user])).toEqual([]);
    expect(await query('select 1 from pg_database where datname = $1', [t.database])).toEqual([]);
  });

  it('creates the owner role and its database; the owner logs in with a password full of quotes, backslashes and $$', async () => {
    const t = newTarget();

    const result = await provider.apply(t, AWKWARD_PASSWORD);

    expect(result.changed).toEqual(['created role', 'created database', 'revoked PUBLIC access']);
    expect(await provider.verify(t, AWKWARD_PASSWORD)).toBe(true);
    expect(await provider.observe(t, AWKWARD_PASSWORD)).toEqual({ databaseExists: true, userExists: true, credentialsWork: true, drift: [] });
    const [role] = await query<{ rolcanlogin: boolean; rolconnlimit: number; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
      'select rolcanlogin, rolconnlimit, rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = $1', [t.user]);
    expect(role).toEqual({ rolcanlogin: true, rolconnlimit: 5, rolsuper: false, rolcreatedb: false, rolcreaterole: false });
    const [db] = await query<{ owner: string; acl: string }>(
      'select pg_get_userbyid(datdba) as owner, datacl::text as acl from pg_database where datname = $1', [t.database]);
    expect(db).toEqual({ owner: t.user, acl: `{${t.user}=CTc/${t.user}}` });
    expect(storedPasswordMatches(await storedPassword(t.user), AWKWARD_PASSWORD, t.user)).toBe(true);
    const owner = await connectAs(t.user, AWKWARD_PASSWORD, t.database);
    await owner.query('create table orders (id int primary key)');
    expect((await owner.query('select current_user as u')).rows).toEqual([{ u: t.user }]);
    await owner.end();
  });

  it('changes nothing when applied again', async () => {
    const t = newTarget();
    await provider.apply(t, 'first-password-1');

    const again = await provider.apply(t, 'first-password-1');

    expect(again.changed).toEqual([]);
  });

  it('repairs a password changed by hand: observe reports it, apply resets it, the stored verifier is pave password again', async () => {
    const t = newTarget();
    await provider.apply(t, AWKWARD_PASSWORD);
    await query(`alter role ${pg.escapeIdentifier(t.user)} password 'changed-by-hand'`);
    const handMade = await storedPassword(t.user);
    expect(storedPasswordMatches(handMade, 'changed-by-hand', t.user)).toBe(true); // PostgreSQL's own verifier, checked by pave

    const observed = await provider.observe(t, AWKWARD_PASSWORD);
    const verifiedBefore = await provider.verify(t, AWKWARD_PASSWORD);
    const repaired = await provider.apply(t, AWKWARD_PASSWORD);

    expect(observed).toEqual({ databaseExists: true, userExists: true, credentialsWork: false, drift: ['password'] });
    expect(verifiedBefore).toBe(false);
    expect(repaired.changed).toEqual(['reset password']);
    const stored = await storedPassword(t.user);
    expect(stored).not.toBe(handMade);
    expect(storedPasswordMatches(stored, AWKWARD_PASSWORD, t.user)).toBe(true);
    expect(storedPasswordMatches(stored, 'changed-by-hand', t.user)).toBe(false);
    expect(await provider.verify(t, AWKWARD_PASSWORD)).toBe(true);
    expect((await provider.apply(t, AWKWARD_PASSWORD)).changed).toEqual([]);
  });

  it('applies a changed connection limit', async () => {
    const t = newTarget();
    await provider.apply(t, 'pw-limit-1');

    const observed = await provider.observe({ ...t, connectionLimit: 20 }, 'pw-limit-1');
    const result = await provider.apply({ ...t, connectionLimit: 20 }, 'pw-limit-1');

    expect(observed.drift).toEqual(['connectionLimit']);
    expect(result.changed).toEqual(['set connection limit 20']);
    expect(await query('select rolconnlimit from pg_roles where rolname = $1', [t.user])).toEqual([{ rolconnlimit: 20 }]);
  });

  it('enforces the connection limit on the owner', async () => {
    const t = newTarget({ connectionLimit: 1 });
    await provider.apply(t, 'pw-one-connection');
    const first = await connectAs(t.user, 'pw-one-connection', t.database);

    const second = connectAs(t.user, 'pw-one-connection', t.database);

    await expect(second).rejects.toMatchObject({ code: '53300' });
    await first.end();
  });

  it('keeps other roles out of the database (PUBLIC revoked)', async () => {
    const t = newTarget();
    const bystander = uniqueName();
    created.roles.push(bystander);
    await provider.apply(t, 'pw-private');
    await query(`create role ${bystander} login`);

    await expect(connectAs(bystander, '', t.database)).rejects.toMatchObject({ code: '42501' });
  });

  it('repairs ownership, PUBLIC grants, login and role attributes changed by hand', async () => {
    const t = newTarget();
    await provider.apply(t, 'pw-attributes');
    const role = pg.escapeIdentifier(t.user);
    await query(`alter database ${pg.escapeIdentifier(t.database)} owner to postgres`);
    await query(`grant all on database ${pg.escapeIdentifier(t.database)} to public`);
    await query(`alter role ${role} nologin createdb createrole`);

    const observed = await provider.observe(t, 'pw-attributes');
    const result = await provider.apply(t, 'pw-attributes');

    expect(observed.drift).toEqual(['login', 'roleAttributes', 'owner', 'publicAccess']);
    expect(observed.credentialsWork).toBe(false);
    expect(result.changed).toEqual(['enabled login', 'removed role attributes (createdb, createrole)', `set owner ${t.user}`, 'revoked PUBLIC access']);
    expect(await provider.observe(t, 'pw-attributes')).toEqual({ databaseExists: true, userExists: true, credentialsWork: true, drift: [] });
    expect(await provider.verify(t, 'pw-attributes')).toBe(true);
  });

  it('recreates a database dropped by hand, and its role', async () => {
    const t = newTarget();
    await provider.apply(t, 'pw-recreate');
    await dropPostgres({ databases: [t.database], roles: [t.user] });

    const result = await provider.apply(t, 'pw-recreate');

    expect(result.changed).toEqual(['created role', 'created database', 'revoked PUBLIC access']);
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

  // Eight targets raced at once make catalog conflicts ("tuple concurrently updated") likely: the
  // applier that hits one retries, and must still report what its failed attempt created.
  it('creates everything once, and reports it once, when two appliers race', async () => {
    const twin = createPostgresProvider(PG);
    const targets = Array.from({ length: 8 }, () => newTarget());

    const raced = await Promise.all(targets.map((t) => Promise.all([provider.apply(t, 'pw-race'), twin.apply(t, 'pw-race')])));

    for (const [i, results] of raced.entries()) {
      const all = results.flatMap((r) => r.changed);
      expect(all.filter((c) => c === 'created role'), JSON.stringify(results)).toHaveLength(1);
      expect(all.filter((c) => c === 'created database'), JSON.stringify(results)).toHaveLength(1);
      expect(all.filter((c) => c === 'revoked PUBLIC access').length).toBeGreaterThanOrEqual(1);
      expect(await provider.verify(targets[i]!, 'pw-race')).toBe(true);
      expect((await provider.apply(targets[i]!, 'pw-race')).changed).toEqual([]);
    }
  });

  describe('hostile names are refused before anything runs', () => {
    const unreachable = createPostgresProvider({ ...PG, port: 1 });
    it.each(HOSTILE_NAMES)('%j', async (hostile) => {
      for (const over of [{ database: hostile }, { user: hostile }]) {
        const t = aTarget('postgresql', over);
        // Against a port nothing listens on: a TerminalError (not a TransientError) proves no connection was tried.
        await expect(unreachable.apply(t, 'pw')).rejects.toBeInstanceOf(TerminalError);
        await expect(unreachable.observe(t, 'pw')).rejects.toBeInstanceOf(TerminalError);
        await expect(unreachable.verify(t, 'pw')).rejects.toBeInstanceOf(TerminalError);
        await expect(provider.apply(t, 'pw')).rejects.toBeInstanceOf(TerminalError);
      }
      expect(await query('select datname from pg_database where datname = $1', ['postgres'])).toHaveLength(1);
    });

    it('refuses bad connection limits, empty or NUL passwords, non-ASCII passwords and other engines', async () => {
      const t = aTarget('postgresql');
      for (const bad of [0, -1, 1.5, Number.NaN, 1e9]) await expect(unreachable.apply({ ...t, connectionLimit: bad }, 'pw')).rejects.toBeInstanceOf(TerminalError);
      for (const bad of ['', 'a\u0000b', 'pässword', 'x'.repeat(1025)]) await expect(unreachable.apply(t, bad)).rejects.toBeInstanceOf(TerminalError);
      await expect(unreachable.apply({ ...t, engine: 'mysql' }, 'pw')).rejects.toBeInstanceOf(TerminalError);
    });

    it('never puts the password in an error', async () => {
      const error = await unreachable.apply(aTarget('postgresql'), 'pw-not-in-errors').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(TransientError);
      expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('pw-not-in-errors');
    });
  });

  it('is a TransientError when the server does not answer', async () => {
    const down = createPostgresProvider({ ...PG, port: await closedPort(), connectTimeoutMs: 2000 });
    const t = aTarget('postgresql');

    await expect(down.apply(t, 'pw')).rejects.toBeInstanceOf(TransientError);
    await expect(down.observe(t, 'pw')).rejects.toBeInstanceOf(TransientError);
    await expect(down.verify(t, 'pw')).rejects.toBeInstanceOf(TransientError);
  });

  it('refuses calls after close', async () => {
    const closed = createPostgresProvider(PG);
    await closed.close();

    await expect(closed.observe(aTarget('postgresql'), 'pw')).rejects.toBeInstanceOf(TerminalError);
  });
});

describe('PostgreSQL provider with an admin that is not a superuser, on a trust server', () => {
  const admin = uniqueName();
  const limited = createPostgresProvider({ ...PG, adminUser: admin });
  beforeAll(async () => {
    await query(`create role ${admin} login createrole createdb`);
  });
  afterAll(async () => {
    await dropPostgres({ databases: [], roles: [admin] });
  });

  it('creates what is missing, and since trust makes the password unprovable, treats it as drift and sets it on every apply', async () => {
    const t = newTarget();

    const first = await limited.apply(t, 'pw-limited-admin');
    const observed = await limited.observe(t, 'pw-limited-admin');
    const second = await limited.apply(t, 'pw-limited-admin');

    expect(first.changed).toEqual(['created role', 'created database', 'revoked PUBLIC access']);
    expect(observed).toEqual({ databaseExists: true, userExists: true, credentialsWork: false, drift: ['password'] });
    expect(second.changed).toEqual(['reset password']);
    expect(storedPasswordMatches(await storedPassword(t.user), 'pw-limited-admin', t.user)).toBe(true);
    expect(await limited.verify(t, 'pw-limited-admin')).toBe(true);
  });
});
