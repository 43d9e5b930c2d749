/**
 * {@link StatusReporter} over `POST /repos/{owner}/{repo}/statuses/{sha}`. GitHub refuses
 * descriptions over 140 characters, so longer ones are cut to 139 and end with `…`.
 */
import type { CommitStatus, RepoName, StatusReporter } from '../../domain/ports.js';
import type { GitHubClient } from './client.js';
import { translated } from './errors.js';
import { splitRepo } from './repo-name.js';

/** GitHub's limit on a status description, in characters. */
export const MAX_STATUS_DESCRIPTION = 140;

/** `text` cut to `max` characters (code points, never half a surrogate pair), ending with `…` when cut. */
export function cutDescription(text: string, max = MAX_STATUS_DESCRIPTION): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** Commit statuses through `octokit` (an installation or token client). */
export function createStatusReporter(octokit: GitHubClient): StatusReporter {
  return {
    async setStatus(repo: RepoName, sha: string, status: CommitStatus): Promise<void> {
      await translated(() => octokit.rest.repos.createCommitStatus({
        ...splitRepo(repo),
        sha,
        state: status.state,
        context: status.context,
        description: cutDescription(status.description),
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      }));
    },
  };
}
