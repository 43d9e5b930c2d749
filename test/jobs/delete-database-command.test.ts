/**
 * `/pave delete-database`: parsing, the authorization matrix (admin user, admin team member,
 * stranger, repository-admin fallback), and the checks against the state repository's record
 * (unknown environment or component, still declared, no such orphan, wrong confirmation).
 */
import { describe, expect, it } from 'vitest';
import { findDeletionTarget, mayDeleteDatabases, parseDeleteDatabase, type DeleteDatabaseArgs } from '../../src/jobs/delete-database-command.js';
import type { CurrentState, OrphanedDatabase } from '../../src/domain/orphans.js';
import type { DesiredDatabase } from '../../src/domain/plan.js';
import type { PlatformConfig } from '../../src/domain/platform.js';
import type { Directory } from '../../src/domain/ports.js';
import { loadPlatform } from '../../src/config/platform/index.js';
import { aPlatform } from '../helpers/builders.js';
import { aDesiredState } from '../helpers/desired-state.js';
import { MINIMAL_PLATFORM, platformTree } from '../helpers/minimal-platform.js';

describe('parseDeleteDatabase', () => {
  it('reads environment, component, database and the confirmation (either spelling)', () => {
    expect(parseDeleteDatabase(['development', 'loans-api', 'audit-db', '--confirm', 'lending_loans_api_audit_db_development'])).toEqual({
      environment: 'development', component: 'loans-api', database: 'audit-db', confirm: 'lending_loans_api_audit_db_development',
    });
    expect(parseDeleteDatabase(['--confirm=x_y', 'production', 'lending/loans-api', 'audit-db'])).toEqual({
      environment: 'production', project: 'lending', component: 'loans-api', database: 'audit-db', confirm: 'x_y',
    });
  });

  it.each([
    [['development', 'loans-api', 'audit-db'], /--confirm <physical-database-name>` is required/],
    [['development', 'loans-api', '--confirm', 'x'], /got 2 words/],
    [['development', 'loans-api', 'audit-db', 'extra', '--confirm', 'x'], /got 4 words/],
    [['development', 'loans-api', 'audit-db', '--confirm'], /needs the physical name/],
    [['development', 'loans-api', 'audit-db', '--confirm', 'a', '--confirm', 'b'], /twice/],
    [['development', 'loans-api', 'audit-db', '--force', '--confirm', 'a'], /unknown option `--force`/],
    [['development', 'loans-api', 'x'.repeat(101), '--confirm', 'a'], /1 to 100 characters/],
  ])('refuses %j', (args, message) => {
    const parsed = parseDeleteDatabase(args);
    expect(typeof parsed).toBe('string');
    expect(parsed).toMatch(message);
  });
});

/** A directory that knows one team, and users' permissions on the platform repository. */
function directory(teams: Record<string, string[]>, permissions: Record<string, Awaited<ReturnType<Directory['permission']>>> = {}): Directory & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async isTeamMember(team, login) {
      asked.push(`team ${team}`);
      return (teams[team.toLowerCase()] ?? []).includes(login.toLowerCase());
    },
    async permission(repo, login) {
      asked.push(`permission ${repo}`);
      return permissions[login] ?? 'none';
    },
  };
}

function platformWith(admins?: string[]): PlatformConfig {
  const p = aPlatform();
  return { ...p, settings: { ...p.settings, ...(admins ? { admins } : {}) } };
}

describe('mayDeleteDatabases', () => {
  const dir = directory({ 'acme/platform-team': ['ops-olga'] }, { 'repo-admin': 'admin', writer: 'write' });

  it('allows an admin listed as a user, case-insensitively, without asking GitHub', async () => {
    const d = directory({});
    expect(await mayDeleteDatabases(d, platformWith(['@Alice', '@acme/platform-team']), 'acme/platform', 'alice')).toEqual({ ok: true, as: '@Alice' });
    expect(d.asked).toEqual([]);
  });

  it('allows a member of an admin team', async () => {
    expect(await mayDeleteDatabases(dir, platformWith(['@alice', '@acme/platform-team']), 'acme/platform', 'ops-olga')).toEqual({ ok: true, as: 'member of @acme/platform-team' });
  });

  it('refuses a stranger and says who may', async () => {
    const result = await mayDeleteDatabases(dir, platformWith(['@alice', '@acme/platform-team']), 'acme/platform', 'mallory');
    expect(result).toEqual({ ok: false, who: 'platform administrators (@alice, @acme/platform-team, the `admins` of platform.yaml)' });
  });

  it('refuses a platform-repository admin when an admins list exists (the list decides)', async () => {
    expect((await mayDeleteDatabases(dir, platformWith(['@alice']), 'acme/platform', 'repo-admin')).ok).toBe(false);
  });

  it('without an admins list, allows admins of the platform repository only', async () => {
    expect(await mayDeleteDatabases(dir, platformWith(), 'acme/platform', 'repo-admin')).toEqual({ ok: true, as: 'admin of acme/platform' });
    const writer = await mayDeleteDatabases(dir, platformWith(), 'acme/platform', 'writer');
    expect(writer).toEqual({ ok: false, who: expect.stringContaining('users with admin permission on acme/platform') as string });
    expect((await mayDeleteDatabases(dir, platformWith(), 'acme/platform', 'ops-olga')).ok).toBe(false);
  });

  it('allows nobody with an empty admins list', async () => {
    expect(await mayDeleteDatabases(dir, platformWith([]), 'acme/platform', 'repo-admin')).toEqual({ ok: false, who: expect.stringContaining('empty') as string });
  });
});

describe('findDeletionTarget', () => {
  const db = (name: string): DesiredDatabase => ({ name, engine: 'postgresql', plan: 'postgresql/small', connectionLimit: 5, host: 'pg', port: 5432, database: `lending_loans_api_${name.replace(/-/g, '_')}_development`, user: `u_${name.replace(/-/g, '_')}` });
  const orphan = (name: string): OrphanedDatabase => ({ ...db(name), since: '2026-03-01T00:00:00.000Z', sourceSha: 'a'.repeat(40), actor: 'dev' });
  const loans: CurrentState = { ...aDesiredState({ databases: [db('loans-db')] }), orphans: [orphan('audit-db')] };
  const other: CurrentState = { ...aDesiredState({ project: 'retail', repo: 'acme/retail', databases: [] }) };
  const snapshot = new Map([['development/lending/loans-api', loans], ['development/retail/loans-api', other]]);
  const platform = aPlatform();
  const ask = (over: Partial<DeleteDatabaseArgs> = {}): DeleteDatabaseArgs => ({ environment: 'development', component: 'loans-api', database: 'audit-db', confirm: orphan('audit-db').database, ...over });

  it('finds a confirmed orphan of the repository\'s own component', () => {
    expect(findDeletionTarget(platform, snapshot, ask(), 'acme/lending-backend', false)).toEqual({ ok: true, current: loans });
  });

  it('on the platform repository, needs the project when a name is ambiguous', () => {
    expect(findDeletionTarget(platform, snapshot, ask(), 'acme/platform', true)).toEqual({ ok: false, reason: expect.stringContaining('`lending/loans-api`, `retail/loans-api`') as string });
    expect(findDeletionTarget(platform, snapshot, ask({ project: 'lending' }), 'acme/platform', true)).toEqual({ ok: true, current: loans });
  });

  it.each([
    ['an unknown environment', ask({ environment: 'qa' }), /no environment `qa`; environments: `development`, `staging`, `production`/],
    ['an unknown component', ask({ component: 'nope' }), /no component `nope` of acme\/lending-backend in `development`; known there: `lending\/loans-api`/],
    ['a database still declared', ask({ database: 'loans-db' }), /still declared .*remove it from component.yaml first/],
    ['a database that is no orphan', ask({ database: 'other-db' }), /no orphaned database `other-db`.*its orphans: `audit-db`/],
    ['a wrong confirmation', ask({ confirm: 'audit-db' }), /does not match: `audit-db` is `lending_loans_api_audit_db_development` on pg:5432.*--confirm lending_loans_api_audit_db_development/],
  ])('refuses %s with the reason', (_what, request, reason) => {
    const found = findDeletionTarget(platform, snapshot, request, 'acme/lending-backend', false);
    expect(found.ok).toBe(false);
    if (!found.ok) expect(found.reason).toMatch(reason);
  });

  it('does not reach into another repository\'s components from a component repository', () => {
    const found = findDeletionTarget(platform, snapshot, ask({ project: 'lending' }), 'acme/retail', false);
    expect(found).toEqual({ ok: false, reason: expect.stringContaining('no component `lending/loans-api` of acme/retail') as string });
  });
});

describe('admins in platform.yaml', () => {
  it('loads users and teams', () => {
    const result = loadPlatform(platformTree({ 'platform.yaml': `${MINIMAL_PLATFORM['platform.yaml']}admins: ["@alice", "@acme/platform-team"]\n` }));
    expect(result.ok && result.config.settings.admins).toEqual(['@alice', '@acme/platform-team']);
    const without = loadPlatform(platformTree());
    expect(without.ok && without.config.settings.admins).toBeUndefined();
  });

  it('refuses a principal without @, at its line and column, with a hint', () => {
    const result = loadPlatform(platformTree({ 'platform.yaml': `${MINIMAL_PLATFORM['platform.yaml']}admins:\n  - alice\n` }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics[0]).toMatchObject({ code: 'schema-pattern', file: 'platform.yaml', line: 7, column: 5, path: '/admins/0', hint: expect.stringContaining('@login') as string });
  });
});
