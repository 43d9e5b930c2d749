/**
 * Crash safety: the worker runs as a child process and is SIGKILLed at a random moment, then
 * restarted, again and again:
 *
 * - during merges: the apply to development and the promotion job that auto-promotes the same
 *   release to staging. Every one converges — one database and one owner per environment, one
 *   state commit per merged sha and environment, one deployment per release in the ledger, one
 *   success status per sha and environment, one deploy comment per pull request;
 * - during plans of pull requests: one plan comment per pull request, one success `pave/plan`
 *   status per head.
 *
 * No generated secret may appear in plaintext in any log, comment, Redis value or git object (here,
 * and in the suite-wide leak check). `PAVE_CRASH_RUNS` (default 10) sets the number of merges and
 * of plans.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSecretCipher } from '../../src/adapters/secrets/index.js';
import { loadConfig } from '../../src/config/env.js';
import type { EncryptedSecret } from '../../src/domain/apply.js';
import type { PromotionLedger } from '../../src/domain/promotion.js';
import { createLogger } from '../../src/main/logger.js';
import { startService, type Service } from '../../src/main/service.js';
import { startGitHubDouble, type GitHubDouble } from '../github-double/index.js';
import { installationEvent, pullRequestEventFromDouble, pushEventFromDouble, webhookRequest } from '../fixtures/github/index.js';
import { dumpGitObjects, dumpRedis, recordSeen, recordStateRepositorySecrets } from '../helpers/leak-registry.js';
import { deleteKeys } from '../helpers/redis-server.js';
import { REDIS_URL, testRedis } from '../helpers/redis.js';
import { ADMIN_ENV, INSTALLATION, LOCAL_ENVIRONMENTS_ENV, localEnvironmentFiles, ORG, PLATFORM, REPOS, SECRET, seedOrganization, serviceEnv, waitFor, makeSealingCertificate } from './harness.js';

const RUNS = Number(process.env.PAVE_CRASH_RUNS ?? 10);
const ENVIRONMENTS = ['development', 'staging'] as const;
const REPO = `${ORG}/investment-banking-backend`;
const suffix = randomBytes(3).toString('hex');
const COMPONENT = `crash-${suffix}`;
const masterKey = randomBytes(32);
const prefixes = { PAVE_KEY_PREFIX: `pave-crash-${suffix}:`, PAVE_QUEUE_PREFIX: `bull-crash-${suffix}` };

let github: GitHubDouble;
let tmp: string;
let web: Service;
let worker: ChildProcess | undefined;
const createdRoles: string[] = [];
const logs: string[] = [];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...serviceEnv(github, tmp, { ...prefixes, ...extra }), ...ADMIN_ENV, ...LOCAL_ENVIRONMENTS_ENV,
    PAVE_MARKET_DATA_SANDBOX_KEY: `md-sandbox-${suffix}`, PAVE_MARKET_DATA_PROD_KEY: `md-prod-${suffix}`,
    PAVE_SECRET_KEY: masterKey.toString('base64'), PAVE_JOB_LOCK_MS: '2000',
  };
}

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/start.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env({ PAVE_ROLE: 'worker', PORT: '0' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => logs.push(String(d)));
  child.stderr!.on('data', (d) => logs.push(String(d)));
  return child;
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

async function deliver(event: string, payload: object): Promise<number> {
  const req = await webhookRequest(event, payload, SECRET);
  return (await fetch(`${web.url}/webhooks/github`, { method: 'POST', headers: req.headers, body: req.body })).status;
}

function git(args: string[], encoding: BufferEncoding = 'utf8'): string {
  return execFileSync('git', ['--git-dir', join(tmp, 'state.git'), ...args], { encoding, maxBuffer: 256 * 1024 * 1024 });
}

beforeAll(async () => {
  github = await startGitHubDouble();
  seedOrganization(github);
  tmp = await mkdtemp(join(tmpdir(), 'pave-crash-'));
  // Staging's database servers are the local ones too, so that auto-promotion deploys there.
  github.state.commit(PLATFORM, { files: { ...localEnvironmentFiles(), 'certificates/development.pem': makeSealingCertificate(tmp) } });
  const sink = new Writable({ write(chunk, _e, done) { logs.push(String(chunk)); done(); } });
  web = await startService(loadConfig(env({ PAVE_ROLE: 'web' }), { readFile: (p) => readFileSync(p, 'utf8'), randomSecret: () => 'unused' }), { logger: createLogger('info', sink), env: { ...ADMIN_ENV } });
  worker = startWorker();
  expect(await deliver('installation', installationEvent('created', { installationId: INSTALLATION, account: ORG, repositories: [PLATFORM, ...REPOS] }))).toBe(202);
  await waitFor(() => logs.join('').split('"msg":"repository indexed"').length > REPOS.length, 'the index', 60_000);
}, 120_000);

afterAll(async () => {
  await kill(worker);
  await web?.close();
  // For the suite-wide leak check, before everything is cleaned away.
  if (tmp) {
    recordStateRepositorySecrets(join(tmp, 'state.git'), masterKey, 'crash test');
    dumpGitObjects(join(tmp, 'state.git'), 'crash');
  }
  recordSeen('crash-logs', logs.join(''));
  await dumpRedis(REDIS_URL, [prefixes.PAVE_KEY_PREFIX, `${prefixes.PAVE_QUEUE_PREFIX}:`], 'crash');
  await github?.close();
  await deleteKeys(REDIS_URL, prefixes.PAVE_KEY_PREFIX);
  await deleteKeys(REDIS_URL, `${prefixes.PAVE_QUEUE_PREFIX}:`);
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await client.connect();
  const dbs = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`%${suffix}%`]);
  for (const r of dbs.rows as { datname: string }[]) await client.query(`DROP DATABASE IF EXISTS "${r.datname}"`);
  const roles = await client.query(`SELECT rolname FROM pg_roles WHERE rolname LIKE $1 OR rolname = ANY($2)`, [`%${suffix}%`, createdRoles]);
  for (const r of roles.rows as { rolname: string }[]) await client.query(`DROP ROLE IF EXISTS "${r.rolname}"`);
  await client.end();
  await rm(tmp, { recursive: true, force: true });
});

it(`converges after the worker is SIGKILLed at random points of ${RUNS} applies and auto-promotions`, async () => {
  const file = '.choreo/component.yaml';
  const original = readFileSync(`examples/investment-banking-backend/${file}`, 'utf8').replace(/^component:\n  name: [^\n]+/m, `component:\n  name: ${COMPONENT}`);
  const merged: { sha: string; pr: number }[] = [];

  for (let i = 1; i <= RUNS; i++) {
    const content = `${original}\n# merge ${i}\n`;
    github.state.commit(REPO, { branch: `change-${i}`, files: { [file]: content } });
    const pr = github.state.createPullRequest(REPO, { head: `change-${i}`, author: 'dev' });
    const before = github.state.repo(REPO).refs.get('heads/main')!;
    github.state.commit(REPO, { files: { [file]: content }, message: `Merge pull request #${pr.number} from acme-bank/change-${i}` });
    const sha = github.state.repo(REPO).refs.get('heads/main')!;
    merged.push({ sha, pr: pr.number });

    expect(await deliver('push', pushEventFromDouble(github.state, REPO, 'main', before))).toBe(202);
    // Anywhere in the apply to development or the promotion to staging that follows it.
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 2_500)));
    await kill(worker);
    worker = startWorker();
    for (const env of ENVIRONMENTS) {
      await waitFor(() => github.state.repo(REPO).statuses.some((s) => s.sha === sha && s.context === `pave/deploy/${env}` && s.state === 'success'), `merge ${i} to converge in ${env}`, 90_000);
    }
  }

  // One database and one owner per environment, whatever the crashes (owner names are cut to 32 characters with a hash).
  const desired = Object.fromEntries(ENVIRONMENTS.map((env) => [env,
    (JSON.parse(git(['show', `main:environments/${env}/investment-banking/${COMPONENT}/desired.json`])) as { databases: { name: string; database: string; user: string }[] }).databases
      .find((d) => d.name === 'portfolio-db')!]));
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await client.connect();
  const dbs = (await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname`, [`%${suffix}%`])).rows;
  const users = ENVIRONMENTS.map((env) => desired[env]!.user);
  const roles = (await client.query(`SELECT rolname FROM pg_roles WHERE rolname = ANY($1) OR rolname LIKE $2 ORDER BY rolname`, [users, `%${suffix}%`])).rows;
  await client.end();
  expect(dbs).toEqual(ENVIRONMENTS.map((env) => ({ datname: desired[env]!.database })).sort((a, b) => a.datname.localeCompare(b.datname)));
  expect(roles).toEqual([...users].sort().map((rolname) => ({ rolname })));
  createdRoles.push(...users);

  // Per merged sha and environment: one state commit, one success status; per release, one
  // deployment in each environment's ledger; per pull request, one deploy comment.
  const log = git(['log', '--format=%s', 'main']).split('\n');
  const ledger = JSON.parse(git(['show', `main:promotion/investment-banking/${COMPONENT}.json`])) as PromotionLedger;
  for (const { sha, pr } of merged) {
    const release = ledger.releases.filter((r) => r.sourceSha === sha);
    expect(release, `one release of ${sha}`).toHaveLength(1);
    for (const env of ENVIRONMENTS) {
      expect(log.filter((line) => line.includes(` to ${env} at ${sha.slice(0, 7)}`)), `${env} commits of ${sha}`).toHaveLength(1);
      expect(github.state.repo(REPO).statuses.filter((s) => s.sha === sha && s.context === `pave/deploy/${env}` && s.state === 'success'), `${env} statuses of ${sha}`).toHaveLength(1);
      expect((ledger.deployments[env] ?? []).filter((d) => d.releaseId === release[0]!.id), `${env} deployments of ${sha}`).toHaveLength(1);
    }
    expect(github.state.repo(REPO).comments.filter((c) => c.issueNumber === pr && c.body.includes('<!-- pave:deploy -->'))).toHaveLength(1);
  }

  // Each owner logs in with the password in the state repository.
  const cipher = createSecretCipher(masterKey);
  const plaintexts: string[] = [];
  for (const env of ENVIRONMENTS) {
    const secrets = JSON.parse(git(['show', `main:secrets/${env}/investment-banking/${COMPONENT}.json`])) as Record<string, EncryptedSecret>;
    const ref = Object.keys(secrets).find((r) => r.endsWith('/portfolio-db'))!;
    plaintexts.push(...Object.entries(secrets).map(([r, record]) => cipher.decrypt(record, r)));
    const owner = new pg.Client({ host: '127.0.0.1', port: 5432, user: desired[env]!.user, password: cipher.decrypt(secrets[ref]!, ref), database: desired[env]!.database });
    await owner.connect();
    await owner.end();
  }

  // No plaintext secret anywhere pave writes.
  const objects = git(['cat-file', '--batch-all-objects', '--batch'], 'latin1');
  const comments = github.state.repo(REPO).comments.map((c) => c.body).join('\n');
  const { redis, cleanup } = testRedis();
  const keys = [...(await redis.keys(`${prefixes.PAVE_KEY_PREFIX}*`)), ...(await redis.keys(`${prefixes.PAVE_QUEUE_PREFIX}:*`))];
  const values = await Promise.all(keys.map(async (k) => {
    const type = await redis.type(k);
    if (type === 'string') return redis.get(k);
    if (type === 'hash') return JSON.stringify(await redis.hgetall(k));
    if (type === 'list') return JSON.stringify(await redis.lrange(k, 0, -1));
    return '';
  }));
  await cleanup();
  const allLogs = logs.join('');
  for (const secret of plaintexts) {
    expect(allLogs).not.toContain(secret);
    expect(comments).not.toContain(secret);
    expect(objects).not.toContain(secret);
    expect(values.join('\n')).not.toContain(secret);
  }
}, 30 * 60_000);


it(`plans every pull request once after the worker is SIGKILLed at random points of ${RUNS} plans`, async () => {
  const file = '.choreo/component.yaml';
  const original = readFileSync(`examples/investment-banking-backend/${file}`, 'utf8').replace(/^component:\n  name: [^\n]+/m, `component:\n  name: ${COMPONENT}`);
  const prs: { number: number; headSha: string }[] = [];

  for (let i = 1; i <= RUNS; i++) {
    github.state.commit(REPO, { branch: `plan-${i}`, files: { [file]: original.replace('replicas: 1\n', `replicas: ${1 + (i % 3)}\n`) + `\n# plan ${i}\n` } });
    const pr = github.state.createPullRequest(REPO, { head: `plan-${i}`, author: 'dev' });
    prs.push(pr);

    expect(await deliver('pull_request', pullRequestEventFromDouble(github.state, REPO, pr.number, 'opened'))).toBe(202);
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 1_000)));
    await kill(worker);
    worker = startWorker();
    await waitFor(() => github.state.repo(REPO).statuses.some((s) => s.sha === pr.headSha && s.context === 'pave/plan' && s.state === 'success'), `plan ${i} to finish`, 60_000);
  }

  // Reports come after the status; give the last one a moment.
  await waitFor(() => prs.every((pr) => github.state.repo(REPO).comments.some((c) => c.issueNumber === pr.number && c.body.includes('<!-- pave:plan -->'))), 'every plan comment', 30_000);
  for (const pr of prs) {
    const comments = github.state.repo(REPO).comments.filter((c) => c.issueNumber === pr.number && c.body.includes('<!-- pave:plan -->'));
    expect(comments, `plan comments of #${pr.number}`).toHaveLength(1);
    expect(comments[0]!.body).toContain(pr.headSha.slice(0, 7));
    expect(github.state.repo(REPO).statuses.filter((s) => s.sha === pr.headSha && s.context === 'pave/plan' && s.state === 'success'), `plan statuses of #${pr.number}`).toHaveLength(1);
  }
}, 30 * 60_000);
