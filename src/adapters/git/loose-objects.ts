/**
 * A fast path for reading loose objects (`objects/xx/yyyy…`, zlib-deflated `<type> <size>\0<body>`),
 * the format of everything pave itself writes into a local state repository. isomorphic-git pays
 * a fixed cost of about 0.3 ms per call (it re-wraps the fs client and re-discovers the gitdir on
 * every call, and hashes through WebCrypto), which dominates reading thousands of small objects;
 * Node's zlib and hash need a tenth of that. Objects that are not loose (packed by a fetch or by
 * `git gc`) are left to isomorphic-git: callers fall back when this returns undefined.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { TreeEntry } from 'isomorphic-git';

export interface LooseObject {
  readonly type: string;
  readonly body: Buffer;
}

/** The object `oid` if it is loose in `gitdir`, checked against its oid; undefined otherwise. */
export async function readLooseObject(gitdir: string, oid: string): Promise<LooseObject | undefined> {
  let deflated: Buffer;
  try {
    deflated = await readFile(join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2)));
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  // Synchronous on purpose: objects here are small (kilobytes, ~10 µs), and zlib's thread pool
  // round trip costs more than the work.
  const wrapped = inflateSync(deflated);
  if (createHash('sha1').update(wrapped).digest('hex') !== oid) throw new Error(`git object ${oid} is corrupt`);
  const space = wrapped.indexOf(0x20);
  const nul = wrapped.indexOf(0);
  if (space < 0 || nul < space) throw new Error(`git object ${oid} has no header`);
  const body = wrapped.subarray(nul + 1);
  if (Number(wrapped.toString('latin1', space + 1, nul)) !== body.length) throw new Error(`git object ${oid} has the wrong size`);
  return { type: wrapped.toString('latin1', 0, space), body };
}

/** Entries of a tree object's body, as isomorphic-git's `readTree` returns them. */
export function parseTree(body: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const nul = body.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > body.length) throw new Error('malformed git tree');
    const mode = body.toString('latin1', at, space).padStart(6, '0');
    const path = body.toString('utf8', space + 1, nul);
    const oid = body.toString('hex', nul + 1, nul + 21);
    const type = mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
    entries.push({ mode, path, oid, type });
    at = nul + 21;
  }
  return entries;
}
