/**
 * Deterministic job identities. BullMQ ids may not contain `:`; repository names become `owner~name`.
 *
 * - `jobId`: the same request twice (a redelivered webhook) is one job.
 * - `dedupId`: requests for the same subject collapse — a newer head sha of a pull request
 *   replaces a queued plan of an older one (`deduplication` with `keepLastIfActive`).
 */
import type { JobRequest } from './jobs.js';

const safe = (s: string) => s.replace(/\//g, '~').replace(/[^A-Za-z0-9_.~-]/g, '_');

export function jobId(job: JobRequest): string {
  switch (job.kind) {
    case 'plan-pr':
      return `plan-pr-${safe(job.repo)}-${job.prNumber}-${job.headSha}${job.all ? '-all' : ''}`;
    case 'plan-platform-pr':
      return `plan-platform-pr-${safe(job.repo)}-${job.prNumber}-${job.headSha}`;
    case 'command':
      return `command-${safe(job.repo)}-${job.commentId}-${safe(job.deliveryId)}`;
    case 'index-repo':
      return `index-repo-${safe(job.repo)}-${job.sha ?? 'head'}-${safe(job.deliveryId)}`;
    case 'forget-repos':
      return `forget-repos-${safe(job.deliveryId)}`;
    case 'report':
      return `report-${safe(job.runId)}-${job.phase}${job.revision !== undefined ? `-${job.revision}` : ''}`;
    case 'apply':
      return `apply-${safe(job.repo)}-${job.sha}${job.resync ? `-resync-${safe(job.resync)}` : ''}`;
    case 'reconcile-platform':
      return `reconcile-platform-${safe(job.repo)}-${job.sha}`;
    case 'reconcile-component':
      return `reconcile-component-${safe(job.runId)}-${safe(job.repo)}-${safe(job.root || '.')}`;
    case 'reconcile-finish':
      return `reconcile-finish-${safe(job.runId)}`;
    case 'promote':
      return `promote-${safe(job.project)}-${safe(job.component)}-${safe(job.target)}-${job.how}-${safe(job.releaseId ?? 'current')}-${safe(job.deliveryId)}`;
    // One comment asking for one database is one deletion (a redelivery is the same job).
    case 'delete-database':
      return `delete-database-${safe(job.repo)}-${job.commentId}-${safe(job.environment)}-${safe(job.project)}-${safe(job.component)}-${safe(job.database)}`;
    case 'resync':
    case 'sweep-deliveries':
      return `${job.kind}-${safe(job.trigger)}`;
  }
}

/** The subject whose queued jobs a newer one supersedes; undefined when every job must run. */
export function dedupId(job: JobRequest): string | undefined {
  switch (job.kind) {
    case 'plan-pr':
      return `plan-pr-${safe(job.repo)}-${job.prNumber}`;
    case 'plan-platform-pr':
      return `plan-platform-pr-${safe(job.repo)}-${job.prNumber}`;
    case 'index-repo':
      return `index-repo-${safe(job.repo)}`;
    // Numbered reports of one run (a fan-out's progress) run one at a time, the newest replacing a queued older one:
    // two at once would both find no sticky comment and both create one.
    case 'report':
      return job.revision !== undefined ? `report-${safe(job.runId)}` : undefined;
    // A newer merge supersedes a queued apply of an older one (the running one finishes first).
    // A resync's apply supersedes nothing (a merge may have queued a newer head meanwhile); it
    // checks the head itself when it runs.
    case 'apply':
      return job.resync ? undefined : `apply-${safe(job.repo)}`;
    // One resync and one sweep at a time, however they were asked for.
    case 'resync':
    case 'sweep-deliveries':
      return job.kind;
    default:
      return undefined;
  }
}
