import { assertNever } from '../lib/assert-never.js';
import type { JobRequest } from '../queue/jobs.js';
import type { JobContext, JobDeps } from './context.js';
import { applyRepository } from './apply-repository.js';
import { deleteDatabase } from './delete-database.js';
import { forgetRepositories, indexRepository } from './index-repository.js';
import { planPlatformPullRequest } from './plan-platform-pull-request.js';
import { planPullRequest } from './plan-pull-request.js';
import { postReport } from './post-report.js';
import { promote } from './promote.js';
import { reconcileComponent, reconcileFinish, reconcilePlatform } from './reconcile.js';
import { resync } from './resync.js';
import { runCommand } from './run-command.js';
import { sweepDeliveries } from './sweep-deliveries.js';

/** Dispatch one job to its handler. */
export async function handleJob(deps: JobDeps, job: JobRequest, ctx: JobContext): Promise<void> {
  switch (job.kind) {
    case 'plan-pr':
      await planPullRequest(deps, job, ctx);
      return;
    case 'plan-platform-pr':
      await planPlatformPullRequest(deps, job, ctx);
      return;
    case 'command':
      await runCommand(deps, job, ctx);
      return;
    case 'index-repo':
      await indexRepository(deps, job, ctx);
      return;
    case 'forget-repos':
      await forgetRepositories(deps, job, ctx);
      return;
    case 'report':
      await postReport(deps, job, ctx);
      return;
    case 'apply':
      await applyRepository(deps, job, ctx);
      return;
    case 'promote':
      await promote(deps, job, ctx);
      return;
    case 'reconcile-platform':
      await reconcilePlatform(deps, job, ctx);
      return;
    case 'reconcile-component':
      await reconcileComponent(deps, job, ctx);
      return;
    case 'reconcile-finish':
      await reconcileFinish(deps, job);
      return;
    case 'delete-database':
      await deleteDatabase(deps, job, ctx);
      return;
    case 'resync':
      await resync(deps, job, ctx);
      return;
    case 'sweep-deliveries':
      await sweepDeliveries(deps, job, ctx);
      return;
    default:
      assertNever(job);
  }
}
