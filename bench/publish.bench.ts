/**
 * `npm run bench:publish` — pushing an image whose build output is a 50 MB layer to a real
 * registry (Debian's docker-registry on loopback), without Docker.
 *
 * The output directory: 50 files of 1 MiB, half random bytes (incompressible) and half text-like
 * (compressible), plus a few small files. Measured, in interleaved rounds, medians printed:
 *   baseline  the same file bytes read from disk through sha256 + gzip (level 6) in this process:
 *             the floor any layer build pays (no tar framing, no second hash, no upload);
 *   layer     building the deterministic layer alone (tar + two hashes + gzip to a temp file);
 *   cold      publish to a new repository (base layers mounted, layer + config uploaded);
 *   warm      the same publish again (everything present: HEADs and two manifest PUTs; the layer
 *             is still built, because its digest is what tells that it is present).
 *
 * Environment: BENCH_ROUNDS (default 3), BENCH_MB (default 50), BENCH_CHUNK_MB (upload chunk size,
 * default the client's 64 MiB: the layer goes in one PUT).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { buildLayer } from '../src/adapters/oci/layer.js';
import { OciImagePublisher } from '../src/adapters/oci/publisher.js';
import { RegistryClient } from '../src/adapters/oci/registry-client.js';
import type { PublishRequest } from '../src/domain/build.js';
import { pushBaseImage } from '../test/helpers/oci-images.js';
import { startRegistry } from '../test/helpers/registry.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MB = Number(process.env.BENCH_MB ?? 50);
const CHUNK_MB = process.env.BENCH_CHUNK_MB === undefined ? undefined : Number(process.env.BENCH_CHUNK_MB);

async function makeOutput(dir: string): Promise<number> {
  await mkdir(join(dir, 'static'), { recursive: true });
  let bytes = 0;
  const words = 'const handler = async (request, response) => { return response.json({ ok: true }); };\n';
  for (let i = 0; i < MB; i++) {
    const content = i % 2 === 0 ? randomBytes(1 << 20) : Buffer.from(`// file ${i}\n${words.repeat(Math.ceil((1 << 20) / words.length))}`).subarray(0, 1 << 20);
    await writeFile(join(dir, 'static', `chunk-${String(i).padStart(3, '0')}.bin`), content);
    bytes += content.length;
  }
  await writeFile(join(dir, 'server.js'), 'console.log("hi")\n');
  await writeFile(join(dir, 'package.json'), '{"name":"bench"}\n');
  return bytes;
}

/** The floor: every byte read once through sha256 and gzip (level 6), output discarded. */
async function baseline(dir: string): Promise<void> {
  const files = (await readdir(join(dir, 'static'))).sort();
  const hash = createHash('sha256');
  const gzip = createGzip({ level: 6 });
  const sink = pipeline(gzip, new Writable({ write: (_c, _e, cb) => cb() }));
  for (const file of files) {
    for await (const chunk of createReadStream(join(dir, 'static', file), { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      if (!gzip.write(chunk)) await new Promise((r) => gzip.once('drain', r));
    }
  }
  gzip.end();
  await sink;
  hash.digest();
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const registry = await startRegistry();
  const work = await mkdtemp(join(tmpdir(), 'pave-bench-publish-'));
  try {
    const out = join(work, 'out');
    const bytes = await makeOutput(out);
    const base = await pushBaseImage(new RegistryClient(registry.host), 'base/runtime', {
      layers: [{ 'etc/os-release': 'ID=bench\n' }, { 'usr/bin/node': 'not really node\n' }],
    });
    let uploads = 0;
    const publisher = new OciImagePublisher({
      client: { ...(CHUNK_MB ? { chunkSize: CHUNK_MB << 20 } : {}), onExchange: (e) => { if (e.method === 'PUT' || e.method === 'PATCH') uploads++; } },
    });
    const request = (repository: string): PublishRequest => ({
      base: { registry: registry.host, repository: 'base/runtime', digest: base.digest },
      layerDir: out,
      config: {
        entrypoint: ['node', 'server.js'], env: { NODE_ENV: 'production' }, exposedPorts: ['8080/tcp'], workingDir: '/srv/app',
        user: '10001:10001', labels: { 'org.opencontainers.image.source': 'https://example.com/acme/bench', 'org.opencontainers.image.revision': 'f'.repeat(40) },
      },
      target: { registry: registry.host, repository },
      tags: ['fffffff'],
      created: '2024-01-01T00:00:00Z',
    });

    const rows: Record<'baseline' | 'layer' | 'cold' | 'warm', number[]> = { baseline: [], layer: [], cold: [], warm: [] };
    let layerSize = 0;
    let digest = '';
    const counts: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rows.baseline.push(await time(() => baseline(out)));
      rows.layer.push(await time(async () => {
        const layer = await buildLayer(out, join(work, `layer-${round}.tgz`), { prefix: 'srv/app', maxBytes: 2 ** 31 });
        layerSize = layer.size;
        await rm(layer.file);
      }));
      const repository = `bench/app-${round}`;
      uploads = 0;
      rows.cold.push(await time(async () => {
        const published = await publisher.publish(request(repository));
        digest = published.digest;
        counts.push(`cold: uploaded ${published.uploadedBlobs}, mounted ${published.mountedBlobs}, skipped ${published.skippedBlobs}, ${uploads} PUT/PATCH`);
      }));
      uploads = 0;
      rows.warm.push(await time(async () => {
        const published = await publisher.publish(request(repository));
        if (published.digest !== digest) throw new Error('warm push changed the digest');
        counts.push(`warm: uploaded ${published.uploadedBlobs}, mounted ${published.mountedBlobs}, skipped ${published.skippedBlobs}, ${uploads} PUT/PATCH`);
      }));
    }

    const b = median(rows.baseline);
    console.log(`publish: ${(bytes / 2 ** 20).toFixed(0)} MiB output → layer ${(layerSize / 2 ** 20).toFixed(1)} MiB gzip; ${ROUNDS} rounds, medians; node ${process.version}`);
    console.log(`digest ${digest} (same in every round and registry repository)`);
    console.log('| step | median ms | MiB/s | × baseline |');
    console.log('|---|---:|---:|---:|');
    for (const [name, xs] of Object.entries(rows)) {
      const m = median(xs);
      console.log(`| ${name} | ${m.toFixed(0)} | ${(bytes / 2 ** 20 / (m / 1000)).toFixed(0)} | ${(m / b).toFixed(2)} |`);
    }
    console.log([...new Set(counts)].join('\n'));
  } finally {
    await rm(work, { recursive: true, force: true });
    await registry.stop();
  }
}

await main();
