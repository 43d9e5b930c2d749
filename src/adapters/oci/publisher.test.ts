/**
 * The publisher against a real registry (Debian's docker-registry on loopback): images pulled back
 * through the API and checked layer by layer, with GNU tar as an independent reader.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, lstat, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageConfigSpec, PublishRequest } from '../../domain/build.js';
import { NotFoundError, TerminalError, TransientError } from '../../domain/errors.js';
import { startFaultyProxy, startRegistry, type RunningRegistry } from '../../../test/helpers/registry.js';
import { pushBaseImage, pushIndex, type PushedBase } from '../../../test/helpers/oci-images.js';
import { RegistryCredentials } from './auth.js';
import { OciImagePublisher } from './publisher.js';
import { MEDIA_TYPES, RegistryClient } from './registry-client.js';

const fast = { backoffMs: 1, maxBackoffMs: 5 };
let registry: RunningRegistry;
let other: RunningRegistry;
let work: string;
let source: string;
let base: PushedBase;

const spec: ImageConfigSpec = {
  entrypoint: ['node', 'server.js'],
  cmd: ['--port', '8080'],
  env: { NODE_ENV: 'production', PATH: '/srv/app/bin:/usr/bin:/bin' },
  exposedPorts: ['8080/tcp', '9090'],
  workingDir: '/srv/app',
  user: '10001:10001',
  labels: { 'org.opencontainers.image.source': 'https://github.com/acme/svc', 'org.opencontainers.image.revision': 'a'.repeat(40) },
};

function request(over: Partial<PublishRequest> = {}): PublishRequest {
  return {
    base: { registry: registry.host, repository: 'base/tiny', digest: base.digest },
    layerDir: source,
    config: spec,
    target: { registry: registry.host, repository: 'acme/svc' },
    tags: ['aaaaaaa'],
    created: '2024-05-06T07:08:09Z',
    ...over,
  };
}

beforeAll(async () => {
  [registry, other] = await Promise.all([startRegistry(), startRegistry()]);
  work = await mkdtemp(join(tmpdir(), 'pave-publish-'));
  source = join(work, 'out');
  await mkdir(join(source, 'bin'), { recursive: true });
  await mkdir(join(source, 'empty'));
  await writeFile(join(source, 'server.js'), 'require("http").createServer().listen(8080)\n');
  await writeFile(join(source, 'bin', 'start'), '#!/bin/sh\nexec node server.js\n');
  await chmod(join(source, 'bin', 'start'), 0o700);
  await writeFile(join(source, 'data.bin'), randomBytes(70_000));
  await symlink('server.js', join(source, 'index.js'));
  base = await pushBaseImage(new RegistryClient(registry.host), 'base/tiny', {
    layers: [{ 'etc/os-release': 'ID=tiny\n' }, { 'usr/bin/hello': '#!/bin/sh\necho hi\n' }],
    config: { Env: ['PATH=/usr/bin:/bin', 'LANG=C.UTF-8'], Cmd: ['/bin/sh'], ExposedPorts: { '22/tcp': {} }, Labels: { vendor: 'tiny' }, StopSignal: 'SIGTERM' },
  });
});

afterAll(async () => {
  await Promise.all([registry?.stop(), other?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

interface Pulled {
  readonly manifest: { mediaType: string; config: { digest: string }; layers: Array<{ mediaType: string; digest: string; size: number }>; annotations?: Record<string, string> };
  readonly config: { architecture: string; os: string; created: string; config: Record<string, unknown>; rootfs: { diff_ids: string[] }; history: unknown[] };
  readonly layers: Buffer[];
}

/** Pull an image back through the API and check every layer's digest and diff_id. */
async function pullAndVerify(host: string, repository: string, reference: string): Promise<Pulled> {
  const client = new RegistryClient(host);
  const fetched = await client.getManifest(repository, reference);
  const manifest = JSON.parse(fetched.bytes.toString('utf8')) as Pulled['manifest'];
  const config = JSON.parse((await client.getSmallBlob(repository, manifest.config.digest)).toString('utf8')) as Pulled['config'];
  expect(config.rootfs.diff_ids).toHaveLength(manifest.layers.length);
  const layers: Buffer[] = [];
  for (const [i, layer] of manifest.layers.entries()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await client.getBlob(repository, layer.digest)) chunks.push(chunk as Buffer);
    const blob = Buffer.concat(chunks);
    expect(blob.length).toBe(layer.size);
    expect(`sha256:${createHash('sha256').update(blob).digest('hex')}`).toBe(layer.digest);
    expect(`sha256:${createHash('sha256').update(gunzipSync(blob)).digest('hex')}`).toBe(config.rootfs.diff_ids[i]);
    layers.push(blob);
  }
  return { manifest, config, layers };
}

async function treeOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const name of (await readdir(d)).sort()) {
      const full = join(d, name);
      const st = await lstat(full);
      const rel = relative(dir, full);
      if (st.isSymbolicLink()) out[rel] = `link -> ${await readlink(full)}`;
      else if (st.isDirectory()) {
        out[rel] = 'dir';
        await walk(full);
      } else out[rel] = `${(st.mode & 0o111) !== 0 ? 'x' : '-'} ${createHash('sha256').update(await readFile(full)).digest('hex')}`;
    }
  };
  await walk(dir);
  return out;
}

describe('OciImagePublisher against docker-registry', () => {
  it('pushes base layers plus one layer of the output, with the merged config; pulled back, every layer checks out', async () => {
    const publisher = new OciImagePublisher({ client: fast });
    const published = await publisher.publish(request());
    expect(published.reference).toBe(`${registry.host}/acme/svc@${published.digest}`);
    expect(published.tags).toEqual(['aaaaaaa']);

    const pulled = await pullAndVerify(registry.host, 'acme/svc', published.digest);
    expect(pulled.manifest.mediaType).toBe(MEDIA_TYPES.ociManifest);
    expect(pulled.manifest.layers.map((l) => l.digest)).toEqual([...base.layerDigests, published.layerDigest]);
    expect(pulled.manifest.layers.every((l) => l.mediaType === 'application/vnd.oci.image.layer.v1.tar+gzip')).toBe(true);
    expect(pulled.config.rootfs.diff_ids).toEqual([...base.diffIds, published.layerDiffId]);
    expect(pulled.manifest.annotations).toEqual({
      'org.opencontainers.image.base.digest': base.digest,
      'org.opencontainers.image.base.name': `${registry.host}/base/tiny`,
      'org.opencontainers.image.created': '2024-05-06T07:08:09Z',
    });

    // The tag names the same manifest.
    expect((await new RegistryClient(registry.host).getManifest('acme/svc', 'aaaaaaa')).digest).toBe(published.digest);

    // Config: spec over base.
    expect(pulled.config.created).toBe('2024-05-06T07:08:09Z');
    expect(pulled.config.architecture).toBe('amd64');
    expect(pulled.config.config).toEqual({
      StopSignal: 'SIGTERM',
      User: '10001:10001',
      ExposedPorts: { '22/tcp': {}, '8080/tcp': {}, '9090/tcp': {} },
      Env: ['PATH=/srv/app/bin:/usr/bin:/bin', 'LANG=C.UTF-8', 'NODE_ENV=production'],
      Entrypoint: ['node', 'server.js'],
      Cmd: ['--port', '8080'],
      WorkingDir: '/srv/app',
      Labels: {
        'org.opencontainers.image.revision': 'a'.repeat(40),
        'org.opencontainers.image.source': 'https://github.com/acme/svc',
        vendor: 'tiny',
      },
    });
    expect(pulled.config.history).toHaveLength(3);

    // The new layer unpacks (GNU tar) to the source tree, with modes from the executable bit.
    const layerFile = join(work, 'pulled.tgz');
    await writeFile(layerFile, pulled.layers.at(-1)!);
    const unpacked = join(work, 'unpacked');
    await mkdir(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', layerFile, '-C', unpacked]);
    expect(await treeOf(join(unpacked, 'srv/app'))).toEqual(await treeOf(source));
    const listing = execFileSync('tar', ['--numeric-owner', '-tvzf', layerFile], { encoding: 'utf8' });
    expect(listing).toMatch(/^-rwxr-xr-x 0\/0 .* srv\/app\/bin\/start$/m);
    expect(listing).toMatch(/^-rw-r--r-- 0\/0 .* srv\/app\/server\.js$/m);
    expect(listing).toMatch(/^drwxr-xr-x 0\/0 .* srv\/app\/empty\/$/m);
  });

  it('pushing the same inputs again gives the same digest and uploads nothing', async () => {
    const req = request({ target: { registry: registry.host, repository: 'acme/twice' } });
    const first = await new OciImagePublisher({ client: fast }).publish(req);
    const puts: string[] = [];
    const second = await new OciImagePublisher({
      client: { ...fast, onExchange: (e) => { if (e.method !== 'GET' && e.method !== 'HEAD') puts.push(`${e.method} ${e.path}`); } },
    }).publish(req);
    expect(second.digest).toBe(first.digest);
    expect(second.layerDigest).toBe(first.layerDigest);
    expect(second).toMatchObject({ uploadedBlobs: 0, mountedBlobs: 0, skippedBlobs: 4 });
    expect(puts).toEqual([`PUT /v2/acme/twice/manifests/${first.digest}`, 'PUT /v2/acme/twice/manifests/aaaaaaa']);
  });

  it('mounts base layers from the base repository on the same registry instead of copying them', async () => {
    const posts: string[] = [];
    const published = await new OciImagePublisher({
      client: { ...fast, onExchange: (e) => { if (e.method === 'POST') posts.push(`${e.status}`); } },
    }).publish(request({ target: { registry: registry.host, repository: 'acme/mounted' } }));
    expect(published).toMatchObject({ mountedBlobs: 2, uploadedBlobs: 2, skippedBlobs: 0 });
    expect(posts.filter((s) => s === '201')).toHaveLength(2); // 201 Created: mounted, no upload
    await pullAndVerify(registry.host, 'acme/mounted', published.digest);
  });

  it('copies base layers from another registry, streamed and verified', async () => {
    const published = await new OciImagePublisher({ client: fast }).publish(request({ target: { registry: other.host, repository: 'acme/svc' } }));
    expect(published).toMatchObject({ mountedBlobs: 0, uploadedBlobs: 4, skippedBlobs: 0 });
    const pulled = await pullAndVerify(other.host, 'acme/svc', published.digest);
    expect(pulled.manifest.layers.slice(0, 2).map((l) => l.digest)).toEqual(base.layerDigests);
    // Same inputs, other registry: the same image digest.
    const again = await new OciImagePublisher({ client: fast }).publish(request());
    expect(again.digest).toBe(published.digest);
  });

  it('uploads a layer bigger than a chunk with PATCH chunks', async () => {
    const methods: string[] = [];
    const published = await new OciImagePublisher({
      client: { ...fast, chunkSize: 16 * 1024, onExchange: (e) => methods.push(e.method) },
    }).publish(request({ target: { registry: registry.host, repository: 'acme/chunked' } }));
    expect(methods.filter((m) => m === 'PATCH').length).toBeGreaterThanOrEqual(4);
    await pullAndVerify(registry.host, 'acme/chunked', published.digest);
  });

  it('takes the requested platform from an index base (default linux/amd64), OCI index or Docker manifest list', async () => {
    const client = new RegistryClient(registry.host);
    const amd = await pushBaseImage(client, 'base/multi', { layers: [{ 'arch': 'amd64' }], architecture: 'amd64' });
    const arm = await pushBaseImage(client, 'base/multi', { layers: [{ 'arch': 'arm64' }], architecture: 'arm64', variant: 'v8', format: 'oci' });
    const entries = [
      { digest: arm.digest, size: arm.manifestBytes, architecture: 'arm64', variant: 'v8', format: 'oci' as const },
      { digest: amd.digest, size: amd.manifestBytes, architecture: 'amd64' },
    ];
    for (const format of ['oci', 'docker'] as const) {
      const index = await pushIndex(client, 'base/multi', entries, format);
      const publisher = new OciImagePublisher({ client: fast });
      const target = { registry: registry.host, repository: `acme/multi-${format}` };
      const onAmd = await publisher.publish(request({ base: { registry: registry.host, repository: 'base/multi', digest: index }, target }));
      const pulledAmd = await pullAndVerify(registry.host, target.repository, onAmd.digest);
      expect(pulledAmd.config.architecture).toBe('amd64');
      expect(pulledAmd.manifest.layers[0]!.digest).toBe(amd.layerDigests[0]);
      expect(pulledAmd.manifest.annotations?.['org.opencontainers.image.base.digest']).toBe(index);

      const onArm = await publisher.publish(request({
        base: { registry: registry.host, repository: 'base/multi', digest: index }, target, platform: { os: 'linux', architecture: 'arm64' },
      }));
      const pulledArm = await pullAndVerify(registry.host, target.repository, onArm.digest);
      expect(pulledArm.config).toMatchObject({ architecture: 'arm64', variant: 'v8' });
      expect(pulledArm.manifest.layers[0]!.digest).toBe(arm.layerDigests[0]);
      expect(onArm.digest).not.toBe(onAmd.digest);

      await expect(publisher.publish(request({
        base: { registry: registry.host, repository: 'base/multi', digest: index }, target, platform: { os: 'linux', architecture: 's390x' },
      }))).rejects.toThrow(/no manifest for linux\/s390x in the index \(it has: linux\/arm64\/v8, linux\/amd64\)/);
    }
  });

  it('names the registry, repository and the registry error when the base image does not exist', async () => {
    const err = await new OciImagePublisher({ client: fast })
      .publish(request({ base: { registry: registry.host, repository: 'base/missing', digest: `sha256:${'0'.repeat(64)}` } }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toContain(`registry ${registry.host}, repository base/missing: GET manifest sha256:${'0'.repeat(64)} → HTTP 404 MANIFEST_UNKNOWN`);
  });

  it('retries a registry 500 and a 429, and gives up with a transient error after the attempts', async () => {
    const proxy = await startFaultyProxy(registry.url, (req, n) => {
      if (req.method === 'PUT' && req.url?.includes('/manifests/') && n === 1) return { status: 500 };
      if (req.method === 'HEAD' && n === 1) return { status: 429, headers: { 'retry-after': '0' } };
      return undefined;
    });
    try {
      const published = await new OciImagePublisher({ client: fast }).publish(request({
        base: { registry: proxy.host, repository: 'base/tiny', digest: base.digest },
        target: { registry: proxy.host, repository: 'acme/retried' },
      }));
      expect(proxy.log.filter((l) => l.includes('(injected)')).length).toBeGreaterThanOrEqual(3);
      expect(proxy.log).toContain(`PUT /v2/acme/retried/manifests/${published.digest} → 500 (injected)`);
      expect(proxy.log).toContain(`PUT /v2/acme/retried/manifests/${published.digest} → 201`);
      await pullAndVerify(registry.host, 'acme/retried', published.digest);
    } finally {
      await proxy.stop();
    }

    const broken = await startFaultyProxy(registry.url, (req) => (req.method === 'PUT' && req.url?.includes('/manifests/') ? { status: 503 } : undefined));
    try {
      const err = await new OciImagePublisher({ client: { ...fast, attempts: 3 } }).publish(request({
        base: { registry: broken.host, repository: 'base/tiny', digest: base.digest },
        target: { registry: broken.host, repository: 'acme/broken' },
      })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransientError);
      expect((err as Error).message).toMatch(new RegExp(`registry ${broken.host}, repository acme/broken: PUT manifest sha256:[0-9a-f]{64} → HTTP 503 UNKNOWN: injected fault`));
      expect(broken.log.filter((l) => l.startsWith('PUT') && l.includes('/manifests/'))).toHaveLength(3);
    } finally {
      await broken.stop();
    }
  });
});

describe('registry authentication', () => {
  let secured: RunningRegistry;
  beforeAll(async () => {
    secured = await startRegistry({ basicAuth: { username: 'pave', password: 's3cret-pw' } });
    await pushBaseImage(new RegistryClient(secured.host, { credentials: new RegistryCredentials('pave', 's3cret-pw') }), 'base/tiny', {
      layers: [{ 'etc/os-release': 'ID=tiny\n' }, { 'usr/bin/hello': '#!/bin/sh\necho hi\n' }],
      config: { Env: ['PATH=/usr/bin:/bin', 'LANG=C.UTF-8'], Cmd: ['/bin/sh'], ExposedPorts: { '22/tcp': {} }, Labels: { vendor: 'tiny' }, StopSignal: 'SIGTERM' },
    });
  });
  afterAll(async () => {
    await secured?.stop();
  });

  const securedRequest = (): PublishRequest => request({
    base: { registry: secured.host, repository: 'base/tiny', digest: base.digest },
    target: { registry: secured.host, repository: 'acme/secured' },
  });

  it('pushes with Basic credentials configured for the host', async () => {
    const publisher = new OciImagePublisher({ client: fast, credentials: new Map([[secured.host, new RegistryCredentials('pave', 's3cret-pw')]]) });
    const published = await publisher.publish(securedRequest());
    expect(published.mountedBlobs).toBe(2);
    const fetched = await new RegistryClient(secured.host, { credentials: new RegistryCredentials('pave', 's3cret-pw') }).getManifest('acme/secured', 'aaaaaaa');
    expect(fetched.digest).toBe(published.digest);
  });

  it('explains missing and refused credentials without printing them', async () => {
    const none = await new OciImagePublisher({ client: fast }).publish(securedRequest()).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(TerminalError);
    expect((none as Error).message).toMatch(new RegExp(`registry ${secured.host}, repository base/tiny: GET manifest sha256:\\w+ → HTTP 401: the registry requires authentication and no credentials are configured for ${secured.host}`));

    const wrong = await new OciImagePublisher({ client: fast, credentials: new Map([[secured.host, new RegistryCredentials('pave', 'wrong-pw')]]) })
      .publish(securedRequest()).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(TerminalError);
    expect((wrong as Error).message).toContain('refused the configured credentials');
    expect((wrong as Error).message).not.toContain('wrong-pw');
    expect(JSON.stringify(new RegistryCredentials('pave', 'wrong-pw'))).not.toContain('wrong-pw');
    expect(String(new RegistryCredentials('pave', 'wrong-pw'))).not.toContain('wrong-pw');
  });
});

describe('registry Bearer token authentication (docker-registry with auth: token)', () => {
  let tokened: RunningRegistry;
  const user = new RegistryCredentials('ci-bot', 'tok3n-pw');
  beforeAll(async () => {
    tokened = await startRegistry({ tokenAuth: { username: 'ci-bot', password: 'tok3n-pw' } });
    await pushBaseImage(new RegistryClient(tokened.host, { credentials: user }), 'base/tiny', {
      layers: [{ 'etc/os-release': 'ID=tiny\n' }, { 'usr/bin/hello': '#!/bin/sh\necho hi\n' }],
      config: { Env: ['PATH=/usr/bin:/bin', 'LANG=C.UTF-8'], Cmd: ['/bin/sh'], ExposedPorts: { '22/tcp': {} }, Labels: { vendor: 'tiny' }, StopSignal: 'SIGTERM' },
    });
  });
  afterAll(async () => {
    await tokened?.stop();
  });

  const tokenedRequest = (): PublishRequest => request({
    base: { registry: tokened.host, repository: 'base/tiny', digest: base.digest },
    target: { registry: tokened.host, repository: 'acme/tokened' },
  });

  it('answers the challenge with a token for the repository scopes (pull on the mount source) and pushes', async () => {
    tokened.tokenRequests.length = 0;
    const published = await new OciImagePublisher({ client: fast, credentials: new Map([[tokened.host, user]]) }).publish(tokenedRequest());
    expect(published.mountedBlobs).toBe(2);
    expect(tokened.tokenRequests).toContain('ci-bot repository:base/tiny:pull');
    expect(tokened.tokenRequests).toContain('ci-bot repository:acme/tokened:pull,push repository:base/tiny:pull');
    // Tokens are cached per scope set: a handful of token requests for a dozen registry calls.
    expect(tokened.tokenRequests.length).toBeLessThanOrEqual(4);
    const anonymous = new RegistryClient(tokened.host);
    expect((await anonymous.getManifest('acme/tokened', 'aaaaaaa')).digest).toBe(published.digest);
  });

  it('says the token service refused the credentials, and that anonymous tokens cannot push', async () => {
    const wrong = await new OciImagePublisher({ client: fast, credentials: new Map([[tokened.host, new RegistryCredentials('ci-bot', 'nope-pw')]]) })
      .publish(tokenedRequest()).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(TerminalError);
    expect((wrong as Error).message).toMatch(/\(token from 127\.0\.0\.1:\d+\) → HTTP 401: the token service refused the configured credentials/);
    expect((wrong as Error).message).not.toContain('nope-pw');

    const anonymous = await new OciImagePublisher({ client: fast }).publish(tokenedRequest()).catch((e: unknown) => e);
    expect(anonymous).toBeInstanceOf(TerminalError);
    expect((anonymous as Error).message).toMatch(new RegExp(`registry ${tokened.host}, repository acme/tokened: .* → HTTP 401`));
  });
});

describe('copy across registries verifies the bytes', () => {
  it('refuses a base layer whose bytes do not match its digest and leaves nothing in the target', async () => {
    const corruptDigest = base.layerDigests[0]!;
    const proxy = await startFaultyProxy(registry.url, (req) => {
      if (req.method === 'GET' && req.url === `/v2/base/tiny/blobs/${corruptDigest}`) {
        return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: 'not the layer you are looking for' };
      }
      return undefined;
    });
    try {
      const err = await new OciImagePublisher({ client: { ...fast, attempts: 2 } }).publish(request({
        base: { registry: proxy.host, repository: 'base/tiny', digest: base.digest },
        target: { registry: other.host, repository: 'acme/corrupt' },
      })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TerminalError);
      expect((err as Error).message).toContain(`copy blob ${corruptDigest} from ${proxy.host}/base/tiny: the source's bytes do not match the digest`);
      expect(await new RegistryClient(other.host).blobSize('acme/corrupt', corruptDigest)).toBeUndefined();
    } finally {
      await proxy.stop();
    }
  });
});
