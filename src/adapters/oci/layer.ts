/**
 * One image layer from a directory: the deterministic tar of the tree (tar.ts) gzipped at a fixed
 * level into a file, hashing both streams on the way (diff_id = sha256 of the tar, digest = sha256
 * of the gzip blob). Nothing is held in memory but the stream's buffers.
 *
 * Node's gzip header has no name and mtime 0, so the same tree gives the same bytes with the same
 * zlib (a different zlib version may compress differently; the digest is pinned per pave release).
 */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { ConfigError } from '../../domain/errors.js';
import { tarTree } from './tar.js';

export const LAYER_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const GZIP_LEVEL = 6;

export interface BuiltLayer {
  /** The gzip blob on disk. */
  readonly file: string;
  /** `sha256:…` of the gzip blob. */
  readonly digest: string;
  /** `sha256:…` of the uncompressed tar. */
  readonly diffId: string;
  /** Bytes of the gzip blob. */
  readonly size: number;
  /** Bytes of the uncompressed tar. */
  readonly uncompressedSize: number;
}

export interface BuildLayerOptions {
  /** Archive path the tree goes under, e.g. `srv/app` for a working directory `/srv/app`. */
  readonly prefix: string;
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
}

class HashTap extends Transform {
  readonly hash: Hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

/** Write the layer of `dir` to `file`. */
export async function buildLayer(dir: string, file: string, options: BuildLayerOptions): Promise<BuiltLayer> {
  const tarTap = new HashTap();
  const gzipTap = new HashTap();
  await pipeline(
    Readable.from(tarTree(dir, { prefix: options.prefix, maxBytes: options.maxBytes })),
    tarTap,
    createGzip({ level: GZIP_LEVEL, memLevel: 8, strategy: constants.Z_DEFAULT_STRATEGY }),
    gzipTap,
    createWriteStream(file),
    { signal: options.signal },
  );
  const written = await stat(file);
  return {
    file,
    digest: `sha256:${gzipTap.hash.digest('hex')}`,
    diffId: `sha256:${tarTap.hash.digest('hex')}`,
    size: written.size,
    uncompressedSize: tarTap.bytes,
  };
}

/** The archive prefix of an image working directory: `/srv/app/` → `srv/app`. */
export function layerPrefix(workingDir: string): string {
  const parts = workingDir.split('/').filter((p) => p.length > 0 && p !== '.');
  if (!workingDir.startsWith('/') || parts.includes('..')) {
    throw new ConfigError(`image working directory ${JSON.stringify(workingDir)} must be an absolute path without ".."`);
  }
  return parts.join('/');
}
