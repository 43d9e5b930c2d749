/**
 * The job handlers end to end with real Redis (run store, component index), the example
 * repositories on disk, and the embedded default's reporters (which record what they would post).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSourceTree } from '../../src/adapters/fs/read-source-tree.js';
import { createStateDirectory } from '../../src/adapters/fs/state-directory.js';
import { createLogReporters } from '../../src/adapters/local/log-reporter.js';
import { createLocalRepositoryReader } from '../../src/adapters/local/local-repository-reader.js';
import { createRedisComponentIndex } from '../../src/adapters/redis/component-index.js';
import { createRedisRunStore } from '../../src/adapters/redis/run-store.js';
import { NotFoundError } from '../../src/domain/errors.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { RepositoryReader } from '../../src/domain/ports.js';
import type { JobContext, JobDeps } from '../../src/jobs/context.js';
import { handleJob } from '../../src/jobs/handle-job.js';
import { createPlatformSource } from '../../src/jobs/platform-source.js';
import type { JobRequest } from '../../src/queue/jobs.js';
import { testRedis } from '../helpers/redis.js';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
const PLATFORM = 'acme-bank/platform';
const examples: Record<string, string> = {
  'acme-bank/exchange-rates': 'examples/exchange-rates',
  'acme-bank/interest-rates': 'examples/interest-rates',
  'acme-bank/investment-banking-backend': 'examples/investment-banking-backend',
  'acme-bank/lending-backend': 'examples/lending-backend',
};

const r = testRedis();
let tmp: string;
let platformHead: string;
const enqueued: JobRequest[] = [];
const reporters = createLogReporters(silentLogger);
let deps: JobDeps;
const ctx: JobContext = { logger: silentLogger, willRetry: () => false };
const meta = { deliveryId: 'd-1', receivedAt: 0 };

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'pave-jobs-'));
  platformHead = join(tmp, 'platform-head');
  await cp('platform-repo-example', platformHead, { recursive: true });
  // The head of the platform PR: production needs three replicas.
  const policy = join(platformHead, 'policies/production-replicas.yaml');
  await writeFile(policy, (await readFile(policy, 'utf8')).replace(/min: 2/, 'min: 3'));

  const local = createLocalRepositoryReader((repo) => examples[repo]);
  // Platform reads: base sha → the example, head sha → the edited copy.
  const platformReader: RepositoryReader = {
    ...local,
    resolveRef: async () => SHA_A,
    readTree: (_repo, sha, include, max) => readSourceTree(sha === SHA_B ? platformHead : 'platform-repo-example', { include, ...(max ? { maxBytes: max } : {}) }),
  };
  const platformSource = createPlatformSource(platformReader, PLATFORM);
  deps = {
    repositories: () => ({ reader: local, statuses: reporters, comments: reporters, directory: reporters }),
    platform: () => platformSource,
    state: createStateDirectory(join(tmp, 'state'), silentLogger),
    index: createRedisComponentIndex(r.redis, { prefix: r.prefix }),
    runs: createRedisRunStore(r.redis, { prefix: r.prefix }),
    enqueue: async (jobs) => void enqueued.push(...jobs),
    clock: { now: () => new Date('2026-11-23T12:00:00Z') },
    publicUrl: 'http://pave.test',
    pendingAfterMs: 0, // post the pending status at once, so these tests see it
    logger: silentLogger,
  };
  for (const repo of Object.keys(examples)) await handleJob(deps, { kind: 'index-repo', repo, ...meta }, ctx);
});
afterAll(async () => {
  await r.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

describe('index-repo', () => {
  it('indexes every component of every repository', async () => {
    const all = await deps.index.all();

    expect(all.map((e) => [e.repo, e.components.map((c) => c.name)])).toEqual([
      ['acme-bank/exchange-rates', ['exchange-rates']],
      ['acme-bank/interest-rates', ['interest-rates']],
      ['acme-bank/investment-banking-backend', ['investment-banking-backend']],
      ['acme-bank/lending-backend', ['credit-scoring', 'loans-api']],
    ]);
  });

  it('forgets removed repositories', async () => {
    await deps.index.put({ repo: 'acme-bank/gone', sha: SHA_A, components: [], invalidRoots: ['x'], indexedAt: '' });

    await handleJob(deps, { kind: 'forget-repos', repos: ['acme-bank/gone'], ...meta }, ctx);

    expect(await deps.index.get('acme-bank/gone')).toBeUndefined();
  });
});

describe('plan-pr', () => {
  it('plans the changed components, records the run and hands the report to its own job', async () => {
    enqueued.length = 0;

    await handleJob(deps, { kind: 'plan-pr', repo: 'acme-bank/lending-backend', prNumber: 7, headSha: SHA_B, baseSha: SHA_A, all: false, ...meta }, ctx);

    const run = await deps.runs.get(`pr-acme-bank~lending-backend-7-${SHA_B.slice(0, 12)}`);
    expect(run).toMatchObject({ state: 'succeeded', repo: 'acme-bank/lending-backend', prNumber: 7 });
    expect(run!.comment).toMatch(/^<!-- pave:plan -->\n### pave plan · acme-bank\/lending-backend #7 @ bbbbbbb/);
    expect(run!.comment).toContain('| `loans-api` (lending) |');
    expect(run!.description.length).toBeLessThanOrEqual(140);
    expect(enqueued).toEqual([{ kind: 'report', runId: run!.id, phase: 'finished' }]);
    expect(reporters.recent.filter((x) => x.type === 'status').at(-1)!.text).toBe('pave/plan pending: pave is planning this change…');
  });

  it('posts the final status and the sticky comment from the report job, once', async () => {
    const runId = `pr-acme-bank~lending-backend-7-${SHA_B.slice(0, 12)}`;
    reporters.recent.length = 0;

    await handleJob(deps, { kind: 'report', runId, phase: 'finished' }, ctx);
    await handleJob(deps, { kind: 'report', runId, phase: 'started' }, ctx); // late: must not go back to pending

    expect(reporters.recent.map((x) => x.type)).toEqual(['comment', 'status']);
    expect(reporters.recent[1]!.text).toMatch(/^pave\/plan success: /);
  });
});

describe('plan-platform-pr', () => {
  it('lists the components and environments a platform change touches, and what it breaks', async () => {
    await handleJob(deps, { kind: 'plan-platform-pr', repo: PLATFORM, prNumber: 3, headSha: SHA_B, baseSha: SHA_A, ...meta }, ctx);

    const run = await deps.runs.get(`platform-pr-acme-bank~platform-3-${SHA_B.slice(0, 12)}`);
    expect(run!.state).toBe('failed');
    expect(run!.comment).toMatch(/^<!-- pave:platform-plan -->/);
    // Components with 2 production replicas now violate the policy; those with 3 are untouched.
    expect(run!.comment).toContain('This change touches **3 components** in **1 environment**');
    expect(run!.comment).toMatch(/⛔ 3 would violate policy `production-replicas`/);
    expect(run!.comment).not.toContain('`loans-api`');
    expect(run!.description).toBe('Touches 3 components in 1 env · 3 would break');
  });
});

describe('command', () => {
  const command = (text: string, extra: Partial<JobRequest & { kind: 'command' }> = {}): JobRequest =>
    ({ kind: 'command', repo: 'acme-bank/lending-backend', issueNumber: 7, isPullRequest: true, commentId: 99, author: 'dev', command: text, ...meta, ...extra });

  it('acknowledges and answers /pave help', async () => {
    reporters.recent.length = 0;

    await handleJob(deps, command('help'), ctx);

    expect(reporters.recent.map((x) => x.type)).toEqual(['reaction', 'reply']);
    expect(reporters.recent[1]!.text).toContain('`/pave plan`');
  });

  it('answers an unknown command with help', async () => {
    reporters.recent.length = 0;

    await handleJob(deps, command('deploy everything `now`'), ctx);

    expect(reporters.recent.find((x) => x.type === 'reply')!.text).toContain("I don't know `/pave deploy`");
    expect(reporters.recent.filter((x) => x.type === 'reaction').map((x) => x.text)).toEqual(['eyes', 'confused']);
  });

  it('refuses /pave plan politely to someone without access', async () => {
    reporters.recent.length = 0;
    const outsider = { ...deps, repositories: () => ({ reader: deps.repositories().reader, statuses: reporters, comments: reporters,
      directory: { permission: async () => 'read' as const, isTeamMember: async () => false } }) };

    await handleJob(outsider, command('plan'), ctx);

    expect(reporters.recent.find((x) => x.type === 'reply')!.text).toBe(
      'Sorry @dev, `/pave plan` is for people with write access to acme-bank/lending-backend and @acme-bank/lending. (Permissions come from the platform repository\'s default branch.)');
  });

  it('re-plans every component on /pave plan by someone allowed', async () => {
    enqueued.length = 0;
    const withPulls = { ...deps, repositories: () => ({ ...deps.repositories(),
      reader: { ...deps.repositories().reader, pullRequest: async (_r: string, n: number) => ({ number: n, headSha: SHA_B, baseSha: SHA_A, state: 'open' as const, merged: false, fromFork: false }) } }) };

    await handleJob(withPulls, command('plan'), ctx);

    expect(enqueued).toEqual([expect.objectContaining({ kind: 'plan-pr', repo: 'acme-bank/lending-backend', prNumber: 7, headSha: SHA_B, all: true })]);
  });

  it('fails for good when the pull request cannot be found', async () => {
    await expect(handleJob(deps, command('plan'), ctx)).rejects.toBeInstanceOf(NotFoundError);
  });
});
