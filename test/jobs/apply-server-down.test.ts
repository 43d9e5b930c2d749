/**
 * The apply job when development's PostgreSQL does not answer (the platform points it at a closed
 * port), through the job handler with the GitHub double, real Redis and a real state repository:
 * while the queue will retry, `pave/deploy/development` is pending and names the server; on the
 * last attempt it turns to error ("gave up", naming the server), never left pending. Nothing is
 * committed to the state repository either way.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLocalStateRepository } from '../../src/adapters/git/local-state-repository.js';
import { TransientError } from '../../src/domain/errors.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { JobDeps } from '../../src/jobs/context.js';
import { handleJob } from '../../src/jobs/handle-job.js';
import { createApplyPorts } from '../../src/main/apply-ports.js';
import { INSTALLATION, useGitHubHarness } from '../github-double/adapter-harness.js';
import { filesFromDirectory } from '../github-double/index.js';
import { closedPort } from '../providers/local-servers.js';
import { testJobDeps } from '../helpers/job-deps.js';
import { testRedis } from '../helpers/redis.js';

const PLATFORM = 'acme-bank/platform';
const REPO = 'acme-bank/investment-banking-backend';
const r = testRedis();
const h = useGitHubHarness();
let deps: JobDeps;
let tmp: string;
let port: number;
let sha: string;

beforeAll(async () => {
  port = await closedPort();
  const gh = h.github.state;
  gh.createRepo(PLATFORM, { installationId: INSTALLATION, files: {
    ...filesFromDirectory('platform-repo-example'),
    'environments/development.yaml': readFileSync('platform-repo-example/environments/development.yaml', 'utf8').replace('port: 5432', `port: ${port}`),
  } });
  // Without its connection to a component this test does not index.
  const files = filesFromDirectory(join('examples', 'investment-banking-backend'));
  const descriptor = new TextDecoder().decode(files['.choreo/component.yaml']).replace(/^dependencies:\n((  |    ).*\n)*/m, '');
  gh.createRepo(REPO, { installationId: INSTALLATION, files: { ...files, '.choreo/component.yaml': descriptor } });
  sha = gh.commit(REPO, { files: { 'README.md': 'a merge\n' }, message: 'a merge' });
  tmp = await mkdtemp(join(tmpdir(), 'pave-server-down-'));
  deps = testJobDeps({
    ports: h.ports, platformRepo: PLATFORM, redis: r,
    apply: createApplyPorts({ masterKey: randomBytes(32), state: createLocalStateRepository({ dir: join(tmp, 'state.git') }), redis: r.redis, keyPrefix: r.prefix,
      env: { PAVE_PG_ADMIN_USER: 'postgres', PAVE_PG_ADMIN_PASSWORD: '', PAVE_MARKET_DATA_SANDBOX_KEY: 'md-sandbox-key' } }),
  });
});

afterAll(async () => {
  await r.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

const job = () => ({ kind: 'apply' as const, installationId: INSTALLATION, deliveryId: 'd-down', receivedAt: 0, repo: REPO, sha, actor: 'dev' });
const development = () => h.github.state.repo(REPO).statuses.filter((s) => s.sha === sha && s.context === 'pave/deploy/development');

it('says it is retrying, naming the server, while the queue will retry', async () => {
  const error = await handleJob(deps, job(), { logger: silentLogger, willRetry: () => true }).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(TransientError);
  expect(development().map((s) => [s.state, s.description])).toEqual([['pending', expect.stringMatching(new RegExp(`^retrying: .*PostgreSQL at 127\\.0\\.0\\.1:${port}`))]]);
});

it('turns the status to error when the retries run out, and commits nothing', async () => {
  const error = await handleJob(deps, job(), { logger: silentLogger, willRetry: () => false }).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(TransientError);
  expect(development().at(-1)).toMatchObject({ state: 'error', description: expect.stringMatching(new RegExp(`^gave up: .*127\\.0\\.0\\.1:${port}`)) as string });
  expect(await deps.apply!.state.readFiles('environments/')).toEqual(new Map());
});
