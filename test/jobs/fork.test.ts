/**
 * Pull requests from forks through the job handlers, against the GitHub double (the real GitHub
 * adapter) with runs and the index in real Redis. The apply ports are a tripwire: any use of them
 * (a secret decrypted or generated, something sealed, a database provider, a state write) is
 * recorded, and these jobs must leave it untouched.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/domain/logger.js';
import { PLAN_MARKER, type JobContext, type JobDeps } from '../../src/jobs/context.js';
import { handleJob } from '../../src/jobs/handle-job.js';
import { FORK_NOTE } from '../../src/jobs/fork.js';
import type { JobRequest } from '../../src/queue/jobs.js';
import { INSTALLATION, useGitHubHarness } from '../github-double/adapter-harness.js';
import { filesFromDirectory } from '../github-double/index.js';
import { applyTripwire, testJobDeps } from '../helpers/job-deps.js';
import { testRedis } from '../helpers/redis.js';

const PLATFORM = 'acme-bank/platform';
const REPO = 'acme-bank/investment-banking-backend';
const FORK = 'mallory/investment-banking-backend';
const FILE = '.choreo/component.yaml';

const r = testRedis();
afterAll(() => r.cleanup());
const h = useGitHubHarness();
const ctx: JobContext = { logger: silentLogger, willRetry: () => false };
const meta = { installationId: INSTALLATION, deliveryId: 'd-fork', receivedAt: 0 };
const enqueued: JobRequest[] = [];
/** Every use of the apply ports, by name. */
const touched: string[] = [];
const tripwire = applyTripwire(touched, "a fork's job used the apply ports");
let deps: JobDeps;
let pr: { number: number; headSha: string; baseSha: string };

beforeAll(async () => {
  const state = h.github.state;
  state.createRepo(PLATFORM, { installationId: INSTALLATION, files: filesFromDirectory('platform-repo-example') });
  state.createRepo(REPO, { installationId: INSTALLATION, files: filesFromDirectory(join('examples', 'investment-banking-backend')) });
  state.forkRepo(REPO, FORK);
  const original = new TextDecoder().decode(filesFromDirectory(join('examples', 'investment-banking-backend'))[FILE]);
  state.commit(FORK, { branch: 'rename', files: { [FILE]: original.replace(/^component:\n  name: [^\n]+/m, 'component:\n  name: from-a-fork') }, author: 'mallory' });
  pr = state.createPullRequest(REPO, { head: 'rename', headRepo: FORK, author: 'mallory' });
  state.setPermission(REPO, 'maya', 'maintain');
  deps = testJobDeps({ ports: h.ports, platformRepo: PLATFORM, redis: r, enqueued: enqueued, apply: tripwire });
});

describe('a pull request from a fork', () => {
  it('is planned without the apply ports, and the plan says it is applied only after merge', async () => {
    enqueued.length = 0;

    await handleJob(deps, { kind: 'plan-pr', ...meta, repo: REPO, prNumber: pr.number, headSha: pr.headSha, baseSha: pr.baseSha, all: false, fromFork: true }, ctx);

    expect(touched).toEqual([]);
    const [report] = enqueued;
    expect(report).toMatchObject({ kind: 'report', phase: 'finished' });
    const run = await deps.runs.get((report as { runId: string }).runId);
    expect(run?.comment?.startsWith(`${PLAN_MARKER}\n${FORK_NOTE}\n\n### pave plan`)).toBe(true);
    expect(run?.comment).toContain('from-a-fork');
    expect(run?.fullMarkdown?.startsWith(FORK_NOTE)).toBe(true);
  });

  it('says so even when the plan cannot be made (an invalid platform repository)', async () => {
    h.github.state.commit(PLATFORM, { files: { 'platform.yaml': 'organization: [not a name\n' } });
    enqueued.length = 0;
    try {
      await handleJob(deps, { kind: 'plan-pr', ...meta, repo: REPO, prNumber: pr.number, headSha: pr.headSha, baseSha: pr.baseSha, all: true, fromFork: true }, ctx);
    } finally {
      h.github.state.commit(PLATFORM, { files: filesFromDirectory('platform-repo-example') });
    }

    const run = await deps.runs.get((enqueued[0] as { runId: string }).runId);
    expect(run?.state).toBe('failed');
    expect(run?.comment?.startsWith(`${PLAN_MARKER}\n${FORK_NOTE}\n\n`)).toBe(true);
    expect(touched).toEqual([]);
  });

  it('is re-planned by /pave plan as a fork', async () => {
    const comment = h.github.state.addComment(REPO, pr.number, '/pave plan', 'maya');
    enqueued.length = 0;

    await handleJob(deps, { kind: 'command', ...meta, repo: REPO, issueNumber: pr.number, isPullRequest: true, commentId: comment.id, author: 'maya', command: 'plan' }, ctx);

    expect(enqueued).toEqual([{ kind: 'plan-pr', ...meta, repo: REPO, prNumber: pr.number, headSha: pr.headSha, baseSha: pr.baseSha, all: true, fromFork: true }]);
    expect(touched).toEqual([]);
  });

  it.each(['apply', 'deploy', 'promote development', 'rollback development'])('refuses /pave %s politely, whoever asks', async (command) => {
    const comment = h.github.state.addComment(REPO, pr.number, `/pave ${command}`, 'maya');
    enqueued.length = 0;

    await handleJob(deps, { kind: 'command', ...meta, repo: REPO, issueNumber: pr.number, isPullRequest: true, commentId: comment.id, author: 'maya', command }, ctx);

    const verb = command.split(' ')[0]!;
    const reply = h.github.state.repo(REPO).comments.at(-1)!;
    expect(reply.body).toMatch(new RegExp(`^Sorry @maya, \`/pave ${verb}\` needs secrets, and this pull request comes from a fork`));
    expect(reply.body).toContain('applies them only after they are merged');
    expect(comment.reactions.map((x) => x.content)).toEqual(['eyes', 'confused']);
    expect(enqueued).toEqual([]);
    expect(touched).toEqual([]);
  });

  it('answers commands that need no secrets as usual', async () => {
    const comment = h.github.state.addComment(REPO, pr.number, '/pave help', 'mallory');

    await handleJob(deps, { kind: 'command', ...meta, repo: REPO, issueNumber: pr.number, isPullRequest: true, commentId: comment.id, author: 'mallory', command: 'help' }, ctx);

    expect(h.github.state.repo(REPO).comments.at(-1)!.body).toContain('**pave commands**');
  });
});

describe('a platform pull request from a fork', () => {
  it('is planned without the apply ports and says it comes from a fork', async () => {
    h.github.state.forkRepo(PLATFORM, 'mallory/platform');
    h.github.state.commit('mallory/platform', { branch: 'tweak', files: { 'README.md': 'a tweak from a fork\n' }, author: 'mallory' });
    const platformPr = h.github.state.createPullRequest(PLATFORM, { head: 'tweak', headRepo: 'mallory/platform', author: 'mallory' });
    enqueued.length = 0;

    await handleJob(deps, { kind: 'plan-platform-pr', ...meta, repo: PLATFORM, prNumber: platformPr.number, headSha: platformPr.headSha, baseSha: platformPr.baseSha, fromFork: true }, ctx);

    const run = await deps.runs.get((enqueued[0] as { runId: string }).runId);
    expect(run?.comment?.startsWith(`<!-- pave:platform-plan -->\n${FORK_NOTE}\n\n`)).toBe(true);
    expect(touched).toEqual([]);
  });
});

describe('a push to a fork', () => {
  it('is not applied even if an apply job for it reaches the worker (the App installed on the fork too)', async () => {
    h.github.state.forkRepo(REPO, 'eve/investment-banking-backend', { installationId: INSTALLATION });
    const sha = h.github.state.commit('eve/investment-banking-backend', { files: { [FILE]: 'schemaVersion: 1.2\ncomponent:\n  name: eve\n' } });
    enqueued.length = 0;

    await handleJob(deps, { kind: 'apply', ...meta, repo: 'eve/investment-banking-backend', sha, actor: 'eve' }, ctx);

    expect(touched).toEqual([]);
    expect(enqueued).toEqual([]);
    expect(h.github.state.repo('eve/investment-banking-backend').statuses).toEqual([]);
  });
});

describe('once merged', () => {
  it('no longer refuses promotion commands for being from a fork (the merge was applied like any other)', async () => {
    const pull = h.github.state.repo(REPO).pulls.get(pr.number)!;
    pull.state = 'closed';
    pull.merged = true;
    const comment = h.github.state.addComment(REPO, pr.number, '/pave promote', 'maya');
    const before = h.github.state.repo(REPO).comments.length;

    await handleJob(deps, { kind: 'command', ...meta, repo: REPO, issueNumber: pr.number, isPullRequest: true, commentId: comment.id, author: 'maya', command: 'promote' }, ctx);

    // The promotion command itself answered (here: which environment?), not the fork refusal.
    const replies = h.github.state.repo(REPO).comments.slice(before).map((c) => c.body);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^@maya /);
    expect(replies[0]).not.toContain('fork');
  });
});
