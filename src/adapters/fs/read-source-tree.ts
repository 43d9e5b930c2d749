/**
 * Read a directory into a {@link SourceTree}: every file path (for discovery and existence
 * checks) and the bytes of the files `include` selects. Bounded: `.git` and `node_modules` are
 * skipped, symbolic links are never followed (a link cannot smuggle a file from outside the
 * tree), at most `maxFiles` paths are listed, and at most `maxBytes + 1` bytes of any file are
 * read — enough for the parser to see that it is too large, never more.
 */
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceTree } from '../../domain/source-tree.js';

export interface ReadTreeOptions {
  /** Which files' contents to read (POSIX path relative to the root). */
  readonly include: (path: string) => boolean;
  /** @defaultValue 200000 */
  readonly maxFiles?: number;
  /** @defaultValue 1 MiB */
  readonly maxBytes?: number;
}

const SKIP = new Set(['.git', 'node_modules']);

export class TreeTooLargeError extends Error {
  override readonly name = 'TreeTooLargeError';
}

export async function readSourceTree(root: string, options: ReadTreeOptions): Promise<SourceTree> {
  const maxFiles = options.maxFiles ?? 200_000;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const paths = new Set<string>();
  const files = new Map<string, Uint8Array>();
  const pending: string[] = [''];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    const entries = await readdir(join(root, rel), { withFileTypes: true });
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name)) pending.push(path);
      } else if (entry.isFile()) {
        paths.add(path);
        if (paths.size > maxFiles) throw new TreeTooLargeError(`${root} holds more than ${maxFiles} files`);
        if (options.include(path)) files.set(path, await readHead(join(root, path), maxBytes + 1));
      }
    }
  }
  return { paths, files };
}

async function readHead(file: string, limit: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = new Uint8Array(limit);
    let total = 0;
    while (total < limit) {
      const { bytesRead } = await handle.read(buffer, total, limit - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    return buffer.subarray(0, total);
  } finally {
    await handle.close();
  }
}
