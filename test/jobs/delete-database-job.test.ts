/**
 * The delete-database job against a real state repository (git) and the local PostgreSQL, crashed
 * at each step and retried: after the drop (before the commit), after the commit (before the
 * reply), after the reply. Every retry converges to one drop, one state commit and one reply.
 * GitHub is an in-memory comment recorder; leases are in memory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStateRepository } from '../../src/adapters/git/index.js';
import { createPostgresProvider } from '../../src/adapters/providers/index.js';
import type { ApplyPorts, StateRepository } from '../../src/domain/apply.js';
import { TransientError } from '../../src/domain/errors.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { OrphanFile } from '../../src/domain/orphans.js';
import type { CommentReporter } from '../../src/domain/ports.js';
import type { JobDeps } from '../../src/jobs/context.js';
import { deleteDatabase } from '../../src/jobs/delete-database.js';
import { orphanFileText } from '../../src/planner/orphans.js';
import type { DeleteDatabase } from '../../src/queue/jobs.js';
import { aPlatform, anEnvironment } from '../helpers/builders.js';
import { aTarget, dropPostgres, PG, pgAdmin } from '../providers/local-servers.js';

let tmp: string;
const made = { databases: [] as string[], roles: [] as string[] };
beforeAll(async () => { tmp = await mkdtemp(join(tmpdir(), 'pave-delete-db-')); });
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
  await dropPostgres(made);
});

type Step = 'drop' | 'commit' | 'reply';

/** Everything the job needs; `crash` makes the named step fail once (after it happened, for commit and reply). */
function world(dir: string, crash: Set<Step>) {
  const repo = createLocalStateRepository({ dir });
  const commits: string[] = [];
  const state: StateRepository = {
    readFiles: (p) => repo.readFiles(p),
    async commit(changes, message, author) {
      const sha = await repo.commit(changes, message, author);
      commits.push(sha);
      if (crash.delete('commit')) throw new TransientError('worker died after the commit');
      return sha;
    },
  };
  const comments: { issue: number; body: string }[] = [];
  const reporter: CommentReporter = {
    async upsertComment(_repo, issue, marker, body) {
      const existing = comments.find((c) => c.issue === issue && c.body.includes(marker));
      const wanted = `${marker}\n${body}`;
      if (existing?.body === wanted) return 'unchanged';
      if (existing) existing.body = wanted;
      else comments.push({ issue, body: wanted });
      if (crash.delete('reply')) throw new TransientError('worker died after the reply');
      return existing ? 'updated' : 'created';
    },
    upsertCommitComment: async () => 'unchanged',
    react: async () => undefined,
    reply: async (_repo, issue, body) => { comments.push({ issue, body }); },
  };
  const real = createPostgresProvider(PG);
  const provider = {
    ...real,
    async drop(t: Parameters<typeof real.drop>[0]) {
      const r = await real.drop(t);
      if (crash.delete('drop')) throw new TransientError('worker died after the drop');
      return r;
    },
  };
  const leases = new Map<string, string>();
  const apply = {
    provider: async () => provider, state, leases: {
      acquire: async (key: string, _ttl: number, owner: string) => (leases.get(key) ?? owner) === owner && (leases.set(key, owner), true),
      release: async (key: string, owner: string) => { if (leases.get(key) === owner) leases.delete(key); },
    },
  } as unknown as ApplyPorts;
  const platform = aPlatform({ environments: [anEnvironment('development', { databaseServers: { postgresql: { host: PG.host, port: PG.port, adminUser: { env: 'X' }, adminPassword: { env: 'Y' } } } })] });
  const deps = {
    apply,
    repositories: () => ({ comments: reporter }),
    platform: () => ({ repo: 'acme/platform', current: async () => ({ sha: 'p', result: { ok: true, config: platform, warnings: [] } }) }),
    clock: { now: () => new Date('2026-05-01T12:00:00Z') },
  } as unknown as JobDeps;
  return { repo, deps, commits, comments, provider };
}

const job: DeleteDatabase = {
  kind: 'delete-database', deliveryId: 'd', receivedAt: 0, repo: 'acme/lending-backend', issueNumber: 7, commentId: 4242, author: 'ops-olga',
  environment: 'development', project: 'lending', component: 'loans-api', database: 'audit-db',
};
const DIR = 'environments/development/lending/loans-api';
const SECRETS = 'secrets/development/lending/loans-api.json';

describe('delete-database job, crashed and retried', () => {
  it.each<[string, Step[]]>([
    ['no crash', []],
    ['a crash after the drop (before the commit)', ['drop']],
    ['a crash after the commit (before the reply)', ['commit']],
    ['a crash after the reply', ['reply']],
    ['crashes after the commit and after the reply', ['commit', 'reply']],
  ])('%s: one drop, one commit, one reply', async (_name, steps) => {
    const target = aTarget('postgresql', { name: 'audit-db', host: PG.host, port: PG.port });
    made.databases.push(target.database);
    made.roles.push(target.user);
    const crash = new Set<Step>(steps);
    const w = world(join(tmp, `${steps.join('-') || 'none'}.git`), crash);
    await w.provider.apply(target, 'pw');
    const orphans: OrphanFile = { databases: [{ ...target, since: '2026-04-01T00:00:00.000Z', sourceSha: 'a'.repeat(40), actor: 'dev' }], deleted: [] };
    await w.repo.commit({ [`${DIR}/orphans.json`]: orphanFileText(orphans), [SECRETS]: JSON.stringify({ 'db/development/lending/loans-api/audit-db': { v: 1 }, 'db/development/lending/loans-api/loans-db': { v: 1 } }) }, 'seed', { name: 't', email: 't@x' });
    const ctx = { logger: silentLogger, willRetry: () => true };

    for (let attempt = 0; ; attempt++) {
      try {
        await deleteDatabase(w.deps, job, ctx);
        break;
      } catch (err) {
        expect(err).toBeInstanceOf(TransientError);
        expect(attempt).toBeLessThan(3);
      }
    }

    const admin = await pgAdmin();
    expect((await admin.query('select 1 from pg_database where datname = $1', [target.database])).rows).toEqual([]);
    expect((await admin.query('select 1 from pg_roles where rolname = $1', [target.user])).rows).toEqual([]);
    await admin.end();
    expect(w.commits).toHaveLength(1);
    expect(w.comments).toHaveLength(1);
    // After a crash between drop and commit, the retry finds nothing left and says so.
    const removed = steps.includes('drop') ? [] : ['dropped database', 'dropped role'];
    expect(w.comments[0]!.body).toContain(steps.includes('drop') ? 'nothing was left on the server (already gone)' : 'dropped database, dropped role');
    const files = await w.repo.readFiles('');
    const after = JSON.parse(files.get(`${DIR}/orphans.json`)!) as OrphanFile;
    expect(after.databases).toEqual([]);
    expect(after.deleted).toEqual([expect.objectContaining({ name: 'audit-db', deletedBy: 'ops-olga', requestId: 4242, changed: removed })]);
    expect(Object.keys(JSON.parse(files.get(SECRETS)!) as object)).toEqual(['db/development/lending/loans-api/loans-db']);

    // Run once more (a late redelivery): nothing changes.
    await deleteDatabase(w.deps, job, ctx);
    expect(w.commits).toHaveLength(1);
    expect(w.comments).toHaveLength(1);
  });

  it('replies, without committing anything, when the database is no orphan', async () => {
    const w = world(join(tmp, 'none-orphan.git'), new Set());
    await w.repo.commit({ [`${DIR}/desired.json`]: '{}' }, 'seed', { name: 't', email: 't@x' });

    await deleteDatabase(w.deps, job, { logger: silentLogger, willRetry: () => true });

    expect(w.commits).toEqual([]);
    expect(w.comments).toEqual([{ issue: 7, body: expect.stringContaining('nothing was deleted') as string }]);
  });
});
