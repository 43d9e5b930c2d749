/**
 * The contract between the web process and the workers: job names, payloads and options.
 * Payloads carry keys (repository, pull request, sha), never content: the worker re-reads the
 * truth at the sha. Every payload is validated with zod on both sides.
 */
import { z } from 'zod';

export const QUEUE_NAMES = {
  /** Plans of pull requests (component and platform repositories) and comment commands. */
  plan: 'pave-plan',
  /** Keeping the component index current (installations, pushes to default branches). */
  index: 'pave-index',
  /** Posting reports: retried on their own, never re-running the work that produced them. */
  report: 'pave-report',
  /** Applies of merges: databases, secrets, manifests, the state repository. */
  apply: 'pave-apply',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

const Repo = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'owner/name');
const Sha = z.string().regex(/^[0-9a-f]{40}$/, '40 hex characters');

const Base = z.object({
  /** GitHub App installation that delivered the event; absent with a token or in the embedded default. */
  installationId: z.number().int().positive().optional(),
  deliveryId: z.string().max(200),
  /** When the webhook arrived (ms since epoch), for ingress→finish latency. */
  receivedAt: z.number(),
});

/** Plan the components a pull request in a component repository changes. */
export const PlanPullRequest = Base.extend({
  kind: z.literal('plan-pr'),
  repo: Repo,
  prNumber: z.number().int().positive(),
  headSha: Sha,
  baseSha: Sha,
  /** Plan every component, not only the changed ones (`/pave plan`). */
  all: z.boolean().default(false),
  /** The head branch is in a fork: planned without secrets, and the comment says it is applied only after merge. */
  fromFork: z.boolean().optional(),
});

/** Plan what a pull request in the platform repository changes, for every affected component. */
export const PlanPlatformPullRequest = Base.extend({
  kind: z.literal('plan-platform-pr'),
  repo: Repo,
  prNumber: z.number().int().positive(),
  headSha: Sha,
  baseSha: Sha,
  /** The head branch is in a fork: planned without secrets, and the comment says it is applied only after merge. */
  fromFork: z.boolean().optional(),
});

/** A `/pave …` comment. Authorization and the reply happen in the worker. */
export const RunCommand = Base.extend({
  kind: z.literal('command'),
  repo: Repo,
  issueNumber: z.number().int().positive(),
  isPullRequest: z.boolean(),
  commentId: z.number().int().positive(),
  author: z.string().max(100),
  /** The command line as typed, without the `/pave` prefix, e.g. `plan` or `help`. */
  command: z.string().max(500),
});

/** Re-read the components of a repository at a sha (push to the default branch, installation). */
export const IndexRepository = Base.extend({
  kind: z.literal('index-repo'),
  repo: Repo,
  /** A sha, or absent for "the default branch now". */
  sha: Sha.optional(),
});

/**
 * Apply what a merge to the default branch asks for, in the first environment of each affected
 * component's pipeline: re-plan at the sha (never trust an old plan), then databases → connections
 * → secrets → manifests committed to the state repository.
 */
export const ApplyRepository = Base.extend({
  kind: z.literal('apply'),
  repo: Repo,
  sha: Sha,
  /** Who pushed (the release record's actor). */
  actor: z.string().max(100),
  /** The merged pull request, when the merge commit names it (`Merge pull request #12 …`, `Title (#12)`). */
  prNumber: z.number().int().positive().optional(),
  /**
   * Asked by a resync that found drift (its id): applied only while `sha` is still the default
   * branch's head, and never superseding a queued apply of a newer merge.
   */
  resync: z.string().max(100).optional(),
});

/**
 * Move a release of one component into an environment (or roll it back), through the gates of the
 * component's pipeline. Asked by `/pave promote|rollback` or by auto-promotion after a deploy.
 */
export const Promote = Base.extend({
  kind: z.literal('promote'),
  /** The component's repository (where statuses and the comment go). */
  repo: Repo,
  project: z.string().max(100),
  component: z.string().max(100),
  target: z.string().max(100),
  /** Absent: the release running in the environment before `target`. */
  releaseId: z.string().max(100).optional(),
  how: z.enum(['promotion', 'auto-promotion', 'rollback']),
  requestedBy: z.string().max(100),
});

/**
 * Delete an orphaned database (`/pave delete-database`), after the command was authorized and
 * confirmed: drop it through its provider, then remove its orphan record and password from the
 * state repository, then reply on the issue. Keys only; the worker re-reads the orphan record.
 */
export const DeleteDatabase = Base.extend({
  kind: z.literal('delete-database'),
  /** Where the command was commented (and the reply goes). */
  repo: Repo,
  issueNumber: z.number().int().positive(),
  commentId: z.number().int().positive(),
  /** Who asked (already authorized): the commit's and the reply's actor. */
  author: z.string().max(100),
  environment: z.string().max(100),
  project: z.string().max(100),
  component: z.string().max(100),
  /** The logical name (`resources[].name`). */
  database: z.string().max(100),
});

/**
 * A merge to the platform repository's default branch: find every component the change touches
 * (the same blast radius a platform PR shows) and fan out one `reconcile-component` per component
 * (a BullMQ flow whose parent, `reconcile-finish`, runs when all of them are done).
 */
export const ReconcilePlatform = Base.extend({
  kind: z.literal('reconcile-platform'),
  repo: Repo,
  sha: Sha,
  /** The default branch before the push (all zeros: none). */
  before: z.string().regex(/^[0-9a-f]{40}$/),
  actor: z.string().max(100),
  /** The merged platform pull request, when the merge commit names it. */
  prNumber: z.number().int().positive().optional(),
});

/** Re-deploy what runs of one component in the environments a platform change touched, with the new platform. */
export const ReconcileComponent = Base.extend({
  kind: z.literal('reconcile-component'),
  runId: z.string().max(200),
  repo: Repo,
  root: z.string().max(500),
  component: z.string().max(100),
  environments: z.array(z.string().max(100)).max(50),
});

/** The parent of a reconcile flow: the final report once every component is done. */
export const ReconcileFinish = Base.extend({
  kind: z.literal('reconcile-finish'),
  runId: z.string().max(200),
});

/** Forget repositories (uninstalled, removed from the installation, deleted). */
export const ForgetRepositories = Base.extend({
  kind: z.literal('forget-repos'),
  repos: z.array(Repo).max(10_000),
});

/**
 * Re-read every repository's default branch (the component index), re-plan each component against
 * it and the state repository, and apply where the first environment drifted. Scheduled
 * (`queue/schedule.ts`); `trigger` names who asked (`schedule`, or a test).
 */
export const Resync = z.object({
  kind: z.literal('resync'),
  trigger: z.string().regex(/^[A-Za-z0-9_.-]{1,60}$/).default('schedule'),
});

/** Ask GitHub to redeliver the App's failed webhook deliveries pave never processed. Scheduled. */
export const SweepDeliveries = z.object({
  kind: z.literal('sweep-deliveries'),
  trigger: z.string().regex(/^[A-Za-z0-9_.-]{1,60}$/).default('schedule'),
});

/** Post the reports of a finished run (status and sticky comment). */
export const PostReport = z.object({
  kind: z.literal('report'),
  runId: z.string().max(200),
  /** `started`: the pending status; `progress`: a running fan-out's statuses and comment; `finished`: the final status and the sticky comment. */
  phase: z.enum(['started', 'progress', 'finished']),
  /** Progress reports of one run (a fan-out) are numbered, so each is a job of its own. */
  revision: z.number().int().nonnegative().optional(),
});

export const JobRequest = z.discriminatedUnion('kind', [
  PlanPullRequest,
  PlanPlatformPullRequest,
  RunCommand,
  IndexRepository,
  ForgetRepositories,
  ApplyRepository,
  Promote,
  DeleteDatabase,
  ReconcilePlatform,
  ReconcileComponent,
  ReconcileFinish,
  PostReport,
  Resync,
  SweepDeliveries,
]);
export type JobRequest = z.infer<typeof JobRequest>;
export type PlanPullRequest = z.infer<typeof PlanPullRequest>;
export type PlanPlatformPullRequest = z.infer<typeof PlanPlatformPullRequest>;
export type RunCommand = z.infer<typeof RunCommand>;
export type IndexRepository = z.infer<typeof IndexRepository>;
export type ForgetRepositories = z.infer<typeof ForgetRepositories>;
export type PostReport = z.infer<typeof PostReport>;
export type ApplyRepository = z.infer<typeof ApplyRepository>;
export type Promote = z.infer<typeof Promote>;
export type ReconcilePlatform = z.infer<typeof ReconcilePlatform>;
export type ReconcileComponent = z.infer<typeof ReconcileComponent>;
export type ReconcileFinish = z.infer<typeof ReconcileFinish>;
export type DeleteDatabase = z.infer<typeof DeleteDatabase>;
export type Resync = z.infer<typeof Resync>;
export type SweepDeliveries = z.infer<typeof SweepDeliveries>;

/** Which queue a job goes to. */
export function queueFor(job: JobRequest): QueueName {
  switch (job.kind) {
    case 'plan-pr':
    case 'plan-platform-pr':
    case 'command':
      return QUEUE_NAMES.plan;
    case 'index-repo':
    case 'forget-repos':
    case 'resync':
    case 'sweep-deliveries':
      return QUEUE_NAMES.index;
    case 'report':
      return QUEUE_NAMES.report;
    case 'apply':
    case 'promote':
    case 'delete-database':
    case 'reconcile-platform':
    case 'reconcile-component':
    case 'reconcile-finish':
      return QUEUE_NAMES.apply;
  }
}
