/**
 * ImagePublisher over the OCI distribution API, without Docker:
 *
 *   base manifest (index → the requested platform) and config → deterministic layer of `layerDir`
 *   → config and manifest → blobs the target lacks (base layers mounted from the base repository on
 *   the same registry, streamed across registries otherwise; the new layer and config uploaded)
 *   → manifest PUT by digest, then by each tag.
 *
 * Same inputs give the same layer, config and manifest bytes, so a second push uploads nothing.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ImagePlatform, ImagePublisher, ImageReference, PublishedImage, PublishRequest } from '../../domain/build.js';
import { ConfigError, TerminalError } from '../../domain/errors.js';
import type { RegistryCredentials } from './auth.js';
import {
  composeConfig, composeManifest, parseImageManifest, selectPlatform, toBytes, type Descriptor, type ImageConfig,
} from './image-config.js';
import { buildLayer, layerPrefix } from './layer.js';
import { MEDIA_TYPES, RegistryClient, sha256, type RegistryClientOptions } from './registry-client.js';

export interface OciPublisherOptions {
  /** Credentials per registry host (`host[:port]`), see auth.ts `resolveRegistryCredentials`. */
  readonly credentials?: ReadonlyMap<string, RegistryCredentials>;
  /** Hosts spoken to over plain HTTP (loopback hosts always are). */
  readonly plainHttp?: readonly string[];
  /** Largest uncompressed layer (default 2 GiB). */
  readonly maxLayerBytes?: number;
  /** Blob uploads in flight at once (default 3). */
  readonly concurrency?: number;
  /** Where the layer file is written while pushing (default the OS temp dir). */
  readonly tempDir?: string;
  /** Client settings shared by every registry (retries, chunk size, observers). */
  readonly client?: Omit<RegistryClientOptions, 'credentials' | 'plainHttp'>;
}

const DEFAULT_PLATFORM: ImagePlatform = { os: 'linux', architecture: 'amd64' };
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPO_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const EPOCH = '1970-01-01T00:00:00Z';

export class OciImagePublisher implements ImagePublisher {
  private readonly clients = new Map<string, RegistryClient>();

  constructor(private readonly options: OciPublisherOptions = {}) {}

  /** The client of one registry host (shared: it caches the auth challenge and tokens). */
  client(host: string): RegistryClient {
    let client = this.clients.get(host);
    if (!client) {
      const credentials = this.options.credentials?.get(host);
      client = new RegistryClient(host, {
        ...this.options.client,
        ...(credentials ? { credentials } : {}),
        ...(this.options.plainHttp?.includes(host) ? { plainHttp: true } : {}),
      });
      this.clients.set(host, client);
    }
    return client;
  }

  async publish(request: PublishRequest): Promise<PublishedImage> {
    checkReference(request.base, 'base image');
    checkReference(request.target, 'target image');
    for (const tag of request.tags) if (!TAG_RE.test(tag)) throw new ConfigError(`image tag ${JSON.stringify(tag)} is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`);
    const created = request.created ?? EPOCH;
    if (Number.isNaN(Date.parse(created))) throw new ConfigError(`image created time ${JSON.stringify(created)} is not an RFC 3339 date`);
    const signal = request.signal;
    const prefix = layerPrefix(request.config.workingDir);

    const baseClient = this.client(request.base.registry);
    const target = this.client(request.target.registry);
    await Promise.all([baseClient.ping(signal), target === baseClient ? Promise.resolve() : target.ping(signal)]);

    const { manifest: baseManifest, config: baseConfig, digest: baseDigest } = await this.resolveBase(baseClient, request.base, request.platform ?? DEFAULT_PLATFORM, signal);

    const dir = await mkdtemp(join(this.options.tempDir ?? tmpdir(), 'pave-layer-'));
    try {
      const layer = await buildLayer(request.layerDir, join(dir, 'layer.tar.gz'), {
        prefix, maxBytes: this.options.maxLayerBytes ?? 2 * 1024 ** 3, ...(signal ? { signal } : {}),
      });
      const config = composeConfig({ base: baseConfig, spec: request.config, created, layerDiffId: layer.diffId, layerDigest: layer.digest });
      const configBytes = toBytes(config);
      const configDigest = sha256(configBytes);
      const annotations: Record<string, string> = {
        'org.opencontainers.image.base.digest': baseDigest,
        'org.opencontainers.image.base.name': `${request.base.registry}/${request.base.repository}${request.base.tag ? `:${request.base.tag}` : ''}`,
        'org.opencontainers.image.created': created,
      };
      const manifest = composeManifest(baseManifest, { digest: configDigest, size: configBytes.length }, layer, annotations);
      const manifestBytes = toBytes(manifest);
      const manifestDigest = sha256(manifestBytes);

      const counts = { uploaded: 0, skipped: 0, mounted: 0 };
      const sameRegistry = request.base.registry === request.target.registry;
      const repo = request.target.repository;
      const tasks: Array<() => Promise<void>> = [
        ...baseManifest.layers.map((l) => async () => {
          if ((await target.blobSize(repo, l.digest, signal)) !== undefined) return void counts.skipped++;
          if (sameRegistry) {
            if (request.base.repository !== repo) {
              const started = await target.startUpload(repo, { digest: l.digest, repository: request.base.repository }, signal);
              if (started.mounted) return void counts.mounted++;
              await target.copyBlobFrom(baseClient, request.base.repository, repo, l.digest, l.size, started.location, signal);
              return void counts.uploaded++;
            }
            throw new TerminalError(`registry ${request.target.registry}, repository ${repo}: base layer ${l.digest} is missing from the base image's own repository`);
          }
          await target.copyBlobFrom(baseClient, request.base.repository, repo, l.digest, l.size, undefined, signal);
          counts.uploaded++;
        }),
        async () => {
          if ((await target.blobSize(repo, layer.digest, signal)) !== undefined) return void counts.skipped++;
          await target.uploadBlob(repo, {
            digest: layer.digest, size: layer.size,
            open: (start, end) => createReadStream(layer.file, { start, end: end - 1, highWaterMark: 1024 * 1024 }),
          }, undefined, signal);
          counts.uploaded++;
        },
        async () => {
          if ((await target.blobSize(repo, configDigest, signal)) !== undefined) return void counts.skipped++;
          await target.uploadBlob(repo, { digest: configDigest, size: configBytes.length, open: (s, e) => bufferStream(configBytes.subarray(s, e)) }, undefined, signal);
          counts.uploaded++;
        },
      ];
      await runLimited(tasks, this.options.concurrency ?? 3);

      await target.putManifest(repo, manifestDigest, MEDIA_TYPES.ociManifest, manifestBytes, signal);
      for (const tag of request.tags) await target.putManifest(repo, tag, MEDIA_TYPES.ociManifest, manifestBytes, signal);

      return {
        reference: `${request.target.registry}/${repo}@${manifestDigest}`,
        digest: manifestDigest,
        uploadedBlobs: counts.uploaded,
        skippedBlobs: counts.skipped,
        mountedBlobs: counts.mounted,
        layerDigest: layer.digest,
        layerDiffId: layer.diffId,
        tags: [...request.tags],
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The base's single-platform manifest and config (an index resolved to `platform`). */
  private async resolveBase(
    client: RegistryClient, base: ImageReference, platform: ImagePlatform, signal?: AbortSignal,
  ): Promise<{ manifest: ReturnType<typeof parseImageManifest>; config: ImageConfig; digest: string }> {
    const reference = base.digest ?? base.tag;
    if (reference === undefined) throw new ConfigError(`base image ${base.registry}/${base.repository} names neither a digest nor a tag`);
    const where = `base image ${base.registry}/${base.repository}@${reference}`;
    let fetched = await client.getManifest(base.repository, reference, signal);
    const digest = fetched.digest;
    if (fetched.mediaType === MEDIA_TYPES.ociIndex || fetched.mediaType === MEDIA_TYPES.dockerManifestList) {
      const chosen: Descriptor = selectPlatform(fetched.bytes, platform, where);
      fetched = await client.getManifest(base.repository, chosen.digest, signal);
    }
    if (fetched.mediaType !== MEDIA_TYPES.ociManifest && fetched.mediaType !== MEDIA_TYPES.dockerManifest) {
      throw new TerminalError(`${where}: unsupported manifest type ${JSON.stringify(fetched.mediaType)} (OCI image manifest or Docker schema 2 expected)`);
    }
    const manifest = parseImageManifest(fetched.bytes, where);
    const configBytes = await client.getSmallBlob(base.repository, manifest.config.digest, signal);
    let config: ImageConfig;
    try {
      config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
    } catch {
      throw new TerminalError(`${where}: its config blob is not JSON`);
    }
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== manifest.layers.length) {
      throw new TerminalError(`${where}: the config lists ${diffIds.length} layer diff_ids for ${manifest.layers.length} layers`);
    }
    return { manifest, config, digest };
  }
}

function checkReference(ref: ImageReference, what: string): void {
  if (!REPO_RE.test(ref.repository)) throw new ConfigError(`${what} repository ${JSON.stringify(ref.repository)} is not a valid repository name`);
  if (ref.digest !== undefined && !DIGEST_RE.test(ref.digest)) throw new ConfigError(`${what} digest ${JSON.stringify(ref.digest)} is not sha256:<64 hex>`);
}

function bufferStream(bytes: Buffer): Readable {
  // Readable.from on a Buffer would iterate its bytes; an array emits it as one chunk.
  return Readable.from([bytes]);
}

async function runLimited(tasks: ReadonlyArray<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < tasks.length) {
      const task = tasks[next++]!;
      try {
        await task();
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  if (failed !== undefined) throw failed;
}
