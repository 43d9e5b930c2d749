/**
 * `npm run bench:e2e-plan` — webhook-to-comment latency: a signed `pull_request.opened` delivered
 * to the web process until the plan comment exists on the GitHub double, for 200 pull requests
 * one after another (warm: tokens, platform and unchanged blobs cached), and cold: the first pull
 * request of a freshly started service, BENCH_COLD times (default 5), each with its own service,
 * Redis prefix and double. Real Redis, real HTTP, the whole service in this process.
 *
 * GitHub asks integrations to space writes (1 s) and comments (3 s) per installation; that
 * pacing is switched off here (GITHUB_*_SPACING_MS=0) to measure pave itself, and the table says so.
 * Baseline in the same run: the pure planning of the same component (no I/O).
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pullRequestEventFromDouble } from '../test/fixtures/github/index.js';
import { installEverything, startHarness, waitFor } from '../test/e2e/harness.js';
import { findProject, loadPlatform, isPlatformInput } from '../src/config/platform/index.js';
import { discoverComponents, isDescriptorPath, readComponent } from '../src/config/component/index.js';
import { readSourceTree } from '../src/adapters/fs/read-source-tree.js';
import { plan } from '../src/planner/plan.js';

const COUNT = Number(process.env.BENCH_PRS ?? 200);
const COLD = Number(process.env.BENCH_COLD ?? 5);
const REPO = 'acme-bank/lending-backend';
const FILE = 'loans-api/.choreo/component.yaml';
const original = readFileSync(`examples/lending-backend/${FILE}`, 'utf8');

const ENV = { GITHUB_WRITE_SPACING_MS: '0', GITHUB_CONTENT_SPACING_MS: '0', GITHUB_CONTENT_PER_MINUTE: '1000000', GITHUB_CONTENT_PER_HOUR: '10000000', LOG_LEVEL: 'warn' };
const loadAtStart = loadavg();
// Cold: a fresh service each time (no installation token, no cached trees, blobs or platform).
const coldRuns: number[] = [];
for (let i = 0; i < COLD; i++) {
  const c = await startHarness({ env: ENV });
  try {
    await installEverything(c);
    coldRuns.push(await firstPullRequest(c));
  } finally {
    await c.close();
  }
}
coldRuns.sort((a, b) => a - b);

async function firstPullRequest(c: Awaited<ReturnType<typeof startHarness>>): Promise<number> {
  c.github.state.commit(REPO, { branch: 'cold', files: { [FILE]: `${original}# cold\n` } });
  const pr = c.github.state.createPullRequest(REPO, { head: 'cold', author: 'dev' });
  const payload = pullRequestEventFromDouble(c.github.state, REPO, pr.number, 'opened');
  const t0 = performance.now();
  const res = await c.deliver('pull_request', payload);
  if (res.status !== 202) throw new Error(`delivery answered ${res.status}`);
  await waitFor(() => c.github.state.repo(REPO).comments.some((x) => x.issueNumber === pr.number && x.body.startsWith('<!-- pave:plan -->')), `the comment of PR ${pr.number}`, 30_000);
  return performance.now() - t0;
}

const h = await startHarness({ env: ENV });
try {
  await installEverything(h);
  const comments = (n: number) => h.github.state.repo(REPO).comments.some((c) => c.issueNumber === n && c.body.startsWith('<!-- pave:plan -->'));

  async function onePullRequest(i: number): Promise<number> {
    h.github.state.commit(REPO, { branch: `bench-${i}`, files: { [FILE]: `${original}# change ${i}\n` } });
    const pr = h.github.state.createPullRequest(REPO, { head: `bench-${i}`, author: 'dev' });
    const payload = pullRequestEventFromDouble(h.github.state, REPO, pr.number, 'opened');
    const t0 = performance.now();
    const res = await h.deliver('pull_request', payload);
    if (res.status !== 202) throw new Error(`delivery answered ${res.status}`);
    await waitFor(() => comments(pr.number), `the comment of PR ${pr.number}`, 30_000);
    return performance.now() - t0;
  }

  await onePullRequest(0); // the cold one of this service, measured above on fresh services
  const warm: number[] = [];
  for (let i = 1; i <= COUNT; i++) {
    warm.push(await onePullRequest(i));
    if (i % 25 === 0) process.stderr.write(`  ${i}/${COUNT} pull requests\n`);
  }
  warm.sort((a, b) => a - b);
  const pctOf = (list: number[], p: number) => list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))]!;
  const pct = (p: number) => pctOf(warm, p);

  // Baseline: planning the same component from disk, no I/O after reading.
  const platform = loadPlatform(await readSourceTree('platform-repo-example', { include: isPlatformInput }));
  if (!platform.ok) throw new Error('example platform invalid');
  const known = [];
  for (const name of ['exchange-rates', 'interest-rates', 'investment-banking-backend', 'lending-backend']) {
    const tree = await readSourceTree(`examples/${name}`, { include: isDescriptorPath });
    for (const { root } of discoverComponents(tree.paths)) {
      const r = readComponent(tree, root, { repoName: `acme-bank/${name}`, fileChecks: true });
      if (r.descriptor) known.push({ repo: `acme-bank/${name}`, descriptor: r.descriptor });
    }
  }
  const runs = 200;
  const b0 = performance.now();
  for (let i = 0; i < runs; i++) {
    plan({ platform: platform.config, known, targets: [{ repo: REPO, root: 'loans-api' }], current: new Map(), projectOf: (r, root) => findProject(platform.config, r, root) });
  }
  const baseline = (performance.now() - b0) / runs;

  console.log(`pave webhook → plan comment latency · ${COUNT} warm and ${COLD} cold pull requests · node ${process.version} · ${cpus().length} cores · ${(totalmem() / 2 ** 30).toFixed(1)} GiB · ${new Date().toISOString()}`);
  console.log(`load ${loadAtStart.map((l) => l.toFixed(2)).join('/')} at the start, ${loadavg().map((l) => l.toFixed(2)).join('/')} at the end (1/5/15 min)`);
  console.log('GitHub write pacing and the content budget off (GITHUB_*_SPACING_MS=0, GITHUB_CONTENT_PER_*=1e6+): with GitHub\'s limits a single installation gets at most 80 comments+statuses a minute; GitHub double on loopback; real Redis\n');
  console.log('| case | p50 ms | p95 ms | max ms | baseline: pure plan ms | p50 / baseline |');
  console.log('|---|---:|---:|---:|---:|---:|');
  console.log(`| cold (first PR of a fresh service: token, trees, blobs, platform; ${COLD} services) | ${pctOf(coldRuns, 50).toFixed(0)} | ${pctOf(coldRuns, 95).toFixed(0)} | ${coldRuns.at(-1)!.toFixed(0)} | ${baseline.toFixed(2)} | ${(pctOf(coldRuns, 50) / baseline).toFixed(0)}× |`);
  console.log(`| warm (${COUNT} PRs, one after another) | ${pct(50).toFixed(0)} | ${pct(95).toFixed(0)} | ${warm.at(-1)!.toFixed(0)} | ${baseline.toFixed(2)} | ${(pct(50) / baseline).toFixed(0)}× |`);
  console.log(`\nGitHub requests made: ${h.github.requests.length}; OpenAPI violations: ${h.github.violations.length}`);
} finally {
  await h.close();
}
