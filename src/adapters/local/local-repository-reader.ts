/**
 * The embedded default's repositories: `owner/name` is the directory a resolver names (for
 * example `examples/<name>`, or the platform repository's directory). It serves the working copy:
 * a "sha" is a content hash of the tree, pull requests do not exist, and every component counts
 * as changed. Enough to run pave end to end on a laptop without GitHub.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { NotFoundError } from '../../domain/errors.js';
import type { PullRequestInfo, RepositoryReader } from '../../domain/ports.js';
import { readSourceTree } from '../fs/read-source-tree.js';

export function createLocalRepositoryReader(dirOf: (repo: string) => string | undefined): RepositoryReader {
  function dir(repo: string): string {
    const d = dirOf(repo);
    if (!d || !existsSync(d)) throw new NotFoundError(`repository ${repo} is not available locally`);
    return d;
  }
  return {
    async resolveRef(repo) {
      const tree = await readSourceTree(dir(repo), { include: () => true, maxFiles: 20_000 });
      const hash = createHash('sha1');
      for (const path of [...tree.paths].sort()) {
        hash.update(path).update('\0').update(createHash('sha1').update(tree.files.get(path) ?? new Uint8Array()).digest());
      }
      return hash.digest('hex');
    },
    async defaultBranch() {
      return 'main';
    },
    async isFork() {
      return false;
    },
    async readTree(repo, _sha, include, maxBytes) {
      return readSourceTree(dir(repo), { include, ...(maxBytes !== undefined ? { maxBytes } : {}) });
    },
    async changedFiles(repo) {
      // No history here: treat every file as changed, so every component is planned.
      return [...(await readSourceTree(dir(repo), { include: () => false })).paths];
    },
    async pullRequest(repo, number): Promise<PullRequestInfo> {
      throw new NotFoundError(`the embedded default has no pull requests (${repo}#${number})`);
    },
  };
}
