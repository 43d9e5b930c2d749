/**
 * Post a run's reports: the `pave/plan` commit status and the sticky comment. Retried on its own
 * (its own queue and job), so a GitHub outage delays reports but never re-runs a plan.
 */
import type { CommitState } from '../domain/ports.js';
import type { RunState } from '../domain/runs.js';
import type { PostReport } from '../queue/jobs.js';
import { DEPLOY_MARKER, PLAN_MARKER, PLAN_STATUS_CONTEXT, PLATFORM_PLAN_MARKER, type JobContext, type JobDeps } from './context.js';

const STATE: Record<Exclude<RunState, 'running'>, CommitState> = { succeeded: 'success', failed: 'failure', errored: 'error' };

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
  if (run.state === 'running') return; // a finished report for a run that was retried; the retry reports
  // The comment first: it is what people wait for (GitHub spaces an integration's writes by a second).
  if (run.comment && run.prNumber !== undefined) {
    const marker = run.kind === 'plan-platform-pr' ? PLATFORM_PLAN_MARKER : run.kind === 'apply' ? DEPLOY_MARKER : PLAN_MARKER;
    try {
      const outcome = await ports.comments.upsertComment(run.repo, run.prNumber, marker, run.comment);
      ctx.logger.info({ runId: run.id, outcome }, 'comment posted');
    } catch (err) {
      // A pull request that cannot be found (a merge commit naming another repository's PR) still gets its statuses.
      if ((err as { code?: string }).code !== 'not-found') throw err;
      ctx.logger.warn({ runId: run.id, prNumber: run.prNumber }, 'pull request not found; comment skipped');
    }
  }
  const statuses = run.statuses ?? [{ context: PLAN_STATUS_CONTEXT, state: STATE[run.state], description: run.description }];
  for (const s of statuses) await ports.statuses.setStatus(run.repo, run.headSha, { ...s, targetUrl });
}
