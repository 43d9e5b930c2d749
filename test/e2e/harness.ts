/**
 * End-to-end harness: the GitHub double seeded with the example organization (platform repository
 * and the four component repositories, installation 7), real Redis under a unique prefix, and the
 * pave service (in process, or as separate web and worker processes) pointed at both.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { loadConfig, type AppConfig } from '../../src/config/env.js';
import type { Clock } from '../../src/domain/ports.js';
import { createLogger } from '../../src/main/logger.js';
import { startService, type Service } from '../../src/main/service.js';
import { filesFromDirectory, startGitHubDouble, type GitHubDouble } from '../github-double/index.js';
import { installationEvent, webhookRequest } from '../fixtures/github/index.js';
import { deleteKeys } from '../helpers/redis-server.js';
import { dumpGitObjects, dumpRedis, recordSecrets, recordSeen, recordStateRepositorySecrets } from '../helpers/leak-registry.js';
import { REDIS_URL, testRedis } from '../helpers/redis.js';

export const ORG = 'acme-bank';
export const INSTALLATION = 7;
export const PLATFORM = `${ORG}/platform`;
export const SECRET = 'e2e-webhook-secret-' + 'x'.repeat(16);
export const REPOS = readdirSync('examples').map((name) => `${ORG}/${name}`).sort();

export interface Harness {
  readonly github: GitHubDouble;
  readonly config: AppConfig;
  readonly logs: () => string;
  service?: Service;
  readonly prefix: string;
  readonly bullPrefix: string;
  readonly tmp: string;
  /** POST a signed delivery to the web process. */
  deliver(event: string, payload: object, options?: { deliveryId?: string; secret?: string }): Promise<Response>;
  close(): Promise<void>;
}

export function seedOrganization(github: GitHubDouble): void {
  github.state.addInstallation(INSTALLATION, ORG);
  github.state.createRepo(PLATFORM, { installationId: INSTALLATION, files: filesFromDirectory('platform-repo-example') });
  for (const repo of REPOS) {
    github.state.createRepo(repo, { installationId: INSTALLATION, files: filesFromDirectory(join('examples', repo.split('/')[1]!)) });
  }
}

export function serviceEnv(github: GitHubDouble, tmp: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITHUB_APP_ID: String(github.app.id),
    GITHUB_PRIVATE_KEY: github.app.privateKey,
    GITHUB_API_URL: github.url,
    WEBHOOK_SECRET: SECRET,
    PLATFORM_REPO: PLATFORM,
    REDIS_URL,
    PORT: '0',
    PUBLIC_URL: 'http://pave.test',
    STATE_REPO: join(tmp, 'state.git'),
    LOG_LEVEL: 'info',
    PAVE_CONCURRENCY: '4',
    // Builds need a registry and git over HTTP: the build tests turn them on.
    PAVE_BUILDS: 'off',
    // No scheduled resync or sweep in the middle of a test; tests that want one run the job themselves.
    PAVE_RESYNC_INTERVAL: '0',
    PAVE_SWEEP_INTERVAL: '0',
    ...extra,
  };
}

/** Database admin credentials of the local servers, as the example platform's environments reference them. */
export const ADMIN_ENV = {
  PAVE_PG_ADMIN_USER: 'postgres', PAVE_PG_ADMIN_PASSWORD: '',
  PAVE_MYSQL_ADMIN_USER: 'root', PAVE_MYSQL_ADMIN_PASSWORD: '',
  PAVE_REDIS_ADMIN_USER: 'default', PAVE_REDIS_ADMIN_PASSWORD: '',
};

/**
 * Platform files that put staging's and production's database servers on the local servers too
 * (their own database names), with admin credentials from {@link LOCAL_ENVIRONMENTS_ENV}: for
 * tests that promote or reconcile beyond development.
 */
export function localEnvironmentFiles(): Record<string, string> {
  const read = (p: string) => readFileSync(`platform-repo-example/${p}`, 'utf8');
  const local = (yaml: string, prefix: string) => yaml
    .replace(/host: [a-z.-]+\.internal/g, 'host: 127.0.0.1')
    .replace(/\{ file: \/run\/secrets\/pave\/production\/(pg|mysql|redis)-admin-(user|password) \}/g, (_m, engine: string, what: string) => `{ env: ${prefix}_${engine.toUpperCase()}_ADMIN_${what.toUpperCase()} }`);
  return {
    'environments/staging.yaml': local(read('environments/staging.yaml'), 'PAVE_STAGING'),
    'environments/production.yaml': local(read('environments/production.yaml'), 'PAVE_PROD'),
    'catalog/market-data.yaml': read('catalog/market-data.yaml').replace('{ file: /run/secrets/pave/production/market-data-api-key }', '{ env: PAVE_MARKET_DATA_PROD_KEY }'),
  };
}

export const LOCAL_ENVIRONMENTS_ENV: Record<string, string> = Object.fromEntries(['STAGING', 'PROD'].flatMap((e) => [
  [`PAVE_${e}_PG_ADMIN_USER`, 'postgres'], [`PAVE_${e}_PG_ADMIN_PASSWORD`, ''],
  [`PAVE_${e}_MYSQL_ADMIN_USER`, 'root'], [`PAVE_${e}_MYSQL_ADMIN_PASSWORD`, ''],
  [`PAVE_${e}_REDIS_ADMIN_USER`, 'default'], [`PAVE_${e}_REDIS_ADMIN_PASSWORD`, ''],
]));

/**
 * Make a sealing key pair for the cluster of `environment` (in `dir`) and return the certificate's PEM; the
 * tests keep the private key (`<dir>/seal.key`) to prove what was sealed.
 */
export function makeSealingCertificate(dir: string): string {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'seal.key'), '-out', join(dir, 'seal.pem'), '-days', '1', '-subj', '/CN=sealed-secret/O=sealed-secret'], { stdio: 'ignore' });
  return readFileSync(join(dir, 'seal.pem'), 'utf8');
}

/** Give development's cluster a sealing certificate (key in `<h.tmp>/seal.key`) on the platform's default branch. */
export function installSealingCertificate(h: Harness): void {
  h.github.state.commit(PLATFORM, { files: { 'certificates/development.pem': makeSealingCertificate(h.tmp) } });
}

/**
 * A harness that applies merges: a master key, the market-data catalog key (`md-key-<suffix>`), a
 * sealing certificate for development, and every example repository installed and indexed.
 */
export async function startApplyHarness(suffix: string, masterKey: Uint8Array = randomBytes(32)): Promise<Harness> {
  const h = await startHarness({ masterKey, env: { PAVE_MARKET_DATA_SANDBOX_KEY: `md-key-${suffix}` } });
  installSealingCertificate(h);
  await installEverything(h);
  return h;
}

/** Drop the PostgreSQL databases whose names contain `fragment`, and their owners (test cleanup). */
export async function dropPostgresDatabasesLike(fragment: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    const dbs = await client.query(`SELECT d.datname, r.rolname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname LIKE $1`, [`%${fragment}%`]);
    for (const row of dbs.rows as { datname: string; rolname: string }[]) {
      await client.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
      if (row.rolname !== 'postgres') await client.query(`DROP ROLE IF EXISTS "${row.rolname}"`).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

export interface HarnessOptions {
  readonly inProcess?: boolean;
  readonly env?: Record<string, string>;
  readonly masterKey?: Uint8Array;
  readonly clock?: Clock;
  readonly platformFiles?: Record<string, string>;
  /** Runs once the double is seeded, before the service starts; the variables it returns are added to the service's. */
  readonly beforeStart?: (github: GitHubDouble, tmp: string) => Promise<Record<string, string>>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const github = await startGitHubDouble();
  seedOrganization(github);
  if (options.platformFiles) github.state.commit(PLATFORM, { files: options.platformFiles, message: 'test platform' });
  const tmp = await mkdtemp(join(tmpdir(), 'pave-e2e-'));
  const { prefix, cleanup } = testRedis();
  const bullPrefix = `bull-e2e-${randomBytes(4).toString('hex')}`;
  const extraEnv = { ...options.env, ...(options.beforeStart ? await options.beforeStart(github, tmp) : {}) };
  const config = loadConfig(serviceEnv(github, tmp, extraEnv), { readFile: (p) => readFileSync(p, 'utf8'), randomSecret: () => 'unused' });
  const chunks: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { chunks.push(String(chunk)); done(); } });
  const harness: Harness = {
    github, config, prefix, bullPrefix, tmp,
    logs: () => chunks.join(''),
    async deliver(event, payload, o = {}) {
      const req = await webhookRequest(event, payload, o.secret ?? SECRET, o.deliveryId);
      if (!harness.service?.url) throw new Error('no web process');
      return fetch(`${harness.service.url}/webhooks/github`, { method: 'POST', headers: req.headers, body: req.body });
    },
    async close() {
      await harness.service?.close();
      // The suite-wide leak check (test/global-leaks.ts): what this harness saw, before it is cleaned away.
      const label = `e2e harness ${bullPrefix}`;
      recordSecrets([{ label: `${label}: webhook secret`, value: SECRET }, ...Object.entries(options.env ?? {}).filter(([k]) => /KEY|PASSWORD|TOKEN|SECRET/.test(k)).map(([k, value]) => ({ label: `${label}: ${k}`, value }))]);
      if (options.masterKey) recordStateRepositorySecrets(config.stateRepo, options.masterKey, label);
      recordSeen(`logs-${bullPrefix}`, chunks.join(''));
      dumpGitObjects(config.stateRepo, bullPrefix);
      await dumpRedis(config.redisUrl, [prefix, `${bullPrefix}:`], bullPrefix);
      await github.close();
      await cleanup();
      await cleanBull(bullPrefix, config.redisUrl);
      await rm(tmp, { recursive: true, force: true });
    },
  };
  if (options.inProcess !== false) {
    harness.service = await startService(config, {
      logger: createLogger('info', sink), keyPrefix: prefix, bullPrefix, graceMs: 2_000,
      env: { ...ADMIN_ENV, ...extraEnv }, ...(options.masterKey ? { masterKey: options.masterKey } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }
  return harness;
}

/** Deliver `installation.created` for every repository and wait until the index has them. */
export async function installEverything(h: Harness, extraRepos: readonly string[] = []): Promise<void> {
  const repos = [...REPOS, ...extraRepos];
  const res = await h.deliver('installation', installationEvent('created', { installationId: INSTALLATION, account: ORG, repositories: [PLATFORM, ...repos] }));
  if (res.status !== 202) throw new Error(`installation delivery answered ${res.status}`);
  await waitFor(() => h.github.count('GET /repos/{owner}/{repo}/git/trees/{tree_sha}') >= repos.length + 1 && indexed(h) >= repos.length, 'the index to fill');
}

let indexedCount = 0;
function indexed(h: Harness): number {
  indexedCount = (h.logs().match(/"msg":"repository indexed"/g) ?? []).length;
  return indexedCount;
}

/** Poll until `check` holds (or fail after `ms`, naming what was awaited). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function cleanBull(prefix: string, url: string): Promise<void> {
  // A private Redis (outage test) may be gone already: nothing to clean there then.
  await deleteKeys(url, `${prefix}:`).catch(() => 0);
}
