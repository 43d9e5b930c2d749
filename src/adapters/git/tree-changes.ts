/**
 * Reading and editing git trees directly in the object database, without a working tree or an
 * index: the state repository is only ever a bare repository.
 *
 * Editing rebuilds only the trees along the changed paths (every other subtree keeps its oid), so
 * a commit costs O(changed paths × depth) object writes whatever the size of the repository, and
 * an edit that changes nothing yields the very same root tree oid (the idempotency check).
 */
import * as git from 'isomorphic-git';
import { atomicFs } from './atomic-fs.js';
import { parseTree, readLooseObject } from './loose-objects.js';
import type { ObjectCache } from './object-cache.js';

/**
 * Where the objects are, isomorphic-git's cache (pack indexes) shared by every call on that
 * repository, and pave's cache of parsed trees and decoded files.
 */
export interface ObjectStore {
  readonly gitdir: string;
  readonly cache: object;
  readonly objects: ObjectCache;
}

/** Rough memory cost of one cached tree entry (oid, name, mode, object overhead). */
const TREE_ENTRY_BYTES = 200;

type Entry = git.TreeEntry;

const FILE_MODE = '100644';
const TREE_MODE = '040000';
const READ_CONCURRENCY = 32;

/**
 * Every file under `prefix` (a directory or a single file, `''` for all) in `treeOid`, by path,
 * decoded as UTF-8. `prefix` is matched by whole path segments: `environments/dev` does not
 * include `environments/development`. When given, only files whose path `include` accepts are read.
 */
export async function readFilesAt(store: ObjectStore, treeOid: string | undefined, prefix: string, include?: (path: string) => boolean): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  if (treeOid === undefined) return files;
  const segments = prefix.split('/').filter((s) => s !== '');
  let dirOid = treeOid;
  for (let i = 0; i < segments.length; i++) {
    const entry = (await readTree(store, dirOid)).find((e) => e.path === segments[i]);
    if (!entry) return files;
    const path = segments.slice(0, i + 1).join('/');
    if (entry.type === 'blob') {
      if (i === segments.length - 1 && (include?.(path) ?? true)) files.set(path, await readText(store, entry.oid));
      return files;
    }
    if (entry.type !== 'tree') return files;
    dirOid = entry.oid;
  }
  let blobs: { path: string; oid: string }[] = [];
  await collectBlobs(store, dirOid, segments.join('/'), blobs);
  if (include) blobs = blobs.filter((b) => include(b.path));
  const texts = await mapLimit(blobs, READ_CONCURRENCY, (b) => readText(store, b.oid));
  blobs.forEach((b, i) => files.set(b.path, texts[i]!));
  return files;
}

/**
 * Every blob below `treeOid`, level by level with a bounded number of reads in flight: thousands of
 * concurrent reads would complete in the same turn of the event loop and stall it.
 */
async function collectBlobs(store: ObjectStore, treeOid: string, dir: string, out: { path: string; oid: string }[]): Promise<void> {
  let level = [{ oid: treeOid, path: dir }];
  while (level.length > 0) {
    const listed = await mapLimit(level, READ_CONCURRENCY, (t) => readTree(store, t.oid));
    const next: { oid: string; path: string }[] = [];
    listed.forEach((entries, i) => {
      const base = level[i]!.path;
      for (const e of entries) {
        const path = base === '' ? e.path : `${base}/${e.path}`;
        if (e.type === 'blob') out.push({ path, oid: e.oid });
        else if (e.type === 'tree') next.push({ oid: e.oid, path });
      }
    });
    level = next;
  }
}

/** A nested view of a change set: files to write (text) or delete (null), and subdirectories. */
interface ChangeNode {
  readonly files: Map<string, string | null>;
  readonly dirs: Map<string, ChangeNode>;
}

/**
 * The root tree oid after applying `changes` to `baseTree` (undefined: an empty repository).
 * Returns `baseTree` itself when nothing differs. A directory left empty disappears.
 */
export async function applyChanges(store: ObjectStore, baseTree: string | undefined, changes: Readonly<Record<string, string | null>>): Promise<string> {
  const root = toChangeTree(changes);
  const oid = await rewriteTree(store, baseTree, root, '');
  return oid ?? (await git.writeTree({ fs: atomicFs, gitdir: store.gitdir, tree: [] }));
}

function toChangeTree(changes: Readonly<Record<string, string | null>>): ChangeNode {
  const root: ChangeNode = { files: new Map(), dirs: new Map() };
  for (const [path, content] of Object.entries(changes)) {
    const segments = path.split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..' || s === '.git' || s.includes('\0'))) {
      throw new Error(`invalid state repository path: ${JSON.stringify(path)}`);
    }
    let node = root;
    for (const [depth, segment] of segments.slice(0, -1).entries()) {
      if (node.files.has(segment)) throw new Error(`state changes clash: ${segments.slice(0, depth + 1).join('/')} is both a file and a directory`);
      let child = node.dirs.get(segment);
      if (!child) {
        child = { files: new Map(), dirs: new Map() };
        node.dirs.set(segment, child);
      }
      node = child;
    }
    const name = segments[segments.length - 1]!;
    if (node.dirs.has(name)) throw new Error(`state changes clash: ${path} is both a file and a directory`);
    node.files.set(name, content);
  }
  return root;
}

/** The new oid of the tree at `path`, or undefined when it ends up empty. */
async function rewriteTree(store: ObjectStore, treeOid: string | undefined, changes: ChangeNode, path: string): Promise<string | undefined> {
  const entries = new Map<string, Entry>();
  if (treeOid !== undefined) for (const e of await readTree(store, treeOid)) entries.set(e.path, e);
  let changed = false;
  const where = (name: string) => (path === '' ? name : `${path}/${name}`);

  for (const [name, content] of changes.files) {
    const existing = entries.get(name);
    if (existing && existing.type !== 'blob') throw new Error(`state change ${where(name)}: a directory is in the way`);
    if (content === null) {
      if (existing) {
        entries.delete(name);
        changed = true;
      }
      continue;
    }
    const bytes = new TextEncoder().encode(content);
    const { oid } = await git.hashBlob({ object: bytes });
    if (existing?.oid === oid) continue;
    await git.writeBlob({ fs: atomicFs, gitdir: store.gitdir, blob: bytes });
    entries.set(name, { mode: existing?.mode ?? FILE_MODE, path: name, oid, type: 'blob' });
    changed = true;
  }

  for (const [name, child] of changes.dirs) {
    const existing = entries.get(name);
    if (existing && existing.type !== 'tree') throw new Error(`state change under ${where(name)}: a file is in the way`);
    const oid = await rewriteTree(store, existing?.oid, child, where(name));
    if (oid === existing?.oid) continue;
    if (oid === undefined) entries.delete(name);
    else entries.set(name, { mode: TREE_MODE, path: name, oid, type: 'tree' });
    changed = true;
  }

  if (!changed) return treeOid;
  if (entries.size === 0) return undefined;
  const tree = [...entries.values()].sort(byGitOrder);
  const oid = await git.writeTree({ fs: atomicFs, gitdir: store.gitdir, tree });
  store.objects.set(oid, tree, TREE_ENTRY_BYTES * (tree.length + 1));
  return oid;
}

/** Git's tree order: by name, a directory's name compared as if it ended with `/`. */
function byGitOrder(a: Entry, b: Entry): number {
  const key = (e: Entry) => (e.type === 'tree' ? `${e.path}/` : e.path);
  const [x, y] = [key(a), key(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

async function readTree(store: ObjectStore, oid: string): Promise<readonly Entry[]> {
  const cached = store.objects.get<readonly Entry[]>(oid);
  if (cached) return cached;
  const loose = await readLooseObject(store.gitdir, oid);
  if (loose && loose.type !== 'tree') throw new Error(`git object ${oid} is a ${loose.type}, not a tree`);
  const tree = loose ? parseTree(loose.body) : (await git.readTree({ fs: atomicFs, gitdir: store.gitdir, oid, cache: store.cache })).tree;
  store.objects.set(oid, tree, TREE_ENTRY_BYTES * (tree.length + 1));
  return tree;
}

async function readText(store: ObjectStore, oid: string): Promise<string> {
  const cached = store.objects.get<string>(oid);
  if (cached !== undefined) return cached;
  const loose = await readLooseObject(store.gitdir, oid);
  if (loose && loose.type !== 'blob') throw new Error(`git object ${oid} is a ${loose.type}, not a blob`);
  const bytes = loose ? loose.body : (await git.readBlob({ fs: atomicFs, gitdir: store.gitdir, oid, cache: store.cache })).blob;
  const text = new TextDecoder().decode(bytes);
  store.objects.set(oid, text, 2 * text.length + 100);
  return text;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
