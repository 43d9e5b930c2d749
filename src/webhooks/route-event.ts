/**
 * Which jobs a GitHub webhook asks for. Pure: no I/O, no clock, never throws. The payload is a
 * hint (Argo CD's lesson): jobs carry keys — repository, pull request, sha — and the worker
 * re-reads the truth at that sha.
 *
 * | event | action / condition | jobs |
 * |---|---|---|
 * | `pull_request` | `opened`, `synchronize`, `reopened` (drafts too) | `plan-platform-pr` in the platform repository, else `plan-pr` (either with `fromFork` when the head is in another repository) |
 * | `pull_request` | `closed` | none: a merge arrives as a push to the default branch (apply is a later job) |
 * | `push` | default branch, a commit touched a `.choreo/` path (or the file lists are missing or possibly truncated) | `index-repo` at `after` |
 * | `push` | other branches, tags, deleted branches | none |
 * | `push` | the platform repository's default branch | `reconcile-platform` (fan out to every touched, deployed component) |
 * | `push` | any branch of a fork | none: a fork is never applied (its changes are, once merged upstream) |
 * | `issue_comment` | `created` (never `edited` or `deleted`); not by a bot | `command` |
 * | `installation` | `created`, `new_permissions_accepted` | `index-repo` per repository (no sha: the default branch now) |
 * | `installation` | `deleted` | `forget-repos` |
 * | `installation_repositories` | `added` / `removed` | `index-repo` per repository / `forget-repos` |
 * | `ping`, anything else | | none |
 */
import type { z } from 'zod';
import { JobRequest, type ForgetRepositories, type IndexRepository } from '../queue/jobs.js';
import {
  describeIssue,
  InstallationEvent,
  InstallationRepositoriesEvent,
  IssueCommentEvent,
  PullRequestEvent,
  PushEvent,
} from './payloads.js';

/** What the router knows besides the payload. */
export interface RouteContext {
  /** `owner/name` of the platform repository; undefined in the embedded mode (no GitHub repository). */
  readonly platformRepo?: string | undefined;
  /** pave's own app and bot logins (e.g. `pave[bot]`), whose comments are never commands. */
  readonly botLogins: readonly string[];
  /** `X-GitHub-Delivery`. */
  readonly deliveryId: string;
  /** When the request arrived, in ms since the epoch. */
  readonly receivedAt: number;
}

/** Why a delivery produced no jobs: stable codes for logs and counters. */
export type IgnoreReason =
  | 'ping'
  | 'unsupported-event'
  | 'unsupported-action'
  | 'malformed-payload'
  | 'pull-request-closed'
  | 'branch-deleted'
  | 'not-default-branch'
  | 'fork-push'
  | 'no-component-changes'
  | 'not-a-command'
  | 'comment-by-bot'
  | 'comment-edited'
  | 'no-repositories';

export interface RouteResult {
  readonly jobs: JobRequest[];
  /** Set when `jobs` is empty. */
  readonly ignored?: IgnoreReason;
  /** A human-readable detail (for `malformed-payload`: which field). */
  readonly detail?: string;
}

/**
 * Files under a `.choreo/` directory at any depth describe components (`<dir>/.choreo/component.yaml`
 * in a monorepo), so a push that changes none of them changes no component.
 */
const CHOREO_PATH = /(^|\/)\.choreo\//;

/**
 * GitHub documents a 20-commit cap on push payloads for timeline events (not webhook deliveries),
 * and GitHub Enterprise versions differ; a list of 20 or more may be incomplete, so we index.
 */
const POSSIBLY_TRUNCATED_COMMITS = 20;

const ZERO_SHA = /^0{40}$/;

/**
 * Turn one webhook delivery into job requests. Malformed payloads are not errors: they give no
 * jobs and `ignored: 'malformed-payload'` with the first problem in `detail`.
 *
 * Comments are commands only when written by a person: comments by pave itself (`botLogins`) and
 * by any other bot (`user.type === 'Bot'`) are ignored, so bots cannot drive pave or loop with it.
 */
export function routeEvent(name: string, payload: unknown, ctx: RouteContext): RouteResult {
  switch (name) {
    case 'pull_request':
      return parsed(PullRequestEvent, payload, (p) => routePullRequest(p, ctx));
    case 'push':
      return parsed(PushEvent, payload, (p) => routePush(p, ctx));
    case 'issue_comment':
      return parsed(IssueCommentEvent, payload, (p) => routeIssueComment(p, ctx));
    case 'installation':
      return parsed(InstallationEvent, payload, (p) => routeInstallation(p, ctx));
    case 'installation_repositories':
      return parsed(InstallationRepositoriesEvent, payload, (p) => routeInstallationRepositories(p, ctx));
    case 'ping':
      return ignore('ping');
    default:
      return ignore('unsupported-event');
  }
}

function routePullRequest(p: PullRequestEvent, ctx: RouteContext): RouteResult {
  if (p.action === 'closed') return ignore('pull-request-closed');
  if (p.action !== 'opened' && p.action !== 'synchronize' && p.action !== 'reopened') return ignore('unsupported-action');
  const repo = p.repository.full_name;
  const common = {
    ...base(p.installation, ctx),
    repo,
    prNumber: p.number,
    headSha: p.pull_request.head.sha,
    baseSha: p.pull_request.base.sha,
  };
  // A deleted fork leaves `head.repo` null: still a fork.
  const headRepo = p.pull_request.head.repo;
  const fromFork = headRepo === null || (headRepo !== undefined && !sameName(headRepo.full_name, repo));
  return isPlatformRepo(repo, ctx)
    ? jobs([{ kind: 'plan-platform-pr', ...common, ...(fromFork ? { fromFork } : {}) }])
    : jobs([{ kind: 'plan-pr', ...common, all: false, ...(fromFork ? { fromFork } : {}) }]);
}

function routePush(p: PushEvent, ctx: RouteContext): RouteResult {
  if (p.deleted === true || ZERO_SHA.test(p.after)) return ignore('branch-deleted');
  if (p.repository.fork === true) return ignore('fork-push');
  if (p.ref !== `refs/heads/${p.repository.default_branch}`) return ignore('not-default-branch');
  const repo = p.repository.full_name;
  const prNumber = mergedPullRequest(p.head_commit?.message);
  if (isPlatformRepo(repo, ctx)) {
    return jobs([{ kind: 'reconcile-platform', ...base(p.installation, ctx), repo, sha: p.after, before: p.before ?? '0'.repeat(40), actor: p.pusher?.name ?? 'unknown', ...(prNumber ? { prNumber } : {}) }]);
  }
  if (!mayTouchComponents(p.commits)) return ignore('no-component-changes');
  return jobs([
    { kind: 'index-repo', ...base(p.installation, ctx), repo, sha: p.after },
    { kind: 'apply', ...base(p.installation, ctx), repo, sha: p.after, actor: p.pusher?.name ?? 'unknown', ...(prNumber ? { prNumber } : {}) },
  ]);
}

/**
 * The pull request a merge commit names: GitHub's merge commits say `Merge pull request #12 from …`,
 * squash merges end their first line with `(#12)`.
 */
export function mergedPullRequest(message: string | undefined): number | undefined {
  const first = (message ?? '').split('\n')[0] ?? '';
  const m = /^Merge pull request #(\d+) /.exec(first) ?? /\(#(\d+)\)\s*$/.exec(first);
  return m ? Number(m[1]) : undefined;
}

/** False only when complete file lists show that no `.choreo/` path changed. */
function mayTouchComponents(commits: PushEvent['commits']): boolean {
  // An empty list with a moved ref (a force-push to an older commit) says nothing about files.
  if (!commits || commits.length === 0 || commits.length >= POSSIBLY_TRUNCATED_COMMITS) return true;
  for (const c of commits) {
    if (!c.added || !c.modified || !c.removed) return true;
    if ([...c.added, ...c.modified, ...c.removed].some((path) => CHOREO_PATH.test(path))) return true;
  }
  return false;
}

function routeIssueComment(p: IssueCommentEvent, ctx: RouteContext): RouteResult {
  // An edit never runs a command: the job would run as the comment's author (`comment.user`), while
  // the edit may be someone else's (a maintainer may edit any comment) — and a command is what was
  // posted, once. A corrected command is a new comment.
  if (p.action === 'edited') return parseCommand(p.comment.body) === undefined ? ignore('not-a-command') : ignore('comment-edited');
  if (p.action !== 'created') return ignore('unsupported-action');
  const command = parseCommand(p.comment.body);
  if (command === undefined) return ignore('not-a-command');
  const author = p.comment.user;
  if (author.type === 'Bot' || ctx.botLogins.some((login) => sameName(login, author.login))) return ignore('comment-by-bot');
  return jobs([{
    kind: 'command',
    ...base(p.installation, ctx),
    repo: p.repository.full_name,
    issueNumber: p.issue.number,
    isPullRequest: p.issue.pull_request != null,
    commentId: p.comment.id,
    author: author.login,
    command,
  }]);
}

const COMMAND_MAX = 500;

/**
 * The command of a comment whose first line is `/pave` or `/pave <words>`: the words, trimmed
 * (`''` for a bare `/pave`). Undefined when the comment is not a command.
 */
export function parseCommand(body: string | null): string | undefined {
  if (!body) return undefined;
  const firstLine = body.trimStart().split(/\r?\n/, 1)[0]!.trimEnd();
  if (firstLine === '/pave') return '';
  const match = /^\/pave[ \t]+(.*)$/.exec(firstLine);
  return match ? match[1]!.slice(0, COMMAND_MAX) : undefined;
}

function routeInstallation(p: InstallationEvent, ctx: RouteContext): RouteResult {
  const repos = (p.repositories ?? []).map((r) => r.full_name);
  switch (p.action) {
    case 'created':
    case 'new_permissions_accepted':
      return indexAll(repos, p.installation.id, ctx);
    case 'deleted':
      return forget(repos, p.installation.id, ctx);
    default:
      return ignore('unsupported-action');
  }
}

function routeInstallationRepositories(p: InstallationRepositoriesEvent, ctx: RouteContext): RouteResult {
  switch (p.action) {
    case 'added':
      return indexAll(p.repositories_added.map((r) => r.full_name), p.installation.id, ctx);
    case 'removed':
      return forget(p.repositories_removed.map((r) => r.full_name), p.installation.id, ctx);
    default:
      return ignore('unsupported-action');
  }
}

function indexAll(repos: readonly string[], installationId: number, ctx: RouteContext): RouteResult {
  if (repos.length === 0) return ignore('no-repositories');
  return jobs(repos.map((repo): IndexRepository => ({ kind: 'index-repo', ...base({ id: installationId }, ctx), repo })));
}

function forget(repos: readonly string[], installationId: number, ctx: RouteContext): RouteResult {
  if (repos.length === 0) return ignore('no-repositories');
  const job: ForgetRepositories = { kind: 'forget-repos', ...base({ id: installationId }, ctx), repos: [...repos] };
  return jobs([job]);
}

function base(installation: { id: number } | null | undefined, ctx: RouteContext) {
  return {
    ...(installation ? { installationId: installation.id } : {}),
    deliveryId: ctx.deliveryId,
    receivedAt: ctx.receivedAt,
  };
}

function isPlatformRepo(repo: string, ctx: RouteContext): boolean {
  return ctx.platformRepo !== undefined && sameName(repo, ctx.platformRepo);
}

/** GitHub logins and repository names are case-insensitive. */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function parsed<T>(schema: z.ZodType<T>, payload: unknown, route: (p: T) => RouteResult): RouteResult {
  const result = schema.safeParse(payload);
  return result.success ? route(result.data) : { jobs: [], ignored: 'malformed-payload', detail: describeIssue(result.error) };
}

/** Validate what we built against the queue contract, so nothing invalid reaches the queue. */
function jobs(built: JobRequest[]): RouteResult {
  for (const job of built) {
    const check = JobRequest.safeParse(job);
    if (!check.success) return { jobs: [], ignored: 'malformed-payload', detail: describeIssue(check.error) };
  }
  return { jobs: built };
}

function ignore(reason: IgnoreReason): RouteResult {
  return { jobs: [], ignored: reason };
}
