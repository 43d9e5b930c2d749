/**
 * {@link StatusReporter} over `POST /repos/{owner}/{repo}/statuses/{sha}`. GitHub refuses
 * descriptions over 140 characters, so longer ones are cut to 139 and end with `…`.
 *
 * Statuses are append-only on GitHub: a report retried after a worker died between its POST and
 * the end of its job would add the same status again. So the newest status of the context is read
 * first (`GET …/commits/{ref}/statuses`, newest first) and an identical one is not posted twice.
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
      const description = cutDescription(status.description);
      // A commit GitHub does not know has no statuses: the POST below then says why (422).
      const data = await translated(() => octokit.rest.repos.listCommitStatusesForRef({ ...splitRepo(repo), ref: sha, per_page: 100 }))
        .then((r) => r.data, (err: unknown) => { if ((err as { code?: string }).code === 'not-found') return []; throw err; });
      const latest = data.find((s) => s.context === status.context);
      if (latest && latest.state === status.state && (latest.description ?? '') === description && (latest.target_url ?? undefined) === (status.targetUrl ?? undefined)) return;
      await translated(() => octokit.rest.repos.createCommitStatus({
        ...splitRepo(repo),
        sha,
        state: status.state,
        context: status.context,
        description,
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      }));
    },
  };
}
