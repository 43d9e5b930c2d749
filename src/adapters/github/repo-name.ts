import { TerminalError } from '../../domain/errors.js';
import type { RepoName } from '../../domain/ports.js';

/** `owner/name` as Octokit's `{ owner, repo }`. */
export function splitRepo(repo: RepoName): { owner: string; repo: string } {
  const [owner, name, extra] = repo.split('/');
  if (!owner || !name || extra !== undefined) throw new TerminalError(`not a repository name: ${repo}`);
  return { owner, repo: name };
}
