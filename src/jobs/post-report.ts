/**
 * Post a run's reports: the commit statuses and the sticky comment. Retried on its own (its own
 * queue and job), so a GitHub outage delays reports but never re-runs a plan or an apply.
 *
 * The comment goes on the run's pull request. An apply whose push names no pull request (a direct
 * push to the default branch), or names one that cannot be found, is commented on its commit
 * instead; both comments are sticky by their hidden marker, so a retried report edits, never adds.
 */
import { NotReadyError } from '../domain/errors.js';
import type { CommitState } from '../domain/ports.js';
import type { Run, RunState } from '../domain/runs.js';
import type { PostReport } from '../queue/jobs.js';
import { DEPLOY_MARKER, PLAN_MARKER, RECONCILE_MARKER, PLAN_STATUS_CONTEXT, PLATFORM_PLAN_MARKER, type JobContext, type JobDeps, type RepositoryPorts } from './context.js';

const STATE: Record<RunState, CommitState> = { running: 'pending', waiting: 'pending', succeeded: 'success', failed: 'failure', errored: 'error' };

export async function postReport(deps: JobDeps, job: PostReport, ctx: JobContext): Promise<void> {
  const run = await deps.runs.get(job.runId);
  if (!run) {
    ctx.logger.warn({ runId: job.runId }, 'run expired before its report; nothing to post');
    return;
  }
  const ports = deps.repositories(run.installationId);
  const targetUrl = `${deps.publicUrl}/runs/${run.id}`;
  if (job.phase === 'started') {
    // Never move a finished run's status back to pending.
    if (run.state === 'running') {
      await ports.statuses.setStatus(run.repo, run.headSha, { context: PLAN_STATUS_CONTEXT, state: 'pending', description: 'pave is planning this change…', targetUrl });
    }
    return;
  }
  // A finished report for a run that was retried: the retry reports. A fan-out reports its progress while running.
  if (run.state === 'running' && job.phase !== 'progress') return;
  // The comment first: it is what people wait for (GitHub spaces an integration's writes by a second).
  if (run.comment) await withCommentLease(deps, run, `report-${job.runId}-${job.phase}-${job.revision ?? ''}`, () => postComment(ports, run, run.comment!, ctx));
  const statuses = run.statuses ?? [{ context: PLAN_STATUS_CONTEXT, state: STATE[run.state], description: run.description }];
  for (const s of statuses) await ports.statuses.setStatus(run.repo, run.headSha, { ...s, targetUrl });
}

const COMMENT_LEASE_MS = 30_000;

/**
 * Reports of different runs share one sticky comment (a merge's apply and the promotion that
 * follows it both write the pull request's deploy comment): two at once would both find none and
 * both create one. A short lease per comment target serializes them; a report that finds it taken
 * waits (NotReadyError delays the job). Without leases (a service that plans only) nothing to share.
 */
async function withCommentLease(deps: JobDeps, run: Run, owner: string, post: () => Promise<void>): Promise<void> {
  const leases = deps.apply?.leases;
  if (!leases) return post();
  const key = `comment/${run.repo.toLowerCase()}/${run.prNumber !== undefined ? `pr-${run.prNumber}` : `sha-${run.headSha}`}/${markerOf(run)}`;
  if (!(await leases.acquire(key, COMMENT_LEASE_MS, owner))) throw new NotReadyError(`waiting for another report to ${key}`, 500);
  try {
    await post();
  } finally {
    await leases.release(key, owner);
  }
}

function markerOf(run: Run): string {
  return run.kind === 'plan-platform-pr' ? PLATFORM_PLAN_MARKER : run.kind === 'apply' || run.kind === 'promote' ? DEPLOY_MARKER : run.kind === 'reconcile' ? RECONCILE_MARKER : PLAN_MARKER;
}

async function postComment(ports: RepositoryPorts, run: Run, body: string, ctx: JobContext): Promise<void> {
  const marker = markerOf(run);
  if (run.prNumber !== undefined) {
    try {
      const outcome = await ports.comments.upsertComment(run.repo, run.prNumber, marker, body);
      ctx.logger.info({ runId: run.id, outcome }, 'comment posted');
      return;
    } catch (err) {
      // A pull request that cannot be found (a merge commit naming another repository's PR) still gets its statuses.
      if ((err as { code?: string }).code !== 'not-found') throw err;
      ctx.logger.warn({ runId: run.id, prNumber: run.prNumber }, run.kind === 'apply' ? 'pull request not found; commenting on the commit' : 'pull request not found; comment skipped');
    }
  }
  // Only an apply has a commit of its own to comment on; a plan always has its pull request.
  if (run.kind !== 'apply' && run.kind !== 'promote' && run.kind !== 'reconcile') return;
  try {
    const outcome = await ports.comments.upsertCommitComment(run.repo, run.headSha, marker, body);
    ctx.logger.info({ runId: run.id, sha: run.headSha, outcome }, 'commit comment posted');
  } catch (err) {
    // Commenting on commits needs the App's Contents write permission; without it the statuses still go out.
    if ((err as { code?: string }).code !== 'terminal') throw err;
    ctx.logger.warn({ runId: run.id, sha: run.headSha, err: (err as Error).message }, 'commit comment refused (the GitHub App needs Contents: read & write to comment on commits); statuses only');
  }
}
