/**
 * Synthetic base images for publisher tests: a few small layers built from files given in memory,
 * pushed with pave's own registry client as a Docker schema 2 or OCI manifest, and multi-platform
 * indexes of them.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { buildLayer } from '../../src/adapters/oci/layer.js';
import { MEDIA_TYPES, sha256, type RegistryClient } from '../../src/adapters/oci/registry-client.js';

export interface BaseImageSpec {
  /** One entry per layer: archive path → file content. */
  readonly layers: ReadonlyArray<Readonly<Record<string, string>>>;
  readonly architecture?: string;
  readonly variant?: string;
  readonly config?: Readonly<Record<string, unknown>>;
  readonly format?: 'docker' | 'oci';
  readonly tag?: string;
}

export interface PushedBase {
  readonly digest: string;
  readonly layerDigests: readonly string[];
  readonly diffIds: readonly string[];
  readonly manifestBytes: number;
}

export async function pushBaseImage(client: RegistryClient, repository: string, spec: BaseImageSpec): Promise<PushedBase> {
  const work = await mkdtemp(join(tmpdir(), 'pave-base-'));
  try {
    const layers: Array<{ digest: string; diffId: string; size: number }> = [];
    for (const [i, files] of spec.layers.entries()) {
      const tree = join(work, `tree-${i}`);
      await mkdir(tree, { recursive: true });
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(tree, path)), { recursive: true });
        await writeFile(join(tree, path), content);
      }
      const layer = await buildLayer(tree, join(work, `layer-${i}.tar.gz`), { prefix: '', maxBytes: 64 * 1024 * 1024 });
      await client.uploadBlob(repository, { digest: layer.digest, size: layer.size, open: (s, e) => fileRange(layer.file, s, e) });
      layers.push(layer);
    }
    const docker = (spec.format ?? 'docker') === 'docker';
    const config = {
      architecture: spec.architecture ?? 'amd64',
      os: 'linux',
      ...(spec.variant ? { variant: spec.variant } : {}),
      config: spec.config ?? { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((_, i) => ({ created: '2020-01-01T00:00:00Z', created_by: `base layer ${i}` })),
    };
    const configBytes = Buffer.from(JSON.stringify(config));
    const configDigest = sha256(configBytes);
    await client.uploadBlob(repository, { digest: configDigest, size: configBytes.length, open: () => Readable.from([configBytes]) });
    const manifest = {
      schemaVersion: 2,
      mediaType: docker ? MEDIA_TYPES.dockerManifest : MEDIA_TYPES.ociManifest,
      config: { mediaType: docker ? MEDIA_TYPES.dockerConfig : MEDIA_TYPES.ociConfig, digest: configDigest, size: configBytes.length },
      layers: layers.map((l) => ({
        mediaType: docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: l.digest, size: l.size,
      })),
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    const digest = await client.putManifest(repository, sha256(bytes), manifest.mediaType, bytes);
    if (spec.tag) await client.putManifest(repository, spec.tag, manifest.mediaType, bytes);
    return { digest, layerDigests: layers.map((l) => l.digest), diffIds: layers.map((l) => l.diffId), manifestBytes: bytes.length };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Push an index (OCI) or manifest list (Docker) of already pushed manifests. */
export async function pushIndex(
  client: RegistryClient, repository: string,
  entries: ReadonlyArray<{ digest: string; size: number; architecture: string; variant?: string; format?: 'docker' | 'oci' }>,
  format: 'docker' | 'oci' = 'oci',
): Promise<string> {
  const index = {
    schemaVersion: 2,
    mediaType: format === 'oci' ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.dockerManifestList,
    manifests: entries.map((e) => ({
      mediaType: (e.format ?? 'docker') === 'docker' ? MEDIA_TYPES.dockerManifest : MEDIA_TYPES.ociManifest,
      digest: e.digest, size: e.size,
      platform: { architecture: e.architecture, os: 'linux', ...(e.variant ? { variant: e.variant } : {}) },
    })),
  };
  const bytes = Buffer.from(JSON.stringify(index));
  return client.putManifest(repository, sha256(bytes), index.mediaType, bytes);
}

function fileRange(file: string, start: number, end: number): Readable {
  return end > start ? createReadStream(file, { start, end: end - 1 }) : Readable.from([]);
}
