/**
 * The report job against the GitHub double (through the real GitHub adapter) with runs in real
 * Redis: where an apply's comment goes when its push names no pull request, and that a retried
 * report edits nothing and adds nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisLeases } from '../../src/adapters/redis/lease.js';
import { createRedisRunStore } from '../../src/adapters/redis/run-store.js';
import type { ApplyPorts } from '../../src/domain/apply.js';
import { NotReadyError } from '../../src/domain/errors.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { Run } from '../../src/domain/runs.js';
import { DEPLOY_MARKER, type JobContext, type JobDeps } from '../../src/jobs/context.js';
import { postReport } from '../../src/jobs/post-report.js';
import { INSTALLATION, useGitHubHarness } from '../github-double/adapter-harness.js';
import { testRedis } from '../helpers/redis.js';

const r = testRedis();
afterAll(() => r.cleanup());
const h = useGitHubHarness();
const ctx: JobContext = { logger: silentLogger, willRetry: () => false };
const runs = createRedisRunStore(r.redis, { prefix: r.prefix });
const unused = (): never => {
  throw new Error('not used by the report job');
};

function deps(): JobDeps {
  return {
    repositories: () => h.ports,
    platform: unused,
    state: { snapshot: unused },
    index: { put: unused, remove: unused, get: unused, all: unused },
    runs,
    enqueue: unused,
    clock: { now: () => new Date('2026-11-23T12:00:00Z') },
    publicUrl: 'http://pave.test',
    logger: silentLogger,
  };
}

function applyRun(repo: string, sha: string, extra: Partial<Run> = {}): Run {
  return {
    id: `apply-${repo.replace('/', '~')}-${sha.slice(0, 12)}`, kind: 'apply', repo, headSha: sha, installationId: INSTALLATION,
    state: 'succeeded', startedAt: '2026-11-23T12:00:00Z', finishedAt: '2026-11-23T12:00:05Z', description: '1/1 applied',
    statuses: [{ context: 'pave/deploy/development', state: 'success', description: 'loans-api: applied (2 changes)' }],
    comment: `${DEPLOY_MARKER}\n### pave apply · ${repo} @ ${sha.slice(0, 7)}\n\n✅ **Applied 1 component**`,
    ...extra,
  };
}

describe('post-report', () => {
  it('comments an apply of a direct push on its commit, once, however often the report runs', async () => {
    h.github.state.createRepo('acme/direct-push', { installationId: INSTALLATION, files: { 'a.txt': 'a' } });
    const sha = h.github.state.commit('acme/direct-push', { files: { 'a.txt': 'b' }, message: 'Fix the thing' });
    const run = applyRun('acme/direct-push', sha);
    await runs.save(run);
    h.github.clearRequests();

    for (let i = 0; i < 3; i++) await postReport(deps(), { kind: 'report', runId: run.id, phase: 'finished' }, ctx);

    const repo = h.github.state.repo('acme/direct-push');
    expect(repo.commitComments.map((c) => [c.commitId, c.user.login, c.body])).toEqual([[sha, 'pave-test[bot]', run.comment]]);
    expect(repo.comments).toEqual([]);
    expect(h.github.count('POST /repos/{owner}/{repo}/commits/{commit_sha}/comments')).toBe(1);
    expect(h.github.count('PATCH /repos/{owner}/{repo}/comments/{comment_id}')).toBe(0);
    // Statuses are append-only on GitHub: an identical one is not posted again.
    expect(repo.statuses.filter((s) => s.sha === sha).map((s) => [s.context, s.state, s.targetUrl])).toEqual(
      [['pave/deploy/development', 'success', `http://pave.test/runs/${run.id}`]]);
  });

  it('edits the commit comment when the run is reported again with a new result', async () => {
    h.github.state.createRepo('acme/re-run', { installationId: INSTALLATION, files: { 'a.txt': 'a' } });
    const sha = h.github.state.commit('acme/re-run', { files: { 'a.txt': 'b' } });
    const failed = applyRun('acme/re-run', sha, { state: 'errored', comment: `${DEPLOY_MARKER}\n⚠️ **Not applied**: database server unreachable` });
    await runs.save(failed);
    await postReport(deps(), { kind: 'report', runId: failed.id, phase: 'finished' }, ctx);
    const succeeded = applyRun('acme/re-run', sha);
    await runs.save(succeeded);

    await postReport(deps(), { kind: 'report', runId: succeeded.id, phase: 'finished' }, ctx);

    expect(h.github.state.repo('acme/re-run').commitComments.map((c) => c.body)).toEqual([succeeded.comment]);
  });

  it('falls back to the commit when the pull request a merge commit names cannot be found', async () => {
    h.github.state.createRepo('acme/cherry-pick', { installationId: INSTALLATION, files: { 'a.txt': 'a' } });
    const sha = h.github.state.commit('acme/cherry-pick', { files: { 'a.txt': 'b' }, message: 'Fix from upstream (#4711)' });
    const run = applyRun('acme/cherry-pick', sha, { prNumber: 4711 });
    await runs.save(run);

    await postReport(deps(), { kind: 'report', runId: run.id, phase: 'finished' }, ctx);

    expect(h.github.state.repo('acme/cherry-pick').commitComments.map((c) => [c.commitId, c.body])).toEqual([[sha, run.comment]]);
  });

  it('comments on the merged pull request when there is one, not on the commit', async () => {
    h.github.state.createRepo('acme/merged', { installationId: INSTALLATION, files: { 'a.txt': 'a' } });
    h.github.state.commit('acme/merged', { branch: 'feature', files: { 'a.txt': 'b' } });
    const pr = h.github.state.createPullRequest('acme/merged', { head: 'feature', author: 'dev' });
    const sha = h.github.state.commit('acme/merged', { files: { 'a.txt': 'b' }, message: `Merge pull request #${pr.number} from acme/feature` });
    const run = applyRun('acme/merged', sha, { prNumber: pr.number });
    await runs.save(run);

    await postReport(deps(), { kind: 'report', runId: run.id, phase: 'finished' }, ctx);

    const repo = h.github.state.repo('acme/merged');
    expect(repo.comments.map((c) => [c.issueNumber, c.body])).toEqual([[pr.number, run.comment]]);
    expect(repo.commitComments).toEqual([]);
  });

  it('still posts the statuses when GitHub refuses the commit comment (no Contents write permission)', async () => {
    h.github.state.createRepo('acme/read-only', { installationId: INSTALLATION, files: { 'a.txt': 'a' } });
    const sha = h.github.state.commit('acme/read-only', { files: { 'a.txt': 'b' } });
    const run = applyRun('acme/read-only', sha);
    await runs.save(run);
    h.github.inject('POST /repos/{owner}/{repo}/commits/{commit_sha}/comments', { status: 403, body: { message: 'Resource not accessible by integration' } });

    await postReport(deps(), { kind: 'report', runId: run.id, phase: 'finished' }, ctx);

    const repo = h.github.state.repo('acme/read-only');
    expect(repo.commitComments).toEqual([]);
    expect(repo.statuses.map((s) => [s.sha, s.context, s.state])).toEqual([[sha, 'pave/deploy/development', 'success']]);
  });

  it('never comments a plan on a commit when its pull request is gone', async () => {
    h.github.state.createRepo('acme/plan-gone', { installationId: INSTALLATION, files: { 'a.txt': 'a' } });
    const sha = h.github.state.resolve(h.github.state.repo('acme/plan-gone'), 'main')!;
    const run: Run = { ...applyRun('acme/plan-gone', sha, { prNumber: 99, statuses: undefined }), id: 'pr-acme~plan-gone-99', kind: 'plan-pr', comment: '<!-- pave:plan -->\nplan' };
    await runs.save(run);

    await postReport(deps(), { kind: 'report', runId: run.id, phase: 'finished' }, ctx);

    const repo = h.github.state.repo('acme/plan-gone');
    expect(repo.commitComments).toEqual([]);
    expect(repo.statuses.map((s) => [s.context, s.state])).toEqual([['pave/plan', 'success']]);
  });

  // Found by the crash test: a merge's apply and the auto-promotion after it report at the same
  // time to the pull request's one deploy comment; both listed none and both created one.
  it('serializes reports of different runs to one sticky comment: the second waits, then edits', async () => {
    h.github.state.createRepo('acme/sticky-race', { installationId: INSTALLATION, files: { 'a.txt': 'a' } });
    h.github.state.commit('acme/sticky-race', { branch: 'feature', files: { 'a.txt': 'b' } });
    const pr = h.github.state.createPullRequest('acme/sticky-race', { head: 'feature', author: 'dev' });
    const sha = h.github.state.commit('acme/sticky-race', { files: { 'a.txt': 'b' }, message: `Merge pull request #${pr.number}` });
    const apply = applyRun('acme/sticky-race', sha, { prNumber: pr.number });
    const promote = applyRun('acme/sticky-race', sha, { id: 'promote-sticky-race', kind: 'promote', prNumber: pr.number, comment: `${DEPLOY_MARKER}\n### pave release · staging`,
      statuses: [{ context: 'pave/deploy/staging', state: 'success', description: 'promoted' }] });
    await runs.save(apply);
    await runs.save(promote);
    const withLeases = { ...deps(), apply: { leases: createRedisLeases(r.redis, { prefix: r.prefix }) } as unknown as ApplyPorts };
    // Both would list the comments before either creates one.
    h.github.inject('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { delayMs: 300 }, 2);

    const first = await Promise.allSettled([apply, promote].map((run) => postReport(withLeases, { kind: 'report', runId: run.id, phase: 'finished' }, ctx)));
    const waited = first.flatMap((result, i) => (result.status === 'rejected' ? [{ run: [apply, promote][i]!, reason: result.reason as unknown }] : []));
    expect(waited).toHaveLength(1);
    expect(waited[0]!.reason).toBeInstanceOf(NotReadyError);
    await postReport(withLeases, { kind: 'report', runId: waited[0]!.run.id, phase: 'finished' }, ctx);

    const repo = h.github.state.repo('acme/sticky-race');
    expect(repo.comments.filter((c) => c.body.includes(DEPLOY_MARKER))).toHaveLength(1);
    expect(repo.comments[0]!.body).toBe(waited[0]!.run.comment);
    expect(repo.statuses.map((s) => s.context).sort()).toEqual(['pave/deploy/development', 'pave/deploy/staging']);
  });
});
