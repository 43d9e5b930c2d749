/**
 * A deterministic tar writer (POSIX ustar, with PAX extended headers for names that do not fit),
 * streamed: `tarTree` yields 512-byte-aligned buffers and never holds a whole file in memory.
 *
 * Determinism: entries in a fixed order (each directory's children sorted by their UTF-8 bytes,
 * a directory before its contents), owner 0:0 with empty user/group names, mtime 0, modes fixed
 * from the file type and the owner's executable bit (0755 directories and executables, 0644 other
 * files, 0777 symlinks). Symlinks are stored as links and never followed. Device files, FIFOs and
 * sockets are refused: they have no place in a build output.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../domain/errors.js';

const BLOCK = 512;

export type TarEntry =
  | { readonly type: 'directory'; readonly path: string }
  | { readonly type: 'file'; readonly path: string; readonly size: number; readonly executable: boolean; readonly source: string }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string };

export interface TarTreeOptions {
  /**
   * Path inside the archive the tree is placed under, without leading or trailing slash
   * (e.g. `srv/app`); its parent directories are written as entries too. Empty: the archive root.
   */
  readonly prefix: string;
  /** Refuse archives whose uncompressed size would pass this many bytes. */
  readonly maxBytes: number;
}

/** A layer or build output is bigger than allowed. */
export class LayerTooLargeError extends ConfigError {}

/** The entries of `root` in archive order (the prefix's directories first). Never follows symlinks. */
export async function* walkTree(root: string, prefix: string): AsyncGenerator<TarEntry> {
  const parts = prefix.split('/').filter((p) => p.length > 0);
  for (let i = 1; i <= parts.length; i++) yield { type: 'directory', path: parts.slice(0, i).join('/') };
  const rootStat = await lstat(root);
  if (!rootStat.isDirectory()) throw new ConfigError(`layer source ${root} is not a directory`);
  yield* walkDirectory(root, parts.join('/'), '');
}

async function* walkDirectory(dir: string, archiveDir: string, relative: string): AsyncGenerator<TarEntry> {
  const names = await readdir(dir);
  names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names) {
    const full = join(dir, name);
    const path = archiveDir === '' ? name : `${archiveDir}/${name}`;
    const rel = relative === '' ? name : `${relative}/${name}`;
    const stat = await lstat(full);
    if (stat.isSymbolicLink()) {
      yield { type: 'symlink', path, target: await readlink(full) };
    } else if (stat.isDirectory()) {
      yield { type: 'directory', path };
      yield* walkDirectory(full, path, rel);
    } else if (stat.isFile()) {
      yield { type: 'file', path, size: stat.size, executable: (stat.mode & 0o100) !== 0, source: full };
    } else {
      throw new ConfigError(`build output ${rel} is a device file, FIFO or socket; only files, directories and symlinks go into an image layer`);
    }
  }
}

/** The tar stream of `root` (see the module comment). */
export async function* tarTree(root: string, options: TarTreeOptions): AsyncGenerator<Buffer> {
  let total = 0;
  const count = (n: number): void => {
    total += n;
    if (total > options.maxBytes) {
      throw new LayerTooLargeError(`the image layer of ${root} is larger than the limit of ${options.maxBytes} bytes (uncompressed); shrink the build output or raise the limit`);
    }
  };
  for await (const entry of walkTree(root, options.prefix)) {
    const headers = entryHeaders(entry);
    count(headers.length);
    yield headers;
    if (entry.type === 'file') {
      count(entry.size + padding(entry.size));
      yield* fileContents(entry.source, entry.size, entry.path);
    }
  }
  count(2 * BLOCK);
  yield Buffer.alloc(2 * BLOCK);
}

async function* fileContents(source: string, size: number, path: string): AsyncGenerator<Buffer> {
  let read = 0;
  if (size > 0) {
    for await (const chunk of createReadStream(source, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
      read += chunk.length;
      if (read > size) break;
      yield chunk;
    }
  }
  if (read !== size) throw new ConfigError(`build output ${path} changed while the image layer was written (${size} bytes expected, ${read} read)`);
  const pad = padding(size);
  if (pad > 0) yield Buffer.alloc(pad);
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** The header block(s) of one entry: a PAX header first when the path or link target needs one. */
export function entryHeaders(entry: TarEntry): Buffer {
  const name = entry.type === 'directory' ? `${entry.path}/` : entry.path;
  const link = entry.type === 'symlink' ? entry.target : '';
  const pax: Array<[string, string]> = [];
  if (!fitsUstar(name, 100)) pax.push(['path', name]);
  if (!fitsUstar(link, 100)) pax.push(['linkpath', link]);
  const mode = entry.type === 'directory' ? 0o755 : entry.type === 'symlink' ? 0o777 : entry.executable ? 0o755 : 0o644;
  const typeflag = entry.type === 'directory' ? '5' : entry.type === 'symlink' ? '2' : '0';
  const size = entry.type === 'file' ? entry.size : 0;
  const main = header({
    name: pax.some(([k]) => k === 'path') ? asciiTruncate(name) : name,
    mode,
    size,
    typeflag,
    linkname: pax.some(([k]) => k === 'linkpath') ? asciiTruncate(link) : link,
  });
  if (pax.length === 0) return main;
  const body = Buffer.from(pax.map(([k, v]) => paxRecord(k, v)).join(''), 'utf8');
  const paxHeader = header({ name: 'PaxHeader', mode: 0o644, size: body.length, typeflag: 'x', linkname: '' });
  return Buffer.concat([paxHeader, body, Buffer.alloc(padding(body.length)), main]);
}

function fitsUstar(value: string, max: number): boolean {
  // Plain ASCII only in ustar fields; anything else goes into a PAX record (UTF-8 by definition).
  return value.length <= max && /^[\x20-\x7e]*$/.test(value);
}

function asciiTruncate(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '_').slice(0, 100);
}

/** A PAX record: `<length> <key>=<value>\n`, where length counts itself. */
export function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const restBytes = Buffer.byteLength(rest, 'utf8');
  let length = restBytes + String(restBytes).length;
  while (restBytes + String(length).length !== length) length = restBytes + String(length).length;
  return `${length}${rest}`;
}

interface HeaderFields {
  readonly name: string;
  readonly mode: number;
  readonly size: number;
  readonly typeflag: string;
  readonly linkname: string;
}

function header(fields: HeaderFields): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(fields.name, 0, 100, 'utf8');
  octal(block, 100, 8, fields.mode);
  octal(block, 108, 8, 0); // uid
  octal(block, 116, 8, 0); // gid
  octal(block, 124, 12, fields.size);
  octal(block, 136, 12, 0); // mtime
  block.fill(0x20, 148, 156); // checksum placeholder: spaces
  block.write(fields.typeflag, 156, 1, 'ascii');
  block.write(fields.linkname, 157, 100, 'utf8');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  octal(block, 329, 8, 0); // devmajor
  octal(block, 337, 8, 0); // devminor
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  const digits = value.toString(8);
  if (digits.length > length - 1) throw new ConfigError(`tar header field too large (${value})`);
  block.write(`${digits.padStart(length - 1, '0')}\0`, offset, length, 'ascii');
}
