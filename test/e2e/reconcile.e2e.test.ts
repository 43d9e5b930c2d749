/**
 * A merge to the platform repository reconciles every component it touches, end to end: the
 * investment-banking component runs in development and staging with a `postgresql/medium`
 * database; a platform PR raises that plan's connection limit; its merge fans out (a BullMQ flow)
 * and re-deploys the component in both environments with the new platform — the real roles'
 * connection limits change on the local PostgreSQL — and the platform merge commit gets
 * `pave/reconcile` "1/1 reconciled" while the platform PR's comment shows the result. A platform
 * merge that touches nothing deployed says so. Redelivering the push adds no commit.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pushEventFromDouble } from '../fixtures/github/index.js';
import { INSTALLATION, installEverything, LOCAL_ENVIRONMENTS_ENV, localEnvironmentFiles, PLATFORM, startHarness, waitFor, dropPostgresDatabasesLike, type Harness } from './harness.js';

const REPO = 'acme-bank/investment-banking-backend';
const FILE = '.choreo/component.yaml';
const suffix = randomBytes(3).toString('hex');
const COMPONENT = `portfolio-${suffix}`;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    platformFiles: localEnvironmentFiles(),
    env: { ...LOCAL_ENVIRONMENTS_ENV, PAVE_MARKET_DATA_SANDBOX_KEY: `md-sandbox-${suffix}`, PAVE_MARKET_DATA_PROD_KEY: `md-prod-${suffix}` },
    masterKey: randomBytes(32),
  });
  await installEverything(h);
}, 90_000);

afterAll(async () => {
  await h?.close();
  await dropPostgresDatabasesLike(suffix);
});

function git(args: string[]): string {
  return execFileSync('git', ['--git-dir', join(h.tmp, 'state.git'), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}
const lastStatus = (repo: string, sha: string, context: string) => h.github.state.repo(repo).statuses.filter((s) => s.sha === sha && s.context === context).at(-1);

async function connectionLimits(): Promise<number[]> {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    const r = await client.query(`SELECT r.rolconnlimit FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname LIKE $1 ORDER BY d.datname`, [`%${suffix}%`]);
    return (r.rows as { rolconnlimit: number }[]).map((x) => x.rolconnlimit);
  } finally {
    await client.end();
  }
}

/** Merge a platform change through a pull request; returns the merge sha and the PR number. */
async function mergePlatform(files: Record<string, string>, branch: string): Promise<{ sha: string; pr: number; push: object }> {
  const before = h.github.state.repo(PLATFORM).refs.get('heads/main')!;
  h.github.state.commit(PLATFORM, { branch, files });
  const pr = h.github.state.createPullRequest(PLATFORM, { head: branch, author: 'platform-dev' });
  h.github.state.commit(PLATFORM, { files, message: `Merge pull request #${pr.number} from acme-bank/${branch}\n\n${branch}` });
  const sha = h.github.state.repo(PLATFORM).refs.get('heads/main')!;
  const push = pushEventFromDouble(h.github.state, PLATFORM, 'main', before, { pusher: 'platform-lead' });
  expect((await h.deliver('push', push)).status).toBe(202);
  return { sha, pr: pr.number, push };
}

it('re-deploys every deployed component a platform merge touches, and reports progress on the platform PR', async () => {
  // The component runs in development and (auto-promoted) staging.
  const original = readFileSync(`examples/investment-banking-backend/${FILE}`, 'utf8');
  const body = original.replace(/^component:\n  name: [^\n]+/m, `component:\n  name: ${COMPONENT}`);
  const before = h.github.state.repo(REPO).refs.get('heads/main')!;
  h.github.state.commit(REPO, { files: { [FILE]: body }, message: 'rename for the test' });
  const sha = h.github.state.repo(REPO).refs.get('heads/main')!;
  expect((await h.deliver('push', pushEventFromDouble(h.github.state, REPO, 'main', before, { pusher: 'dev' }))).status).toBe(202);
  await waitFor(() => lastStatus(REPO, sha, 'pave/deploy/staging')?.state === 'success', 'staging deployed', 60_000);
  expect(await connectionLimits()).toEqual([100, 100]);
  const commitsBefore = Number(git(['rev-list', '--count', 'main']));

  // The platform team raises postgresql/medium's connection limit.
  const plans = readFileSync('platform-repo-example/databases/postgresql.yaml', 'utf8').replace('connectionLimit: 100', 'connectionLimit: 150');
  const merged = await mergePlatform({ 'databases/postgresql.yaml': plans }, 'bigger-medium');

  await waitFor(() => lastStatus(PLATFORM, merged.sha, 'pave/reconcile')?.state === 'success', 'the reconcile status', 60_000);
  expect(lastStatus(PLATFORM, merged.sha, 'pave/reconcile')!.description).toBe('1/1 reconciled');
  expect(await connectionLimits()).toEqual([150, 150]);
  for (const env of ['development', 'staging']) {
    const desired = JSON.parse(git(['show', `main:environments/${env}/investment-banking/${COMPONENT}/desired.json`])) as { databases: { connectionLimit: number }[] };
    expect(desired.databases[0]!.connectionLimit).toBe(150);
  }
  const log = git(['log', '--format=%s', `-${Number(git(['rev-list', '--count', 'main'])) - commitsBefore}`, 'main']);
  expect(log).toMatch(/reconcile investment-banking\/.* to development/);
  expect(log).toMatch(/reconcile investment-banking\/.* to staging/);
  await waitFor(() => h.github.state.repo(PLATFORM).comments.some((c) => c.issueNumber === merged.pr && c.body.includes('<!-- pave:reconcile -->') && c.body.includes('1/1 reconciled')), 'the reconcile comment');
  const comment = h.github.state.repo(PLATFORM).comments.filter((c) => c.issueNumber === merged.pr && c.body.includes('<!-- pave:reconcile -->'));
  expect(comment).toHaveLength(1);
  expect(comment[0]!.body).toContain(`\`${REPO}\``);

  // The same push again (a redelivery) changes nothing.
  const head = git(['rev-parse', 'main']);
  // (The ingress may already answer 200 for a body it has seen; either way nothing may run twice.)
  expect([200, 202]).toContain((await h.deliver('push', merged.push)).status);
  await new Promise((r) => setTimeout(r, 1_500));
  expect(git(['rev-parse', 'main'])).toBe(head);
}, 120_000);

it('says so when a platform merge touches nothing that is deployed', async () => {
  const plans = readFileSync('platform-repo-example/databases/mysql.yaml', 'utf8').replace(/connectionLimit: (\d+)/, (_m, n: string) => `connectionLimit: ${Number(n) + 1}`);
  const merged = await mergePlatform({ 'databases/mysql.yaml': plans }, 'mysql-tweak');
  await waitFor(() => lastStatus(PLATFORM, merged.sha, 'pave/reconcile')?.state === 'success', 'the reconcile status', 60_000);
  expect(lastStatus(PLATFORM, merged.sha, 'pave/reconcile')!.description).toMatch(/none deployed in a touched environment: nothing to reconcile/);
}, 90_000);

it('made only requests GitHub\'s OpenAPI description allows', () => {
  expect(h.github.violations).toEqual([]);
  expect(INSTALLATION).toBeGreaterThan(0);
});
