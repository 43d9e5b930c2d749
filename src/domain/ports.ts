/**
 * Ports: what the jobs need from the outside world, owned by the core and implemented by
 * adapters (GitHub's REST API, local directories in the embedded default, in-memory fakes in
 * unit tests). Every method may throw the errors of `domain/errors.ts` and nothing else.
 */
import type { CurrentState } from './orphans.js';
import type { SourceTree } from './source-tree.js';

/** `owner/name`. */
export type RepoName = string;

/** Reads repositories at a commit. Never clones: trees and blobs through an API, cached by sha. */
export interface RepositoryReader {
  /** The commit a branch (or tag) points at now. */
  resolveRef(repo: RepoName, ref: string): Promise<string>;
  /** The repository's default branch. */
  defaultBranch(repo: RepoName): Promise<string>;
  /** Whether the repository is a fork: pave never applies a fork (only what is merged upstream). */
  isFork(repo: RepoName): Promise<boolean>;
  /**
   * Every path at `sha`, and the contents of the paths `include` selects (blobs are cached by
   * blob sha, so unchanged files are never fetched twice). Files larger than `maxBytes` are read
   * only to `maxBytes + 1` bytes or not at all (the parser then reports them as too large).
   */
  readTree(repo: RepoName, sha: string, include: (path: string) => boolean, maxBytes?: number): Promise<SourceTree>;
  /** Paths changed between two commits (for a pull request: base...head). */
  changedFiles(repo: RepoName, base: string, head: string): Promise<readonly string[]>;
  /** A pull request's current head and base (for `/pave plan`, which arrives without them). */
  pullRequest(repo: RepoName, number: number): Promise<PullRequestInfo>;
}

export interface PullRequestInfo {
  readonly number: number;
  readonly headSha: string;
  readonly baseSha: string;
  readonly state: 'open' | 'closed';
  readonly merged: boolean;
  /** Opened from a fork: plan only, never build or touch secrets. */
  readonly fromFork: boolean;
}

export type CommitState = 'pending' | 'success' | 'failure' | 'error';

export interface CommitStatus {
  /** e.g. `pave/plan`. */
  readonly context: string;
  readonly state: CommitState;
  /** Cut to 140 characters by the reporter. */
  readonly description: string;
  readonly targetUrl?: string;
}

/** Commit statuses on a sha. */
export interface StatusReporter {
  setStatus(repo: RepoName, sha: string, status: CommitStatus): Promise<void>;
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/** Pull-request conversation: one sticky comment per (PR or commit, marker), reactions, replies. */
export interface CommentReporter {
  /**
   * Create or edit in place the one comment of `issueNumber` that carries the hidden `marker`.
   * Does nothing when the body is unchanged. Bodies are cut to GitHub's limit, never rejected.
   */
  upsertComment(repo: RepoName, issueNumber: number, marker: string, body: string): Promise<UpsertOutcome>;
  /**
   * The same sticky comment on a commit, for a result with no pull request to post on (a direct
   * push to the default branch): create or edit in place the one comment of `sha` that carries
   * `marker`. Does nothing when the body is unchanged, so a retried report never adds a second.
   */
  upsertCommitComment(repo: RepoName, sha: string, marker: string, body: string): Promise<UpsertOutcome>;
  /** Add a reaction (`eyes`, `+1`, `confused` …) to an issue comment. Idempotent. */
  react(repo: RepoName, commentId: number, content: 'eyes' | '+1' | '-1' | 'confused' | 'rocket'): Promise<void>;
  /** Post a new comment (command replies). */
  reply(repo: RepoName, issueNumber: number, body: string): Promise<void>;
}

/** Team and collaborator questions for command authorization. */
export interface Directory {
  /** Whether `login` is a member of `@org/team`. */
  isTeamMember(team: string, login: string): Promise<boolean>;
  /** The user's permission on the repository (`admin`, `maintain`, `write`, `triage`, `read`, `none`). */
  permission(repo: RepoName, login: string): Promise<'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'>;
}

/** The current state of every component, as the state repository records it. */
export interface StateSource {
  /** Keyed `environment/project/component` (see `planner/plan.ts` stateKey); orphans included. */
  snapshot(): Promise<ReadonlyMap<string, CurrentState>>;
}

/** Time, injected so that tests and the planner stay deterministic. */
export interface Clock {
  now(): Date;
}
