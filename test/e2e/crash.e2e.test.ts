/**
 * Crash safety: the worker runs as a child process and is SIGKILLed at a random moment of an
 * apply, then restarted, again and again. Every apply must converge — one database and one owner,
 * one state commit per merged sha, one comment per pull request — and no generated secret may
 * appear in plaintext in any log, comment, Redis value or git object.
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
import { createLogger } from '../../src/main/logger.js';
import { startService, type Service } from '../../src/main/service.js';
import { startGitHubDouble, type GitHubDouble } from '../github-double/index.js';
import { installationEvent, pushEventFromDouble, webhookRequest } from '../fixtures/github/index.js';
import { deleteKeys } from '../helpers/redis-server.js';
import { REDIS_URL, testRedis } from '../helpers/redis.js';
import { ADMIN_ENV, INSTALLATION, ORG, PLATFORM, REPOS, SECRET, seedOrganization, serviceEnv, waitFor } from './harness.js';

const RUNS = Number(process.env.PAVE_CRASH_RUNS ?? 20);
const REPO = `${ORG}/investment-banking-backend`;
const suffix = randomBytes(3).toString('hex');
const COMPONENT = `crash-${suffix}`;
const masterKey = randomBytes(32);
const prefixes = { PAVE_KEY_PREFIX: `pave-crash-${suffix}:`, PAVE_QUEUE_PREFIX: `bull-crash-${suffix}` };

let github: GitHubDouble;
let tmp: string;
let web: Service;
let worker: ChildProcess | undefined;
let createdRole: string | undefined;
const logs: string[] = [];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { ...serviceEnv(github, tmp, { ...prefixes, ...extra }), ...ADMIN_ENV, PAVE_SECRET_KEY: masterKey.toString('base64'), PAVE_JOB_LOCK_MS: '2000' };
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
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(tmp, 'seal.key'), '-out', join(tmp, 'seal.pem'), '-days', '1', '-subj', '/CN=sealed-secret'], { stdio: 'ignore' });
  github.state.commit(PLATFORM, { files: { 'certificates/development.pem': readFileSync(join(tmp, 'seal.pem'), 'utf8') } });
  const sink = new Writable({ write(chunk, _e, done) { logs.push(String(chunk)); done(); } });
  web = await startService(loadConfig(env({ PAVE_ROLE: 'web' }), { readFile: (p) => readFileSync(p, 'utf8'), randomSecret: () => 'unused' }), { logger: createLogger('info', sink), env: { ...ADMIN_ENV } });
  worker = startWorker();
  expect(await deliver('installation', installationEvent('created', { installationId: INSTALLATION, account: ORG, repositories: [PLATFORM, ...REPOS] }))).toBe(202);
  await waitFor(() => logs.join('').split('"msg":"repository indexed"').length > REPOS.length, 'the index', 60_000);
}, 120_000);

afterAll(async () => {
  await kill(worker);
  await web?.close();
  await github?.close();
  await deleteKeys(REDIS_URL, prefixes.PAVE_KEY_PREFIX);
  await deleteKeys(REDIS_URL, `${prefixes.PAVE_QUEUE_PREFIX}:`);
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await client.connect();
  const dbs = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`%${suffix}%`]);
  for (const r of dbs.rows as { datname: string }[]) await client.query(`DROP DATABASE IF EXISTS "${r.datname}"`);
  const roles = await client.query(`SELECT rolname FROM pg_roles WHERE rolname LIKE $1 OR rolname = $2`, [`%${suffix}%`, createdRole ?? '']);
  for (const r of roles.rows as { rolname: string }[]) await client.query(`DROP ROLE IF EXISTS "${r.rolname}"`);
  await client.end();
  await rm(tmp, { recursive: true, force: true });
});

it(`converges after the worker is SIGKILLed at random points of ${RUNS} applies`, async () => {
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
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 1_200)));
    await kill(worker);
    worker = startWorker();
    await waitFor(() => github.state.repo(REPO).statuses.some((s) => s.sha === sha && s.context === 'pave/deploy/development' && s.state === 'success'), `apply ${i} to converge`, 60_000);
  }

  // One database and one owner, whatever the crashes (owner names are cut to 32 characters with a hash).
  const dir = `environments/development/investment-banking/${COMPONENT}`;
  const desired = JSON.parse(git(['show', `main:${dir}/desired.json`])) as { databases: { database: string; user: string }[] };
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await client.connect();
  const dbs = (await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`%${suffix}%`])).rows;
  const roles = (await client.query(`SELECT rolname FROM pg_roles WHERE rolname = $1 OR rolname LIKE $2`, [desired.databases[0]!.user, `%${suffix}%`])).rows;
  await client.end();
  expect(dbs).toEqual([{ datname: desired.databases[0]!.database }]);
  expect(roles).toEqual([{ rolname: desired.databases[0]!.user }]);
  createdRole = desired.databases[0]!.user;

  // One state commit per merged sha, one deploy comment per pull request.
  const log = git(['log', '--format=%s', 'main']);
  for (const { sha, pr } of merged) {
    expect(log.split('\n').filter((line) => line.includes(`at ${sha.slice(0, 7)}`))).toHaveLength(1);
    expect(github.state.repo(REPO).comments.filter((c) => c.issueNumber === pr && c.body.includes('<!-- pave:deploy -->'))).toHaveLength(1);
  }

  // The owner logs in with the password in the state repository.
  const secrets = JSON.parse(git(['show', `main:secrets/development/investment-banking/${COMPONENT}.json`])) as Record<string, EncryptedSecret>;
  const cipher = createSecretCipher(masterKey);
  const plaintexts = Object.entries(secrets).map(([ref, record]) => cipher.decrypt(record, ref));
  const owner = new pg.Client({ host: '127.0.0.1', port: 5432, user: desired.databases[0]!.user, password: plaintexts[0], database: desired.databases[0]!.database });
  await owner.connect();
  await owner.end();

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

