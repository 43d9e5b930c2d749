/**
 * Runs and the component index: the state the service keeps in Redis. Losing Redis loses none of
 * it for good: runs are re-created by the next event or `/pave plan`, and the index by a resync.
 */
import type { ComponentDescriptor } from './component.js';
import type { Plan } from './plan.js';
import type { RepoName } from './ports.js';

/** `waiting`: finished for now, reported as pending (a promotion waiting for soak time or approvals). */
export type RunState = 'running' | 'waiting' | 'succeeded' | 'failed' | 'errored';

/** One plan of one pull request at one head sha (the page `/runs/:id` shows). */
export interface Run {
  readonly id: string;
  readonly kind: 'plan-pr' | 'plan-platform-pr' | 'apply' | 'promote' | 'reconcile';
  readonly repo: RepoName;
  /** The pull request the run reports on; absent for an apply of a commit that names none. */
  readonly prNumber?: number;
  readonly headSha: string;
  /** The installation to report through (GitHub App mode). */
  readonly installationId?: number;
  readonly state: RunState;
  /** ISO-8601. */
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** One line for the commit status (cut to 140 characters when posted). */
  readonly description: string;
  /** The PR comment (already under GitHub's limit). Absent while running or when nothing is planned. */
  readonly comment?: string;
  /** The full plan, uncut, as Markdown (the run page). */
  readonly fullMarkdown?: string;
  /** The full plan as data. */
  readonly plan?: Plan;
  /** Commit statuses to post instead of `pave/plan` (applies: one `pave/deploy/<env>` per environment). */
  readonly statuses?: readonly { readonly context: string; readonly state: 'success' | 'failure' | 'error' | 'pending'; readonly description: string }[];
  /** Why the run errored (not a plan failure: an outage, a bug). */
  readonly error?: string;
  /** Build output (bounded), oldest first; `at` is milliseconds since the build started. */
  readonly log?: readonly { readonly stream: string; readonly text: string; readonly at: number }[];
  /** A fan-out run (platform reconcile): how many items it waits for, of how many touched. */
  readonly total?: number;
  readonly touched?: number;
}

/** The outcome of one item of a fan-out run (one component of a platform reconcile). */
export interface ItemOutcome {
  readonly state: 'succeeded' | 'failed' | 'skipped';
  readonly detail: string;
}

export interface RunStore {
  save(run: Run): Promise<void>;
  get(id: string): Promise<Run | undefined>;
  /** Record one item's outcome (a retry overwrites its own entry: never counted twice); returns every outcome so far. */
  recordItem(runId: string, item: string, outcome: ItemOutcome): Promise<ReadonlyMap<string, ItemOutcome>>;
  items(runId: string): Promise<ReadonlyMap<string, ItemOutcome>>;
}

/** What the index knows of one repository: its components at the default branch. */
export interface IndexedRepository {
  readonly repo: RepoName;
  /** The commit the components were read at. */
  readonly sha: string;
  /** Descriptors without source positions (`locate`), as JSON round-trips them. */
  readonly components: readonly ComponentDescriptor[];
  /** Descriptor problems at that commit, by component root (a broken component is still known). */
  readonly invalidRoots: readonly string[];
  readonly indexedAt: string;
}

/** Which repositories and paths hold components: for catalog resolution and blast radius. */
export interface ComponentIndex {
  put(entry: IndexedRepository): Promise<void>;
  remove(repos: readonly RepoName[]): Promise<void>;
  get(repo: RepoName): Promise<IndexedRepository | undefined>;
  all(): Promise<readonly IndexedRepository[]>;
}
