/**
 * The state repository as a local bare git repository (the default when no remote is
 * configured). There is never a working tree: files are read from the tree of the branch head and
 * written as new blobs and trees (see tree-changes.ts).
 *
 * A commit is optimistic: build the new commit on the head read at the start, then move the branch
 * with a compare-and-swap (ref-lock.ts) that succeeds only if the branch still points at that
 * parent. When another writer got there first, re-read and rebuild on the new head, after a short
 * jittered pause, a bounded number of times. Writers of one process also queue on a mutex, so they
 * never race each other; the compare-and-swap is what protects against other processes (and the
 * `git` CLI, which uses the same lock file).
 */
import { join } from 'node:path';
import type { StateChange } from '../../domain/apply.js';
import { TransientError } from '../../domain/errors.js';
import { commitOnTop, DEFAULT_CACHE_BYTES, ensureBareRepository, readFilesOf, type Author, type FilteringStateRepository } from './bare-repository.js';
import { backoffMs, mutexFor, sleep } from './mutex.js';
import { compareAndSwapRef, readRef } from './ref-lock.js';
import { ObjectCache } from './object-cache.js';
import type { ObjectStore } from './tree-changes.js';

export interface LocalStateRepositoryOptions {
  /** The bare repository, e.g. `.pave-state/state.git`; created when missing. */
  readonly dir: string;
  /** @defaultValue `'main'` */
  readonly branch?: string;
  /**
   * Attempts at moving the branch before giving up with a {@link TransientError}.
   * @defaultValue 30
   */
  readonly maxAttempts?: number;
  /**
   * Memory for parsed trees and files kept between reads, in bytes.
   * @defaultValue 64 MiB
   */
  readonly cacheBytes?: number;
  /**
   * Age after which the branch's lock file is treated as left behind by a dead process.
   * @defaultValue 2000
   */
  readonly staleLockMs?: number;
}

export interface LocalStateRepository extends FilteringStateRepository {
  /** The bare repository's directory. */
  readonly gitdir: string;
  /** The branch head, undefined before the first commit. */
  head(): Promise<string | undefined>;
}

export function createLocalStateRepository(options: LocalStateRepositoryOptions): LocalStateRepository {
  const gitdir = options.dir;
  const branch = options.branch ?? 'main';
  const ref = `refs/heads/${branch}`;
  const maxAttempts = options.maxAttempts ?? 30;
  const store: ObjectStore = { gitdir, cache: {}, objects: new ObjectCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES) };
  const mutex = mutexFor(gitdir);
  let ready: Promise<void> | undefined;
  const ensure = () => {
    ready ??= ensureBareRepository(gitdir, branch).catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    return ready;
  };

  async function head(): Promise<string | undefined> {
    await ensure();
    return readRef(gitdir, ref);
  }

  return {
    gitdir,
    head,

    async readFiles(prefix: string, include?: (path: string) => boolean) {
      return readFilesOf(store, await head(), prefix, include);
    },

    async commit(changes: StateChange, message: string, author: Author) {
      await ensure();
      return mutex.run(async () => {
        for (let attempt = 0; ; attempt++) {
          const parent = readRef(gitdir, ref);
          const commit = await commitOnTop(store, parent, changes, message, author);
          if (commit === undefined) return parent!;
          const result = compareAndSwapRef(gitdir, ref, parent, commit, { staleLockMs: options.staleLockMs });
          if (result === 'swapped') return commit;
          if (attempt + 1 >= maxAttempts) {
            throw new TransientError(`state repository ${join(gitdir, ref)}: could not move the branch after ${maxAttempts} attempts (${result === 'busy' ? 'lock held' : 'concurrent writers'})`);
          }
          await sleep(backoffMs(attempt, 5, 250));
        }
      });
    },
  };
}
