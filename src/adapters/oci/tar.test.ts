import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile, lstat, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../domain/errors.js';
import { buildLayer, layerPrefix } from './layer.js';
import { LayerTooLargeError, paxRecord } from './tar.js';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'pave-tar-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<string> {
  const dir = join(work, 'src');
  await mkdir(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

/** GNU tar's verbose listing: mode, owner, size, date, name — an independent reader. */
function list(file: string): string[] {
  return execFileSync('tar', ['--numeric-owner', '--full-time', '-tvzf', file], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } })
    .trim().split('\n');
}

describe('deterministic layer', () => {
  it('writes sorted entries owned by 0:0 with mtime 0 and modes from the executable bit, under the working directory', async () => {
    const dir = await tree({ 'b.txt': 'bee', 'a/z.js': 'zed', 'a/run.sh': '#!/bin/sh\n', 'A.md': 'upper' });
    await chmod(join(dir, 'a/run.sh'), 0o750);
    await chmod(join(dir, 'b.txt'), 0o600);
    await symlink('b.txt', join(dir, 'link'));
    const layer = await buildLayer(dir, join(work, 'l.tgz'), { prefix: 'srv/app', maxBytes: 1 << 20 });
    expect(list(layer.file)).toEqual([
      'drwxr-xr-x 0/0               0 1970-01-01 00:00:00 srv/',
      'drwxr-xr-x 0/0               0 1970-01-01 00:00:00 srv/app/',
      '-rw-r--r-- 0/0               5 1970-01-01 00:00:00 srv/app/A.md',
      'drwxr-xr-x 0/0               0 1970-01-01 00:00:00 srv/app/a/',
      '-rwxr-xr-x 0/0              10 1970-01-01 00:00:00 srv/app/a/run.sh',
      '-rw-r--r-- 0/0               3 1970-01-01 00:00:00 srv/app/a/z.js',
      '-rw-r--r-- 0/0               3 1970-01-01 00:00:00 srv/app/b.txt',
      'lrwxrwxrwx 0/0               0 1970-01-01 00:00:00 srv/app/link -> b.txt',
    ]);
    const compressed = await readFile(layer.file);
    expect(layer.digest).toBe(`sha256:${createHash('sha256').update(compressed).digest('hex')}`);
    expect(layer.diffId).toBe(`sha256:${createHash('sha256').update(gunzipSync(compressed)).digest('hex')}`);
    expect(layer.size).toBe(compressed.length);
    // gzip header: no file name flag, mtime 0
    expect(compressed[3]! & 0x08).toBe(0);
    expect(compressed.readUInt32LE(4)).toBe(0);
  });

  it('gives byte-identical blobs for the same tree, whatever the files’ times and owners', async () => {
    const dir = await tree({ 'x/y.txt': 'same', 'z.bin': 'data' });
    const first = await buildLayer(dir, join(work, '1.tgz'), { prefix: 'app', maxBytes: 1 << 20 });
    execFileSync('touch', ['-d', '2001-02-03', join(dir, 'x/y.txt'), join(dir, 'z.bin')]);
    const second = await buildLayer(dir, join(work, '2.tgz'), { prefix: 'app', maxBytes: 1 << 20 });
    expect(second.digest).toBe(first.digest);
    expect(Buffer.compare(await readFile(first.file), await readFile(second.file))).toBe(0);
    await writeFile(join(dir, 'z.bin'), 'datb');
    const third = await buildLayer(dir, join(work, '3.tgz'), { prefix: 'app', maxBytes: 1 << 20 });
    expect(third.digest).not.toBe(first.digest);
  });

  it('uses PAX headers for long and non-ASCII names and link targets, which GNU tar extracts intact', async () => {
    const long = `${'d'.repeat(90)}/${'f'.repeat(120)}.txt`;
    const dir = await tree({ [long]: 'long', 'héllo wörld.txt': 'utf8' });
    await symlink(`../${'t'.repeat(150)}`, join(dir, 'far-link'));
    const layer = await buildLayer(dir, join(work, 'l.tgz'), { prefix: 'app', maxBytes: 1 << 20 });
    const out = join(work, 'out');
    await mkdir(out);
    execFileSync('tar', ['-xzf', layer.file, '-C', out]);
    expect(await readFile(join(out, 'app', long), 'utf8')).toBe('long');
    expect(await readFile(join(out, 'app', 'héllo wörld.txt'), 'utf8')).toBe('utf8');
    expect(await readlink(join(out, 'app', 'far-link'))).toBe(`../${'t'.repeat(150)}`);
  });

  it('stores symlinks as links and never follows them out of the tree', async () => {
    const outside = join(work, 'secret.txt');
    await writeFile(outside, 'do not pack me');
    const dir = await tree({ 'ok.txt': 'ok' });
    await symlink(outside, join(dir, 'escape'));
    await symlink('/', join(dir, 'root'));
    const layer = await buildLayer(dir, join(work, 'l.tgz'), { prefix: 'app', maxBytes: 1 << 20 });
    expect(gunzipSync(await readFile(layer.file)).includes(Buffer.from('do not pack me'))).toBe(false);
    const listing = list(layer.file);
    expect(listing).toContain(`lrwxrwxrwx 0/0               0 1970-01-01 00:00:00 app/escape -> ${outside}`);
    expect(listing).toContain('lrwxrwxrwx 0/0               0 1970-01-01 00:00:00 app/root -> /');
  });

  it('refuses FIFOs (no device files in a layer) naming the path', async () => {
    const dir = await tree({ 'ok.txt': 'ok' });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    await expect(buildLayer(dir, join(work, 'l.tgz'), { prefix: 'app', maxBytes: 1 << 20 })).rejects.toThrow(/pipe is a device file, FIFO or socket/);
    expect((await lstat(join(dir, 'pipe'))).isFIFO()).toBe(true);
  });

  it('stops with a clear error past the size cap', async () => {
    const dir = await tree({ 'big.bin': 'x'.repeat(200_000) });
    const err = await buildLayer(dir, join(work, 'l.tgz'), { prefix: 'app', maxBytes: 100_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LayerTooLargeError);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/larger than the limit of 100000 bytes/);
  });

  it('maps working directories to archive prefixes and refuses relative or escaping ones', () => {
    expect(layerPrefix('/srv/app/')).toBe('srv/app');
    expect(layerPrefix('/')).toBe('');
    expect(() => layerPrefix('srv/app')).toThrow(ConfigError);
    expect(() => layerPrefix('/srv/../etc')).toThrow(/without "\.\."/);
  });

  it('PAX records count their own length', () => {
    for (const value of ['a', 'x'.repeat(85), 'x'.repeat(86), 'x'.repeat(994), 'x'.repeat(995), 'é'.repeat(500)]) {
      const record = paxRecord('path', value);
      const length = Number(record.slice(0, record.indexOf(' ')));
      expect(Buffer.byteLength(record, 'utf8')).toBe(length);
    }
  });
});
