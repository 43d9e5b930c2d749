/**
 * `npm run bench:build` — the build path of one example service, step by step, on loopback:
 *
 *   checkout   isomorphic-git in its worker thread (createGitSourceCheckout: shallow fetch of one
 *              sha + our own tree walk) vs the `git` CLI doing the same (init, `fetch --depth 1
 *              origin <sha>`, checkout) and `git clone --depth 1`; medians and the ratio;
 *   stall      the longest event-loop stall of this (main) thread during one checkout: in the worker
 *              vs the same fetchTree run on the main thread (why the worker exists);
 *   scan       the secret scan of the checked-out tree;
 *   build      the preset's commands through the process runner (offline: a copy into dist/ and
 *              `node --test`; a real `npm ci` would measure the npm registry, not pave);
 *   push       the build output as an image layer on a synthetic base, to docker-registry on
 *              loopback (cold: new repository; warm: the same push again).
 *
 * The service: examples/investment-banking-backend plus BENCH_FILES generated modules (default
 * 300) under src/routes/, with BENCH_COMMITS commits of history (default 20) so that a shallow
 * fetch has something to leave out; served by git-http-backend (test/helpers/git-http-server.ts)
 * with an installation-style token, `uploadpack.allowReachableSHA1InWant` on (as GitHub does).
 *
 * Environment: BENCH_ROUNDS (default 5), BENCH_FILES, BENCH_COMMITS.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createProcessRunner, scanDirectoryReport } from '../src/adapters/build/index.js';
import { createGitSourceCheckout } from '../src/adapters/checkout/index.js';
import { fetchTree } from '../src/adapters/checkout/fetch-tree.js';
import { OciImagePublisher } from '../src/adapters/oci/publisher.js';
import { RegistryClient } from '../src/adapters/oci/registry-client.js';
import { pushBaseImage } from '../test/helpers/oci-images.js';
import { startRegistry } from '../test/helpers/registry.js';
import { startGitHttpServer } from '../test/helpers/git-http-server.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const FILES = Number(process.env.BENCH_FILES ?? 300);
const COMMITS = Number(process.env.BENCH_COMMITS ?? 20);
const TOKEN = 'bench-installation-token';
const EXAMPLE = new URL('../examples/investment-banking-backend/', import.meta.url).pathname;
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };

const git = (cwd: string, ...args: string[]) => run('git', args, { cwd, env: GIT_ENV, maxBuffer: 64 << 20 });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

function routeModule(i: number, revision: number): string {
  const name = `route${String(i).padStart(4, '0')}`;
  const lines = [`// Generated route ${i} (revision ${revision}).`, `import { valuePortfolio } from '../valuation.js';`, ''];
  for (let h = 0; h < 12; h++) {
    lines.push(`export function ${name}Handler${h}(request, rates) {`,
      `  const positions = (request.positions ?? []).filter((p) => p.quantity > ${h});`,
      `  return { id: '${name}-${h}', total: valuePortfolio(positions, rates, request.currency ?? 'USD') };`, '}', '');
  }
  return lines.join('\n');
}

/** The example service with generated modules and some history, as a bare repository; its head sha. */
async function makeRepository(work: string): Promise<{ root: string; sha: string; files: number; bytes: number }> {
  const src = join(work, 'service');
  await cp(EXAMPLE, src, { recursive: true });
  await mkdir(join(src, 'src', 'routes'), { recursive: true });
  await git(src, 'init', '-q', '-b', 'main');
  for (let c = 0; c < COMMITS; c++) {
    // Every commit rewrites a tenth of the modules (the first writes all of them).
    for (let i = 0; i < FILES; i++) if (c === 0 || i % 10 === c % 10) await writeFile(join(src, 'src', 'routes', `route-${String(i).padStart(4, '0')}.js`), routeModule(i, c));
    await git(src, 'add', '-A');
    await git(src, 'commit', '-q', '-m', `revision ${c}`);
  }
  const sha = (await git(src, 'rev-parse', 'HEAD')).stdout.trim();
  const root = join(work, 'served');
  await mkdir(root);
  await git(work, 'clone', '-q', '--bare', src, join(root, 'acme', 'payments.git'));
  await git(join(root, 'acme', 'payments.git'), 'config', 'uploadpack.allowReachableSHA1InWant', 'true');
  let files = 0;
  let bytes = 0;
  for (const entry of await readdir(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.parentPath.includes('.git')) continue;
    files++;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return { root, sha, files, bytes };
}

/** Longest stall of this thread's event loop (ms) while `fn` runs, from a 1 ms-resolution histogram. */
async function withStall<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  try {
    const value = await fn();
    return [h.max / 1e6, value];
  } finally {
    h.disable();
  }
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'pave-bench-build-'));
  const server = await (async () => {
    const repo = await makeRepository(work);
    return { repo, http: await startGitHttpServer({ root: repo.root, token: TOKEN }) };
  })();
  const { repo, http } = server;
  const url = http.url('acme/payments.git');
  const checkout = createGitSourceCheckout({
    urlFor: () => url,
    credentials: async () => ({ username: 'x-access-token', password: TOKEN }),
    workRoot: work,
  });
  const registry = await startRegistry().catch((err: unknown) => {
    console.log(`(no registry: ${err instanceof Error ? err.message : String(err)})`);
    return undefined;
  });
  try {
    const rows: Record<string, number[]> = { 'checkout: isomorphic-git (worker)': [], 'checkout: git CLI fetch --depth 1 <sha>': [], 'checkout: git clone --depth 1': [] };
    for (let round = 0; round < ROUNDS; round++) {
      const [iso, source] = await time(() => checkout.checkout({ repo: 'acme/payments', sha: repo.sha }));
      rows['checkout: isomorphic-git (worker)']!.push(iso);
      await source.dispose();

      const cli = join(work, `cli-${round}`);
      const [fetchMs] = await time(async () => {
        await git(work, 'init', '-q', cli);
        await git(cli, '-c', `http.extraHeader=Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`, 'fetch', '-q', '--depth', '1', '--no-tags', url, repo.sha);
        await git(cli, '-c', 'advice.detachedHead=false', 'checkout', '-q', repo.sha);
      });
      rows['checkout: git CLI fetch --depth 1 <sha>']!.push(fetchMs);
      await rm(cli, { recursive: true, force: true });

      const [cloneMs] = await time(() => git(work, 'clone', '-q', '--depth', '1', '--no-tags', http.urlWithToken('acme/payments.git'), cli));
      rows['checkout: git clone --depth 1']!.push(cloneMs);
      await rm(cli, { recursive: true, force: true });
    }

    // Event-loop stalls of this thread: the worker vs the same work on the main thread.
    const [workerStall, one] = await withStall(() => checkout.checkout({ repo: 'acme/payments', sha: repo.sha }));
    await one.dispose();
    const inline = join(work, 'inline');
    await mkdir(inline);
    const [mainStall] = await withStall(() => fetchTree({
      url, sha: repo.sha, gitdir: join(inline, 'git'), dir: join(inline, 'src'), credentials: { username: 'x-access-token', password: TOKEN },
      maxFiles: 100_000, maxBytes: 1024 ** 3, maxPackBytes: 1024 ** 3, fallbackDepth: 50,
    }));
    await rm(inline, { recursive: true, force: true });

    // Scan, build and push on one checkout.
    const source = await checkout.checkout({ repo: 'acme/payments', sha: repo.sha });
    const scans: number[] = [];
    let scanned = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const [ms, report] = await time(() => scanDirectoryReport(source.dir));
      scans.push(ms);
      scanned = report.filesScanned;
      if (report.findings.length > 0) throw new Error(`unexpected secret findings: ${JSON.stringify(report.findings)}`);
    }
    rows[`secret scan (${scanned} files)`] = scans;

    const runner = createProcessRunner();
    const build = ['rm -rf dist && mkdir -p dist && cp -R src package.json dist/'];
    const test = ['node --test'];
    for (const [name, commands] of [['build: ' + build.join(' && '), build], ['test: ' + test.join(' && '), test]] as const) {
      const xs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const result = await runner.run({ commands, cwd: source.dir, timeoutMs: 120_000, outputCapBytes: 1 << 20 });
        if (!result.ok) throw new Error(`${name} failed: ${result.log.map((l) => l.text).join('\n')}`);
        xs.push(result.durationMs);
      }
      rows[name] = xs;
    }

    let pushNote = 'push: not measured (docker-registry did not start)';
    if (registry) {
      const base = await pushBaseImage(new RegistryClient(registry.host), 'base/node', { layers: [{ 'etc/os-release': 'ID=bench\n' }, { 'usr/local/bin/node': 'not really node\n' }] });
      const publisher = new OciImagePublisher({ tempDir: work });
      const cold: number[] = [];
      const warm: number[] = [];
      let digest = '';
      for (let round = 0; round < ROUNDS; round++) {
        const request = {
          base: { registry: registry.host, repository: 'base/node', digest: base.digest },
          layerDir: join(source.dir, 'dist'),
          config: {
            entrypoint: ['node', 'src/index.js'], env: {}, exposedPorts: ['8080/tcp'], workingDir: '/app', user: '1000:1000',
            labels: { 'org.opencontainers.image.source': 'https://github.com/acme/payments', 'org.opencontainers.image.revision': repo.sha },
          },
          target: { registry: registry.host, repository: `acme/payments-${round}` },
          tags: [repo.sha.slice(0, 7)],
        };
        const [c, published] = await time(() => publisher.publish(request));
        cold.push(c);
        digest = published.digest;
        const [w] = await time(() => publisher.publish(request));
        warm.push(w);
      }
      rows['push: cold (new repository)'] = cold;
      rows['push: warm (same image again)'] = warm;
      pushNote = `push: ${digest}`;
    }
    await source.dispose();

    const iso = median(rows['checkout: isomorphic-git (worker)']!);
    const cliMs = median(rows['checkout: git CLI fetch --depth 1 <sha>']!);
    console.log(`build bench: example service ${repo.files} files, ${(repo.bytes / 1024).toFixed(0)} KiB, ${COMMITS} commits, head ${repo.sha.slice(0, 12)}; ${ROUNDS} rounds, medians; node ${process.version}`);
    console.log('| step | median ms | min ms | max ms |');
    console.log('|---|---:|---:|---:|');
    for (const [name, xs] of Object.entries(rows)) {
      console.log(`| ${name} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |`);
    }
    console.log(`checkout ratio isomorphic-git (worker) / git CLI (same sha fetch): ${(iso / cliMs).toFixed(2)}×`);
    console.log(`longest main-thread event-loop stall during a checkout: ${workerStall.toFixed(0)} ms with the worker, ${mainStall.toFixed(0)} ms with isomorphic-git on the main thread`);
    console.log(pushNote);
  } finally {
    await checkout.dispose();
    await http.close();
    await registry?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
