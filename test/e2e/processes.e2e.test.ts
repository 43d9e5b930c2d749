/**
 * The same flow with the web process and the worker as two separate OS processes
 * (`PAVE_ROLE=web` and `PAVE_ROLE=worker`) sharing one Redis, as the Helm chart runs them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGitHubDouble, type GitHubDouble } from '../github-double/index.js';
import { installationEvent, pullRequestEventFromDouble, webhookRequest } from '../fixtures/github/index.js';
import { deleteKeys, freePort } from '../helpers/redis-server.js';
import { REDIS_URL } from '../helpers/redis.js';
import { INSTALLATION, ORG, PLATFORM, REPOS, SECRET, seedOrganization, serviceEnv, waitFor } from './harness.js';

let github: GitHubDouble;
let tmp: string;
let port: number;
const children: ChildProcess[] = [];
const output: string[] = [];
const prefixes = { PAVE_KEY_PREFIX: `pave-proc-${randomBytes(4).toString('hex')}:`, PAVE_QUEUE_PREFIX: `bull-proc-${randomBytes(4).toString('hex')}` };

function start(role: 'web' | 'worker', extra: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/start.ts'], {
    env: { PATH: process.env.PATH ?? '', ...serviceEnv(github, tmp, { PAVE_ROLE: role, ...prefixes, ...extra }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  children.push(child);
  return child;
}

async function deliver(event: string, payload: object): Promise<Response> {
  const req = await webhookRequest(event, payload, SECRET);
  return fetch(`http://127.0.0.1:${port}/webhooks/github`, { method: 'POST', headers: req.headers, body: req.body });
}

beforeAll(async () => {
  github = await startGitHubDouble();
  seedOrganization(github);
  tmp = await mkdtemp(join(tmpdir(), 'pave-proc-'));
  port = await freePort();
  start('web', { PORT: String(port) });
  start('worker', { PORT: '0' });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 'the web process', 30_000);
  await waitFor(() => output.join('').includes('"role":"worker"'), 'the worker process', 30_000);
}, 60_000);

afterAll(async () => {
  await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((resolve) => {
    c.once('exit', resolve);
    c.kill('SIGKILL');
  })));
  await github.close();
  await deleteKeys(REDIS_URL, prefixes.PAVE_KEY_PREFIX);
  await deleteKeys(REDIS_URL, `${prefixes.PAVE_QUEUE_PREFIX}:`);
  await rm(tmp, { recursive: true, force: true });
});

it('plans a pull request with web and worker in separate processes, and both stop on SIGTERM', async () => {
  await deliver('installation', installationEvent('created', { installationId: INSTALLATION, account: ORG, repositories: [PLATFORM, ...REPOS] }));
  const repo = `${ORG}/interest-rates`;
  github.state.commit(repo, { branch: 'tune', files: { '.choreo/component.yaml': readFileSync('examples/interest-rates/.choreo/component.yaml', 'utf8') + '\n# tuned\n' } });
  const pr = github.state.createPullRequest(repo, { head: 'tune', author: 'dev' });

  const res = await deliver('pull_request', pullRequestEventFromDouble(github.state, repo, pr.number, 'opened'));

  expect(res.status).toBe(202);
  await waitFor(() => github.state.repo(repo).comments.some((c) => c.issueNumber === pr.number && c.body.includes('`interest-rates` (utility)')), 'the plan comment from the worker process', 30_000);
  await waitFor(() => github.state.repo(repo).statuses.some((s) => s.sha === pr.headSha && s.state === 'success'), 'the status', 30_000);
  expect(github.violations).toEqual([]);

  const codes = await Promise.all(children.map((c) => new Promise<number | null>((resolve) => {
    c.once('exit', (code) => resolve(code));
    c.kill('SIGTERM');
  })));
  expect(codes).toEqual([0, 0]);
  expect(output.join('')).toContain('shutting down: finishing active jobs');
}, 60_000);
