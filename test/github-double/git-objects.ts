/**
 * Git objects for the GitHub double: blobs, trees and commits hashed exactly as git hashes them
 * (`sha1("<type> <length>\0<content>")`), so shas in tests are real git shas and a tree built from
 * the same files always has the same sha.
 */
import { createHash } from 'node:crypto';

export type GitObject =
  | { readonly type: 'blob'; readonly content: Buffer }
  | { readonly type: 'tree'; readonly entries: readonly TreeEntry[] }
  | { readonly type: 'commit'; readonly tree: string; readonly parents: readonly string[]; readonly message: string; readonly author: Signature; readonly committer: Signature };

export interface TreeEntry {
  readonly name: string;
  readonly mode: '100644' | '100755' | '040000' | '120000';
  readonly type: 'blob' | 'tree';
  readonly sha: string;
}

export interface Signature {
  readonly name: string;
  readonly email: string;
  /** Seconds since the epoch. */
  readonly time: number;
}

/** The objects of one repository, by sha. */
export type ObjectStore = Map<string, GitObject>;

function hashObject(type: string, body: Buffer): string {
  return createHash('sha1').update(`${type} ${body.byteLength}\0`).update(body).digest('hex');
}

/** Store a blob; returns its git sha. */
export function writeBlob(store: ObjectStore, content: string | Uint8Array): string {
  const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  const sha = hashObject('blob', buffer);
  store.set(sha, { type: 'blob', content: buffer });
  return sha;
}

/** git orders tree entries by name, comparing a directory as if its name ended with `/`. */
function entryKey(entry: TreeEntry): string {
  return entry.type === 'tree' ? `${entry.name}/` : entry.name;
}

function writeTreeObject(store: ObjectStore, entries: TreeEntry[]): string {
  const sorted = [...entries].sort((a, b) => (entryKey(a) < entryKey(b) ? -1 : entryKey(a) > entryKey(b) ? 1 : 0));
  const body = Buffer.concat(sorted.flatMap((e) => [Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex')]));
  const sha = hashObject('tree', body);
  store.set(sha, { type: 'tree', entries: sorted });
  return sha;
}

/** Store the tree of `files` (POSIX path → content) and every subtree; returns the root tree sha. */
export function writeTree(store: ObjectStore, files: ReadonlyMap<string, string | Uint8Array>): string {
  interface Dir { dirs: Map<string, Dir>; blobs: Map<string, string> }
  const root: Dir = { dirs: new Map(), blobs: new Map() };
  for (const [path, content] of files) {
    const parts = path.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new Error(`bad path ${JSON.stringify(path)}`);
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      let next = dir.dirs.get(part);
      if (!next) dir.dirs.set(part, (next = { dirs: new Map(), blobs: new Map() }));
      dir = next;
    }
    dir.blobs.set(parts.at(-1)!, writeBlob(store, content));
  }
  const write = (dir: Dir): string => writeTreeObject(store, [
    ...[...dir.dirs].map(([name, sub]): TreeEntry => ({ name, mode: '040000', type: 'tree', sha: write(sub) })),
    ...[...dir.blobs].map(([name, sha]): TreeEntry => ({ name, mode: '100644', type: 'blob', sha })),
  ]);
  return write(root);
}

function formatSignature(s: Signature): string {
  return `${s.name} <${s.email}> ${s.time} +0000`;
}

/** An object's type and body as git stores it (what its sha is computed over, after the header). */
export function serializeObject(obj: GitObject): { type: GitObject['type']; body: Buffer } {
  switch (obj.type) {
    case 'blob':
      return { type: 'blob', body: obj.content };
    case 'tree':
      return { type: 'tree', body: Buffer.concat(obj.entries.flatMap((e) => [Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex')])) };
    case 'commit':
      return { type: 'commit', body: Buffer.from(commitText(obj), 'utf8') };
  }
}

function commitText(commit: Omit<Extract<GitObject, { type: 'commit' }>, 'type'>): string {
  return [
    `tree ${commit.tree}`,
    ...commit.parents.map((p) => `parent ${p}`),
    `author ${formatSignature(commit.author)}`,
    `committer ${formatSignature(commit.committer)}`,
    '',
    commit.message,
  ].join('\n');
}

/** Store a commit object; returns its sha. */
export function writeCommit(store: ObjectStore, commit: Omit<Extract<GitObject, { type: 'commit' }>, 'type'>): string {
  const sha = hashObject('commit', Buffer.from(commitText(commit), 'utf8'));
  store.set(sha, { type: 'commit', ...commit });
  return sha;
}

/** Every entry under `treeSha`, with full paths, in git's order (trees before their contents). */
export function walkTree(store: ObjectStore, treeSha: string, prefix = ''): { path: string; entry: TreeEntry }[] {
  const tree = store.get(treeSha);
  if (tree?.type !== 'tree') throw new Error(`${treeSha} is not a tree`);
  const out: { path: string; entry: TreeEntry }[] = [];
  for (const entry of tree.entries) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    out.push({ path, entry });
    if (entry.type === 'tree') out.push(...walkTree(store, entry.sha, path));
  }
  return out;
}

/** The files of a commit: path → blob sha. */
export function filesOf(store: ObjectStore, commitSha: string): Map<string, string> {
  const commit = store.get(commitSha);
  if (commit?.type !== 'commit') throw new Error(`${commitSha} is not a commit`);
  return new Map(walkTree(store, commit.tree).filter((e) => e.entry.type === 'blob').map((e) => [e.path, e.entry.sha]));
}
