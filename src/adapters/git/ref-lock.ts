/**
 * Compare-and-swap of a branch in a local repository, safe across processes, with git's own
 * protocol (refs.c, lockfile.c):
 *
 * 1. create `<ref>.lock` with `O_CREAT | O_EXCL` — only one process can; git does the same, so the
 *    `git` CLI and pave exclude each other too;
 * 2. holding it, read the ref (loose file, else `packed-refs`) and compare with the expected value;
 * 3. write the new value into the lock file and `rename` it over the ref: the update and the
 *    release are one atomic step. On a mismatch, unlink the lock instead.
 *
 * isomorphic-git's `writeRef` is a plain write, neither atomic nor conditional, so it is not used
 * for the branch.
 *
 * The critical section runs on synchronous calls, on purpose: it is a handful of small local file
 * operations (well under a millisecond), and no other task of this process can interleave and keep
 * the lock held longer. That keeps the hold time tiny, so a lock older than `staleLockMs` can only
 * belong to a writer that died (or was stopped) between steps 1 and 3.
 *
 * Stale locks are broken by renaming them aside and checking that the file moved is the one seen
 * stale (same inode and mtime); a fresh lock moved by mistake is put back with `link` (which never
 * overwrites). The holder checks, right before its final rename, that the lock path is still its
 * own inode. What remains is a window of microseconds, only after a crash, and only when several
 * writers break the same stale lock at once.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type SwapResult =
  /** The ref now holds the new value. */
  | 'swapped'
  /** The ref no longer holds the expected value: re-read and retry. */
  | 'moved'
  /** Another writer holds the lock right now: retry shortly. */
  | 'busy';

export interface SwapOptions {
  /**
   * Age after which a lock file is considered left behind by a dead writer, in milliseconds.
   * @defaultValue 2000
   */
  readonly staleLockMs?: number;
  readonly now?: () => number;
}

const DEFAULT_STALE_LOCK_MS = 2000;

/**
 * Set `ref` (e.g. `refs/heads/main`) to `next` if and only if it currently holds `expected`
 * (`undefined`: the ref does not exist yet).
 */
export function compareAndSwapRef(gitdir: string, ref: string, expected: string | undefined, next: string, options: SwapOptions = {}): SwapResult {
  const refPath = join(gitdir, ref);
  const lockPath = `${refPath}.lock`;
  mkdirSync(dirname(refPath), { recursive: true });
  const fd = acquire(lockPath, options.staleLockMs ?? DEFAULT_STALE_LOCK_MS, options.now ?? Date.now);
  if (fd === undefined) return 'busy';
  let ino: number | undefined;
  try {
    ino = fstatSync(fd).ino;
    if (readRef(gitdir, ref) !== expected) {
      releaseIfOurs(lockPath, ino);
      return 'moved';
    }
    writeSync(fd, `${next}\n`);
    // Still ours? A writer that took this lock for stale has moved it away.
    if (inodeAt(lockPath) !== ino) return 'busy';
    try {
      renameSync(lockPath, refPath);
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return 'busy'; // moved away by a stale-lock breaker just now
      throw err;
    }
    return 'swapped';
  } catch (err) {
    if (ino !== undefined) releaseIfOurs(lockPath, ino);
    throw err;
  } finally {
    closeSync(fd);
  }
}

/** The value of a ref: its loose file, else its line in `packed-refs`; undefined when absent. */
export function readRef(gitdir: string, ref: string): string | undefined {
  const loose = readIfExists(join(gitdir, ref));
  if (loose !== undefined) {
    const value = loose.trim();
    if (!/^[0-9a-f]{40}$/.test(value)) throw new Error(`${ref} is not a plain ref (${value.slice(0, 60)})`);
    return value;
  }
  const packed = readIfExists(join(gitdir, 'packed-refs'));
  for (const line of packed?.split('\n') ?? []) {
    const space = line.indexOf(' ');
    if (space === 40 && line.slice(space + 1) === ref) return line.slice(0, 40);
  }
  return undefined;
}

function acquire(lockPath: string, staleLockMs: number, now: () => number): number | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return openSync(lockPath, 'wx');
    } catch (err) {
      if (codeOf(err) !== 'EEXIST') throw err;
    }
    const seen = statIfExists(lockPath);
    if (seen === undefined) continue; // released between our open and stat
    if (now() - seen.mtimeMs <= staleLockMs) return undefined;
    if (!breakStaleLock(lockPath, seen)) return undefined;
  }
  return undefined;
}

/** Remove the stale lock `seen`; false when it turned out to be another, live one. */
function breakStaleLock(lockPath: string, seen: { ino: number; mtimeMs: number }): boolean {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return true; // someone else broke it: try to take it
    throw err;
  }
  const moved = statSync(aside);
  if (moved.ino === seen.ino && moved.mtimeMs === seen.mtimeMs) {
    unlinkSync(aside);
    return true;
  }
  // We moved a lock taken in the meantime: put it back unless yet another one appeared.
  try {
    linkSync(aside, lockPath);
  } catch (err) {
    if (codeOf(err) !== 'EEXIST') throw err;
  }
  unlinkSync(aside);
  return false;
}

function releaseIfOurs(lockPath: string, ino: number): void {
  if (inodeAt(lockPath) === ino) unlinkSync(lockPath);
}

function inodeAt(path: string): number | undefined {
  return statIfExists(path)?.ino;
}

function statIfExists(path: string): { ino: number; mtimeMs: number } | undefined {
  try {
    return statSync(path);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (codeOf(err) === 'ENOENT' || codeOf(err) === 'EISDIR') return undefined;
    throw err;
  }
}

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined;
}
