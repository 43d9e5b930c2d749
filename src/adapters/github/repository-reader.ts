/**
 * {@link RepositoryReader} over GitHub's git data API. Never clones.
 *
 * - A commit's file list comes from one recursive tree request. When GitHub truncates it (more
 *   than 100,000 entries or 7 MB), the reader lists the root non-recursively and lists each
 *   subdirectory on its own (recursively, and again level by level where that is truncated too).
 * - File contents come from the blobs API, only for the paths `include` selects, a few at a time.
 *   A blob larger than `maxBytes` (its size is in the listing) is not downloaded: the reader
 *   returns `maxBytes + 1` zero bytes in its place, exactly what the filesystem reader returns
 *   for a large file, so the parser reports "too large" without GitHub sending megabytes.
 * - Listings are cached by repository and commit or tree sha, blobs by blob sha (a blob is only
 *   looked up through a listing of the caller's own repository), in the shared
 *   {@link ObjectCache}. Nothing is cached by branch name; the default branch is remembered for
 *   a minute.
 * - {@link RepositoryReader.changedFiles} compares the two commits' file lists by blob sha: exact
 *   for any number of files (the compare API stops at 300), and usually free since plans read
 *   those trees anyway. It is a two-tree diff: pass the merge base to ignore the base branch's
 *   own later changes.
 */
import { TerminalError } from '../../domain/errors.js';
import type { Clock, PullRequestInfo, RepoName, RepositoryReader } from '../../domain/ports.js';
import type { SourceTree } from '../../domain/source-tree.js';
import type { GitHubClient } from './client.js';
import { translated } from './errors.js';
import type { ObjectCache } from './object-cache.js';
import { splitRepo } from './repo-name.js';

export interface RepositoryReaderOptions {
  readonly cache: ObjectCache;
  /** @defaultValue the system clock */
  readonly clock?: Clock;
  /** How long a repository's default branch is remembered, ms. @defaultValue 60000 */
  readonly defaultBranchTtlMs?: number;
  /** Most files a tree may list. @defaultValue 200000 */
  readonly maxFiles?: number;
  /** Blob downloads in flight per `readTree`. @defaultValue 8 */
  readonly concurrency?: number;
}

/** A file of a listing: path, blob sha, size in bytes. */
type FileEntry = readonly [path: string, sha: string, size: number];

interface TreeItem {
  readonly path?: string;
  readonly mode?: string;
  readonly type?: string;
  readonly sha?: string;
  readonly size?: number;
}

const DEFAULT_MAX_BYTES = 1024 * 1024;
const SHA = /^[0-9a-f]{40}$/;

/** Run `fn` over `items` with at most `limit` calls in flight. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A reader over `octokit` (an installation or token client) that caches in `options.cache`. */
export function createRepositoryReader(octokit: GitHubClient, options: RepositoryReaderOptions): RepositoryReader {
  const { cache } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const ttl = options.defaultBranchTtlMs ?? 60_000;
  const maxFiles = options.maxFiles ?? 200_000;
  const concurrency = options.concurrency ?? 8;
  const repositories = new Map<string, { branch: string; fork: boolean; at: number }>();
  const inFlight = new Map<string, Promise<unknown>>();

  /** The repository's default branch and whether it is a fork, asked at most once per `ttl`. */
  async function repository(repo: RepoName): Promise<{ branch: string; fork: boolean }> {
    const now = clock.now().getTime();
    const known = repositories.get(repo.toLowerCase());
    if (known && now - known.at < ttl) return known;
    const { data } = await translated(() => octokit.rest.repos.get(splitRepo(repo)));
    const entry = { branch: data.default_branch, fork: data.fork, at: now };
    repositories.set(repo.toLowerCase(), entry);
    return entry;
  }

  /** Concurrent jobs asking for the same sha share one request. */
  function shared<T>(key: string, load: () => Promise<T>): Promise<T> {
    const pending = inFlight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const promise = load().finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  }

  async function getTree(repo: RepoName, sha: string, recursive: boolean): Promise<{ items: readonly TreeItem[]; truncated: boolean }> {
    const key = `tree:${repo.toLowerCase()}@${sha}${recursive ? ':r' : ''}`;
    const cached = cache.get<{ items: readonly TreeItem[]; truncated: boolean }>(key);
    if (cached) return cached;
    const { data } = await shared(key, () => translated(() => octokit.rest.git.getTree({ ...splitRepo(repo), tree_sha: sha, ...(recursive ? { recursive: '1' } : {}) })));
    const value = {
      items: data.tree.map((t) => ({ path: t.path, mode: t.mode, type: t.type, sha: t.sha, size: t.size })),
      truncated: data.truncated,
    };
    // Only complete listings are worth keeping; a truncated one is walked again level by level.
    if (!value.truncated) cache.set(key, value, 64 + value.items.reduce((n, t) => n + 120 + 2 * (t.path?.length ?? 0), 0));
    return value;
  }

  /** Every file under tree `sha`, paths prefixed with `prefix`. */
  async function listFiles(repo: RepoName, sha: string, prefix: string, out: FileEntry[]): Promise<void> {
    const full = await getTree(repo, sha, true);
    if (!full.truncated) {
      for (const item of full.items) {
        // Only regular files: symbolic links (120000) are never followed, submodules are not files.
        if (item.type === 'blob' && item.mode !== '120000' && item.path && item.sha) out.push([`${prefix}${item.path}`, item.sha, item.size ?? 0]);
      }
    } else {
      const level = await getTree(repo, sha, false);
      for (const item of level.items) {
        if (!item.path || !item.sha) continue;
        if (item.type === 'blob' && item.mode !== '120000') out.push([`${prefix}${item.path}`, item.sha, item.size ?? 0]);
        else if (item.type === 'tree') await listFiles(repo, item.sha, `${prefix}${item.path}/`, out);
      }
    }
    if (out.length > maxFiles) throw new TerminalError(`${repo} lists more than ${maxFiles} files`);
  }

  /** The files of a commit (or tree) sha, cached. */
  async function filesAt(repo: RepoName, sha: string): Promise<readonly FileEntry[]> {
    const key = `files:${repo.toLowerCase()}@${sha}`;
    const cached = cache.get<readonly FileEntry[]>(key);
    if (cached) return cached;
    const files: FileEntry[] = [];
    await listFiles(repo, sha, '', files);
    cache.set(key, files, files.reduce((n, [path]) => n + 100 + 2 * path.length, 0));
    return files;
  }

  async function blob(repo: RepoName, sha: string): Promise<Uint8Array> {
    const key = `blob:${sha}`;
    const cached = cache.get<Uint8Array>(key);
    if (cached) return cached;
    const { data } = await shared(key, () => translated(() => octokit.rest.git.getBlob({ ...splitRepo(repo), file_sha: sha })));
    const bytes = data.encoding === 'base64' ? new Uint8Array(Buffer.from(data.content, 'base64')) : new TextEncoder().encode(data.content);
    cache.set(key, bytes, bytes.byteLength + 64);
    return bytes;
  }

  const reader: RepositoryReader = {
    async resolveRef(repo, ref) {
      if (SHA.test(ref)) return ref;
      // The `sha` media type answers with the bare sha: no file list, no patches.
      const { data } = await translated(() => octokit.rest.repos.getCommit({ ...splitRepo(repo), ref, mediaType: { format: 'sha' } }));
      return String(data).trim();
    },

    async defaultBranch(repo) {
      return (await repository(repo)).branch;
    },

    async isFork(repo) {
      return (await repository(repo)).fork;
    },

    async readTree(repo, shaOrRef, include, maxBytes = DEFAULT_MAX_BYTES): Promise<SourceTree> {
      const sha = await reader.resolveRef(repo, shaOrRef);
      const listing = await filesAt(repo, sha);
      const files = new Map<string, Uint8Array>();
      const wanted = listing.filter(([path]) => include(path));
      await forEachLimited(wanted, concurrency, async ([path, blobSha, size]) => {
        if (size > maxBytes) {
          files.set(path, new Uint8Array(maxBytes + 1));
          return;
        }
        const bytes = await blob(repo, blobSha);
        files.set(path, bytes.byteLength > maxBytes ? bytes.subarray(0, maxBytes + 1) : bytes);
      });
      return { paths: new Set(listing.map(([path]) => path)), files };
    },

    async changedFiles(repo, base, head) {
      const [before, after] = await Promise.all([
        reader.resolveRef(repo, base).then((sha) => filesAt(repo, sha)),
        reader.resolveRef(repo, head).then((sha) => filesAt(repo, sha)),
      ]);
      const old = new Map(before.map(([path, sha]) => [path, sha]));
      const changed = new Set<string>();
      for (const [path, sha] of after) {
        if (old.get(path) !== sha) changed.add(path);
        old.delete(path);
      }
      for (const path of old.keys()) changed.add(path);
      return [...changed].sort();
    },

    async pullRequest(repo, number): Promise<PullRequestInfo> {
      const { data } = await translated(() => octokit.rest.pulls.get({ ...splitRepo(repo), pull_number: number }));
      // A deleted fork leaves `head.repo` null: treat it as a fork.
      const headRepo = data.head.repo?.full_name;
      return {
        number: data.number,
        headSha: data.head.sha,
        baseSha: data.base.sha,
        state: data.state === 'open' ? 'open' : 'closed',
        merged: data.merged,
        fromFork: headRepo === undefined || headRepo.toLowerCase() !== data.base.repo.full_name.toLowerCase(),
      };
    },
  };
  return reader;
}
