/**
 * The platform repository as the jobs see it: read through a {@link RepositoryReader} at a commit,
 * validated by `loadPlatform`, cached by commit sha (a sha never changes, so the cache never goes
 * stale; the default branch is resolved to a sha on every call). Who may do what is read only
 * from the default branch, never from a pull request.
 */
import type { RepositoryReader } from '../domain/ports.js';
import { isPlatformInput, loadPlatform, type LoadPlatformResult } from '../config/platform/index.js';

export interface PlatformAt {
  readonly sha: string;
  readonly result: LoadPlatformResult;
}

export interface PlatformSource {
  readonly repo: string;
  /** The platform at the head of its default branch. */
  current(): Promise<PlatformAt>;
  /** The platform at a commit (a platform pull request's base or head). */
  at(sha: string): Promise<PlatformAt>;
}

export function createPlatformSource(reader: RepositoryReader, repo: string, options: { cacheSize?: number } = {}): PlatformSource {
  const max = options.cacheSize ?? 32;
  const cache = new Map<string, Promise<PlatformAt>>();
  function at(sha: string): Promise<PlatformAt> {
    const hit = cache.get(sha);
    if (hit) {
      cache.delete(sha);
      cache.set(sha, hit);
      return hit;
    }
    const loading = reader.readTree(repo, sha, isPlatformInput).then((tree) => ({ sha, result: loadPlatform(tree) }));
    loading.catch(() => cache.delete(sha));
    cache.set(sha, loading);
    while (cache.size > max) cache.delete(cache.keys().next().value!);
    return loading;
  }
  return {
    repo,
    at,
    async current() {
      const branch = await reader.defaultBranch(repo);
      return at(await reader.resolveRef(repo, branch));
    },
  };
}
