/**
 * The parts of GitHub webhook payloads that pave reads, as zod schemas. Everything else in a
 * payload is ignored (zod objects strip unknown keys), so GitHub adding fields never breaks us,
 * and a payload missing a field we need is refused as malformed instead of throwing later.
 *
 * Field names and shapes: https://docs.github.com/en/webhooks/webhook-events-and-payloads
 */
import { z } from 'zod';

/** `owner/name`, as GitHub spells `repository.full_name`. */
const FullName = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/);
const Sha = z.string().regex(/^[0-9a-f]{40}$/);

const Repository = z.object({ full_name: FullName });
/** Present on every delivery to a GitHub App; absent for repository or organization webhooks. */
const Installation = z.object({ id: z.number().int().positive() }).nullish();
const User = z.object({ login: z.string().min(1).max(100), type: z.string().optional() });

export const PullRequestEvent = z.object({
  action: z.string(),
  number: z.number().int().positive(),
  pull_request: z.object({
    /** `repo` is the repository the head branch lives in: another one for a fork, null when the fork was deleted. */
    head: z.object({ sha: Sha, repo: z.object({ full_name: FullName }).nullish() }),
    base: z.object({ sha: Sha }),
    draft: z.boolean().optional(),
  }),
  repository: Repository,
  installation: Installation,
});
export type PullRequestEvent = z.infer<typeof PullRequestEvent>;

const PathList = z.array(z.string()).optional();

export const PushEvent = z.object({
  ref: z.string(),
  after: Sha,
  /** The branch's previous head (zeros for a new branch). */
  before: Sha.optional(),
  deleted: z.boolean().optional(),
  /** `fork`: the push is to a fork (a contributor's copy), never applied. */
  repository: Repository.extend({ default_branch: z.string().min(1), fork: z.boolean().optional() }),
  /** Each commit lists the paths it added, modified and removed (not in the Actions variant). */
  commits: z.array(z.object({ added: PathList, modified: PathList, removed: PathList })).optional(),
  head_commit: z.object({ message: z.string() }).nullable().optional(),
  pusher: z.object({ name: z.string() }).optional(),
  installation: Installation,
});
export type PushEvent = z.infer<typeof PushEvent>;

export const IssueCommentEvent = z.object({
  action: z.string(),
  issue: z.object({
    number: z.number().int().positive(),
    /** Present (an object with URLs) when the issue is a pull request. */
    pull_request: z.object({}).nullish(),
  }),
  comment: z.object({
    id: z.number().int().positive(),
    body: z.string().nullable(),
    user: User,
  }),
  /** On `edited`: the previous body, when the body changed. */
  changes: z.object({ body: z.object({ from: z.string().nullable() }).optional() }).optional(),
  repository: Repository,
  installation: Installation,
});
export type IssueCommentEvent = z.infer<typeof IssueCommentEvent>;

const RepositoryList = z.array(z.object({ full_name: FullName }));

export const InstallationEvent = z.object({
  action: z.string(),
  installation: z.object({ id: z.number().int().positive() }),
  /** The repositories the installation can access; GitHub may omit it. */
  repositories: RepositoryList.nullish(),
});
export type InstallationEvent = z.infer<typeof InstallationEvent>;

export const InstallationRepositoriesEvent = z.object({
  action: z.string(),
  installation: z.object({ id: z.number().int().positive() }),
  repositories_added: RepositoryList,
  repositories_removed: RepositoryList,
});
export type InstallationRepositoriesEvent = z.infer<typeof InstallationRepositoriesEvent>;

/** "path.to.field: message" for the first problem, for logs and counters. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid payload';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
