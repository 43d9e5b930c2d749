/**
 * What a job handler gets: ports (adapters injected by src/main) and a per-job context. Handlers
 * orchestrate; the decisions are made by config/ and planner/.
 */
import type { ApplyPorts } from '../domain/apply.js';
import type { Logger } from '../domain/logger.js';
import type { Clock, CommentReporter, Directory, RepositoryReader, StateSource, StatusReporter } from '../domain/ports.js';
import type { ComponentIndex, RunStore } from '../domain/runs.js';
import type { JobRequest } from '../queue/jobs.js';
import type { BuildPorts } from './build.js';
import type { PlatformSource } from './platform-source.js';
import type { ResyncPorts } from './resync.js';
import type { SweepPorts } from './sweep-deliveries.js';

/** The GitHub-facing ports of one installation (or of the token, or of the embedded default). */
export interface RepositoryPorts {
  readonly reader: RepositoryReader;
  readonly statuses: StatusReporter;
  readonly comments: CommentReporter;
  readonly directory: Directory;
}

export interface JobDeps {
  repositories(installationId?: number): RepositoryPorts;
  /**
   * The platform repository, read through an installation's access (App mode: the platform
   * installation when configured, else the job's own installation).
   */
  platform(installationId?: number): PlatformSource;
  readonly state: StateSource;
  readonly index: ComponentIndex;
  readonly runs: RunStore;
  enqueue(jobs: readonly JobRequest[]): Promise<void>;
  /** Add `children` and a `parent` that runs once they are all done (a BullMQ flow). */
  enqueueFlow?(parent: JobRequest, children: readonly JobRequest[]): Promise<void>;
  readonly clock: Clock;
  /** Base URL of the run pages, e.g. `https://pave.acme.example`. */
  readonly publicUrl: string;
  /** Post the pending status only when a plan takes longer than this. @defaultValue 750 */
  readonly pendingAfterMs?: number;
  readonly logger: Logger;
  /** Applying merges (absent when the service has no state repository or secret key). */
  readonly apply?: ApplyPorts;
  /** Building images (absent: the preset's default image is deployed, and the comment says so). */
  readonly build?: BuildPorts;
  /** The scheduled resync (absent: a resync job only says it is not configured). */
  readonly resync?: ResyncPorts;
  /** The scheduled delivery sweeper (GitHub App mode only). */
  readonly sweep?: SweepPorts;
}

export interface JobContext {
  readonly logger: Logger;
  /** Whether the queue will retry the job after this error (so a handler knows a failure is final). */
  willRetry(err: unknown): boolean;
}

export const PLAN_STATUS_CONTEXT = 'pave/plan';
export const PLAN_MARKER = '<!-- pave:plan -->';
export const PLATFORM_PLAN_MARKER = '<!-- pave:platform-plan -->';
export const DEPLOY_MARKER = '<!-- pave:deploy -->';
export const RECONCILE_MARKER = '<!-- pave:reconcile -->';

/** Run ids are safe in URLs and job ids: `pr-owner~name-12-1a2b3c4d5e6f`. */
export function runIdFor(kind: 'pr' | 'platform-pr', repo: string, prNumber: number, headSha: string, suffix = ''): string {
  return `${kind}-${repo.replace('/', '~')}-${prNumber}-${headSha.slice(0, 12)}${suffix}`;
}
