/**
 * What the local and the remote state repository share: creating a bare repository atomically,
 * and turning a change set into a commit object on top of a parent.
 */
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as git from 'isomorphic-git';
import type { StateRepository } from '../../domain/apply.js';
import { ConfigError } from '../../domain/errors.js';
import { atomicFs } from './atomic-fs.js';
import { applyChanges, readFilesAt, type ObjectStore } from './tree-changes.js';

/**
 * Create a bare repository at `dir` unless one is there. It is initialised in a temporary
 * directory beside `dir` and renamed into place, so a process that races us, or crashes half-way,
 * never leaves a half-made repository behind. `initialize` runs on the new repository before it
 * is moved into place.
 */
export async function ensureBareRepository(dir: string, defaultBranch: string, initialize?: (gitdir: string) => Promise<void>): Promise<void> {
  if (await isRepository(dir)) return;
  const target = resolve(dir);
  await mkdir(dirname(target), { recursive: true });
  const temporary = await mkdtemp(join(dirname(target), `.${basename(target)}.init-`));
  try {
    await git.init({ fs: atomicFs, gitdir: temporary, dir: temporary, bare: true, defaultBranch });
    await initialize?.(temporary);
    await rename(temporary, target);
  } catch (err) {
    await rm(temporary, { recursive: true, force: true });
    // Someone else created it first: theirs is as good as ours.
    if (await isRepository(dir)) return;
    const code = (err as { code?: string }).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') {
      throw new ConfigError(`state repository ${dir} exists but is not a bare git repository`, { cause: err });
    }
    throw err;
  }
}

async function isRepository(dir: string): Promise<boolean> {
  try {
    await stat(join(dir, 'HEAD'));
    await stat(join(dir, 'objects'));
    return true;
  } catch {
    return false;
  }
}

/** The root tree of a commit (undefined for no commit). */
export async function treeOf(store: ObjectStore, commit: string | undefined): Promise<string | undefined> {
  if (commit === undefined) return undefined;
  return (await git.readCommit({ fs: atomicFs, gitdir: store.gitdir, oid: commit, cache: store.cache })).commit.tree;
}

export async function readFilesOf(store: ObjectStore, commit: string | undefined, prefix: string, include?: (path: string) => boolean): Promise<Map<string, string>> {
  return readFilesAt(store, await treeOf(store, commit), prefix, include);
}

/**
 * The state repository port, plus an optional filter on what is read: git-backed repositories
 * read only the files `include` accepts (the planner needs `desired.json` only). Any
 * StateRepository fits this type; one that ignores the filter is still correct.
 */
export interface FilteringStateRepository extends StateRepository {
  readFiles(prefix: string, include?: (path: string) => boolean): Promise<ReadonlyMap<string, string>>;
}

/** @defaultValue for the object cache of a repository: 64 MiB. */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

export interface Author {
  readonly name: string;
  readonly email: string;
}

/**
 * The commit that applies `changes` on top of `parent`, written to the object store; undefined
 * when `parent` already holds exactly those changes (nothing to commit).
 */
export async function commitOnTop(
  store: ObjectStore,
  parent: string | undefined,
  changes: Readonly<Record<string, string | null>>,
  message: string,
  author: Author,
): Promise<string | undefined> {
  const base = await treeOf(store, parent);
  const tree = await applyChanges(store, base, changes);
  if (parent !== undefined && tree === base) return undefined;
  const person = { name: author.name, email: author.email, timestamp: Math.floor(Date.now() / 1000), timezoneOffset: 0 };
  return git.writeCommit({
    fs: atomicFs,
    gitdir: store.gitdir,
    commit: {
      message: message.endsWith('\n') ? message : `${message}\n`,
      tree,
      parent: parent === undefined ? [] : [parent],
      author: person,
      committer: person,
    },
  });
}
