/**
 * Resync and redelivery, end to end, with the GitHub double, real Redis, the real local
 * PostgreSQL and a real state repository. One component is in play (investment-banking's,
 * renamed for this run; the other example repositories hold no component here):
 *
 * - **A lost webhook**: a merge's push delivery fails on the way (recorded as failed in the
 *   App's delivery log, never delivered to pave). The delivery sweeper finds it, asks GitHub to
 *   redeliver it, the double POSTs it, signed, to pave, and the merge is applied:
 *   `pave/deploy/development` success. A delivery pave did process (though GitHub recorded a
 *   timeout) is not redelivered, and a second sweep redelivers nothing.
 * - **Drift**: a merge whose webhook never came at all (out of date), then the component's
 *   entry removed from the state repository (missing): each time a resync finds it and applies
 *   the default branch head; a resync in between changes nothing.
 *
 * The scheduled jobs are enqueued directly here (what the job schedulers add every interval).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEnqueuer, type Enqueuer } from '../../src/queue/enqueue.js';
import { QUEUE_NAMES, type JobRequest } from '../../src/queue/jobs.js';
import { jobId } from '../../src/queue/job-id.js';
import { installationEvent, pushEventFromDouble } from '../fixtures/github/index.js';
import { REDIS_URL } from '../helpers/redis.js';
import {
  dropPostgresDatabasesLike, INSTALLATION, LOCAL_ENVIRONMENTS_ENV, localEnvironmentFiles, ORG, PLATFORM, REPOS, SECRET, startHarness, waitFor, type Harness,
} from './harness.js';

const REPO = `${ORG}/investment-banking-backend`;
const FILE = '.choreo/component.yaml';
const suffix = randomBytes(3).toString('hex');
const COMPONENT = `resync-${suffix}`;
const STATE_DIR = `environments/development/investment-banking/${COMPONENT}`;
const INSTALL_GUID = `install-${suffix}`;
let h: Harness;
let enqueuer: Enqueuer;
let indexQueue: Queue;

function git(args: string[], cwd?: string): string {
  return execFileSync('git', cwd ? args : ['--git-dir', join(h.tmp, 'state.git'), ...args], { encoding: 'utf8', cwd, maxBuffer: 64 * 1024 * 1024 });
}
const head = (repo: string) => h.github.state.repo(repo).refs.get('heads/main')!;
const lastStatus = (sha: string, context: string) => h.github.state.repo(REPO).statuses.filter((s) => s.sha === sha && s.context === context).at(-1);
const logCount = (msg: string) => h.logs().split('\n').filter((l) => l.includes(`"msg":"${msg}"`)).length;
const desiredReplicas = () => (JSON.parse(git(['show', `main:${STATE_DIR}/desired.json`])) as { workload: { replicas: number } }).workload.replicas;
async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${h.service!.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Enqueue a scheduled job as its scheduler would, and wait until a worker finished it. */
async function runScheduled(job: Extract<JobRequest, { kind: 'resync' | 'sweep-deliveries' }>): Promise<void> {
  await enqueuer.enqueue([job]);
  const id = jobId(job);
  await waitFor(async () => (await indexQueue.getJobState(id)) === 'completed', `${job.kind} ${job.trigger} to complete`, 60_000);
}

/** The component at `replicas` replicas, as this run's only component (no connection to other repositories). */
function descriptor(replicas: number): string {
  return readFileSync(`examples/investment-banking-backend/${FILE}`, 'utf8')
    .replace(/^component:\n  name: [^\n]+/m, `component:\n  name: ${COMPONENT}`)
    .replace(/^  replicas: 1$/m, `  replicas: ${replicas}`)
    .replace(/    - name: exchange-rates\n      resourceRef: [^\n]+\n/, '')
    .replace(/    - name: RATES_API_URL\n      valueFrom:\n        connectionRef: \{ name: exchange-rates, key: ServiceURL \}\n/, '');
}

/** A merge on the default branch through a pull request; returns its sha and the push event GitHub would send. */
function merge(replicas: number, branch: string): { sha: string; push: object } {
  const before = head(REPO);
  h.github.state.commit(REPO, { branch, files: { [FILE]: descriptor(replicas) } });
  const pr = h.github.state.createPullRequest(REPO, { head: branch, author: 'dev' });
  h.github.state.commit(REPO, { files: { [FILE]: descriptor(replicas) }, message: `Merge pull request #${pr.number} from ${ORG}/${branch}\n\n${branch}` });
  return { sha: head(REPO), push: pushEventFromDouble(h.github.state, REPO, 'main', before, { pusher: 'dev' }) };
}

beforeAll(async () => {
  h = await startHarness({
    platformFiles: localEnvironmentFiles(),
    env: { ...LOCAL_ENVIRONMENTS_ENV, PAVE_MARKET_DATA_SANDBOX_KEY: `md-sandbox-${suffix}`, PAVE_MARKET_DATA_PROD_KEY: `md-prod-${suffix}` },
    masterKey: randomBytes(32),
  });
  // Only this run's component: the other repositories hold none.
  h.github.state.commit('acme-bank/exchange-rates', { files: { [FILE]: null }, message: 'no component here' });
  h.github.state.commit('acme-bank/interest-rates', { files: { [FILE]: null }, message: 'no component here' });
  h.github.state.commit('acme-bank/lending-backend', { files: { [`credit-scoring/${FILE}`]: null, [`loans-api/${FILE}`]: null }, message: 'no components here' });
  h.github.state.commit(REPO, { files: { [FILE]: descriptor(1) }, message: 'this run\'s component' });
  // GitHub sends the App's webhooks to pave.
  h.github.settings.webhook = { url: `${h.service!.url}/webhooks/github`, secret: SECRET };
  enqueuer = createEnqueuer(REDIS_URL, { prefix: h.bullPrefix });
  indexQueue = new Queue(QUEUE_NAMES.index, { connection: { url: REDIS_URL }, prefix: h.bullPrefix });

  const install = await h.deliver('installation', installationEvent('created', { installationId: INSTALLATION, account: ORG, repositories: [PLATFORM, ...REPOS] }), { deliveryId: INSTALL_GUID });
  expect(install.status).toBe(202);
  await waitFor(() => logCount('repository indexed') >= 1 && logCount('no components; repository not indexed') >= REPOS.length, 'the index to fill', 60_000);
  // GitHub's log says the installation delivery timed out, though pave took it: not to be redelivered.
  h.github.state.addDelivery({ guid: INSTALL_GUID, event: 'installation', action: 'created', statusCode: 0, installationId: INSTALLATION });
}, 90_000);

afterAll(async () => {
  await indexQueue?.close();
  await enqueuer?.close();
  await h?.close();
  await dropPostgresDatabasesLike(suffix);
});

it('a lost webhook is recovered by the sweeper: the merge is applied', async () => {
  const { sha, push } = merge(2, 'two-replicas');
  const lost = await h.github.deliver('push', push, { fail: 502 }); // GitHub got a 502 from a proxy: pave never saw it
  await new Promise((r) => setTimeout(r, 500));
  expect(lastStatus(sha, 'pave/deploy/development')).toBeUndefined();

  await runScheduled({ kind: 'sweep-deliveries', trigger: `sweep-1-${suffix}` });

  await waitFor(() => lastStatus(sha, 'pave/deploy/development')?.state === 'success', 'the deploy status of the recovered merge', 90_000);
  const attempts = h.github.state.deliveries.filter((d) => d.guid === lost.guid);
  expect(attempts.map((d) => [d.redelivery, d.statusCode])).toEqual([[false, 502], [true, 202]]);
  expect(h.github.state.deliveries.filter((d) => d.guid === INSTALL_GUID && d.redelivery)).toEqual([]);
  expect(desiredReplicas()).toBe(2);
  expect(JSON.parse(git(['show', `main:${STATE_DIR}/release.json`]))).toMatchObject({ sourceSha: sha, actor: 'dev' });
  expect(await metric('pave_redeliveries_total', 'outcome="requested"')).toBe(1);
  await waitFor(() => lastStatus(sha, 'pave/deploy/staging')?.state === 'success', 'auto-promotion to staging to settle', 90_000);

  // The next sweep: the redelivery succeeded, nothing to redeliver.
  const requested = h.github.count('POST /app/hook/deliveries/{delivery_id}/attempts');
  await runScheduled({ kind: 'sweep-deliveries', trigger: `sweep-2-${suffix}` });
  expect(h.github.count('POST /app/hook/deliveries/{delivery_id}/attempts')).toBe(requested);
  expect(h.github.count('GET /app/hook/deliveries')).toBeGreaterThanOrEqual(2);
}, 180_000);

it('a resync repairs a merge whose webhook never came and a missing state entry; a resync in between changes nothing', async () => {
  // Out of date: a merge GitHub never told pave about (and that the sweeper cannot know).
  const { sha } = merge(3, 'three-replicas');
  const drifts = logCount('resync: drift found');

  await runScheduled({ kind: 'resync', trigger: `resync-1-${suffix}` });

  expect(logCount('resync: drift found')).toBe(drifts + 1);
  expect(h.logs()).toMatch(new RegExp(`"component":"${COMPONENT}".*"reason":"config hash [0-9a-f]{8} → [0-9a-f]{8}"`));
  await waitFor(() => lastStatus(sha, 'pave/deploy/development')?.state === 'success', 'the resync\'s apply of the head', 90_000);
  expect(desiredReplicas()).toBe(3);
  expect(JSON.parse(git(['show', `main:${STATE_DIR}/release.json`]))).toMatchObject({ sourceSha: sha, actor: 'pave-resync' });
  expect(await metric('pave_resync_components_total', 'outcome="drifted"')).toBe(1);
  await waitFor(() => lastStatus(sha, 'pave/deploy/staging')?.state === 'success', 'auto-promotion to staging to settle', 90_000);

  // In sync now: a resync finds nothing, asks for nothing, commits nothing.
  const stateHead = git(['rev-parse', 'main']);
  const statuses = h.github.state.repo(REPO).statuses.length;
  const requestsBefore = h.github.requests.length;
  await runScheduled({ kind: 'resync', trigger: `resync-2-${suffix}` });
  const calls = h.github.requests.slice(requestsBefore).map((r) => r.operation);
  // Bounded work when nothing moved: the listings and one head lookup per repository (and the
  // platform's); trees and blobs are cached by sha. (Measured: 8 requests for 5 repositories.)
  expect(calls.filter((o) => /git\/(trees|blobs)/.test(String(o)))).toEqual([]);
  expect(calls.length).toBeLessThanOrEqual(2 + (REPOS.length + 1) + 1);
  await new Promise((r) => setTimeout(r, 1_000));
  expect(logCount('resync: drift found')).toBe(drifts + 1);
  expect(git(['rev-parse', 'main'])).toBe(stateHead);
  expect(h.github.state.repo(REPO).statuses.length).toBe(statuses);
  expect(await metric('pave_resync_components_total', 'outcome="in-sync"')).toBe(1);

  // Missing: the component's development entry removed from the state repository by hand.
  const work = join(h.tmp, 'state-work');
  execFileSync('git', ['clone', '-q', join(h.tmp, 'state.git'), work]);
  git(['-c', 'user.name=someone', '-c', 'user.email=someone@example.com', 'rm', '-r', '-q', STATE_DIR], work);
  git(['-c', 'user.name=someone', '-c', 'user.email=someone@example.com', 'commit', '-q', '-m', 'remove by hand'], work);
  git(['push', '-q', 'origin', 'HEAD:main'], work);
  expect(git(['ls-tree', '-r', '--name-only', 'main'])).not.toContain(`${STATE_DIR}/desired.json`);

  await runScheduled({ kind: 'resync', trigger: `resync-3-${suffix}` });

  expect(logCount('resync: drift found')).toBe(drifts + 2);
  expect(h.logs()).toMatch(new RegExp(`"component":"${COMPONENT}".*"reason":"not deployed"`));
  await waitFor(() => git(['ls-tree', '-r', '--name-only', 'main']).includes(`${STATE_DIR}/desired.json`), 'the entry to be restored', 90_000);
  expect(desiredReplicas()).toBe(3);
  expect(git(['ls-tree', '-r', '--name-only', 'main'])).toContain(`${STATE_DIR}/manifests.yaml`);
}, 240_000);

it('made only requests GitHub\'s OpenAPI description allows', () => {
  expect(h.github.violations).toEqual([]);
  expect(h.github.responseViolations).toEqual([]);
});
