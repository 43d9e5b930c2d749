/**
 * `npm run bench:platform-scale` — a platform pull request that touches every component.
 *
 * The GitHub double (in this process) holds the example platform repository plus 10 generated
 * projects and BENCH_COMPONENTS components (default 1,000), BENCH_PER_REPO to a repository
 * (default 1: 1,000 repositories). pave runs as separate processes: one web and W workers
 * (`PAVE_ROLE=worker`, PAVE_CONCURRENCY jobs each), for W in BENCH_WORKERS (default 1,2,4), each
 * against fresh Redis prefixes and state repository. For each W:
 *
 *  1. index: `installation.created` for every repository until every one is indexed;
 *  2. platform PR: a pull request changing the platform's default memory (every component × 3
 *     environments changes) until the platform PR comment and the `pave/plan` status are there,
 *     the status saying every component is touched. Timed from the delivery.
 *
 * Baseline in the same run: the pure planning pave does for it (base and head, no I/O).
 * Goal: the platform PR under 20 s with one worker process. GitHub pacing is off (spacing 0).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readRepositoryComponents, isDescriptorPath } from '../src/config/component/index.js';
import { findProject, loadPlatform } from '../src/config/platform/index.js';
import type { LocatedComponent } from '../src/domain/component.js';
import { platformImpact } from '../src/planner/impact.js';
import { plan } from '../src/planner/plan.js';
import { installationEvent, pullRequestEventFromDouble } from '../test/fixtures/github/index.js';
import { startGitHubDouble } from '../test/github-double/index.js';
import { INSTALLATION, ORG, PLATFORM, waitFor } from '../test/e2e/harness.js';
import { machineLoad, platformChange, seedScaleOrganization, startPaveProcesses } from './scale-org.js';

const COMPONENTS = Number(process.env.BENCH_COMPONENTS ?? 1000);
const PER_REPO = Number(process.env.BENCH_PER_REPO ?? 1);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
const CONCURRENCY = process.env.PAVE_CONCURRENCY ?? '8';
const PLATFORM_PRS = Number(process.env.BENCH_PLATFORM_PRS ?? 1);

const github = await startGitHubDouble();
const seeded = performance.now();
const org = seedScaleOrganization(github, COMPONENTS, PER_REPO);
const seedMs = performance.now() - seeded;

console.log(`pave platform PR at scale · ${COMPONENTS} components in ${org.repos.length} repositories × 3 environments · node ${process.version} · ${cpus().length} cores · ${(totalmem() / 2 ** 30).toFixed(1)} GiB · ${new Date().toISOString()}`);
console.log(`GitHub double in the bench process (seeded in ${seedMs.toFixed(0)} ms); pave: 1 web + W worker processes, PAVE_CONCURRENCY=${CONCURRENCY}; GitHub write pacing and content budget off\n`);

const baseline = pureBaseline();
const rows: string[] = [];
try {
  for (const workers of WORKERS) {
    const tmp = await mkdtemp(join(tmpdir(), 'pave-scale-'));
    const pave = await startPaveProcesses(github, tmp, workers, { PAVE_CONCURRENCY: CONCURRENCY, LOG_LEVEL: 'info' });
    try {
      const loadBefore = machineLoad();
      const i0 = performance.now();
      const res = await pave.deliver('installation', installationEvent('created', { installationId: INSTALLATION, account: ORG, repositories: [PLATFORM, ...org.repos] }));
      const answeredMs = performance.now() - i0;
      if (res.status !== 202) throw new Error(`installation delivery answered ${res.status} after ${answeredMs.toFixed(0)} ms`);
      // The platform repository holds no component: it is read, and not indexed.
      const indexed = () => pave.count('repository indexed') + pave.count('no components; repository not indexed');
      await waitFor(() => indexed() >= org.repos.length + 1, `${org.repos.length + 1} repositories read`, 600_000);
      if (pave.count('repository indexed') !== org.repos.length) throw new Error(`${pave.count('repository indexed')} of ${org.repos.length} repositories indexed`);
      const indexMs = performance.now() - i0;

      const prTimes: number[] = [];
      for (let n = 0; n < PLATFORM_PRS; n++) {
        const branch = `scale-w${workers}-${n}-${Date.now()}`;
        github.state.commit(PLATFORM, { branch, files: platformChange(branch), message: 'More memory for everyone' });
        const pr = github.state.createPullRequest(PLATFORM, { head: branch, author: 'platform-admin' });
        const t0 = performance.now();
        const r = await pave.deliver('pull_request', pullRequestEventFromDouble(github.state, PLATFORM, pr.number, 'opened'));
        if (r.status !== 202) throw new Error(`pull_request delivery answered ${r.status}`);
        const repo = github.state.repo(PLATFORM);
        await waitFor(() => repo.statuses.some((s) => s.sha === pr.headSha && s.context === 'pave/plan' && s.state !== 'pending')
          && repo.comments.some((c) => c.issueNumber === pr.number && c.body.startsWith('<!-- pave:platform-plan -->')), `the platform PR #${pr.number} comment and status`, 600_000);
        prTimes.push(performance.now() - t0);
        const status = repo.statuses.find((s) => s.sha === pr.headSha && s.context === 'pave/plan' && s.state !== 'pending')!;
        if (!status.description?.startsWith(`Touches ${COMPONENTS} components in 3 envs`)) {
          throw new Error(`the platform plan did not touch every component: "${status.description}"\n${pave.output().split('\n').filter((l) => !l.includes('"level":30')).slice(-20).join('\n')}`);
        }
      }
      const pr = Math.min(...prTimes);
      rows.push(`| ${workers} | ${(indexMs / 1000).toFixed(1)} | ${Math.round(org.repos.length / (indexMs / 1000))} | ${(pr / 1000).toFixed(2)} | ${(baseline / 1000).toFixed(2)} | ${(pr / baseline).toFixed(1)}× | ${pr < 20_000 ? 'yes' : '**no**'} | ${answeredMs.toFixed(0)} | ${loadBefore} |`);
      console.error(rows.at(-1));
    } finally {
      await pave.stop();
      await rm(tmp, { recursive: true, force: true });
    }
  }
} finally {
  await github.close();
}

console.log('| worker processes | index all repos s | repos/s | platform PR → comment s | baseline: pure plan base+head s | ratio | < 20 s | installation delivery answered ms | load before |');
console.log('|---:|---:|---:|---:|---:|---:|---|---:|---|');
for (const row of rows) console.log(row);
console.log(`\nplatform PR time: best of ${PLATFORM_PRS}; GitHub requests made: ${github.requests.length}; OpenAPI violations: ${github.violations.length}`);

/** What pave's platform plan computes, without I/O: both platforms over every component. */
function pureBaseline(): number {
  const treeOf = (repo: string) => {
    const files = repo === PLATFORM ? org.platformFiles : org.repoFiles.get(repo)!;
    const map = new Map(Object.entries(files).map(([p, text]) => [p, typeof text === 'string' ? new TextEncoder().encode(text) : text] as const));
    return { paths: new Set(map.keys()), files: map };
  };
  const base = loadPlatform(treeOf(PLATFORM));
  const headTree = treeOf(PLATFORM);
  const changed = platformChange('baseline')['platform.yaml']!;
  (headTree.files as Map<string, Uint8Array>).set('platform.yaml', new TextEncoder().encode(changed));
  const head = loadPlatform(headTree);
  if (!base.ok || !head.ok) throw new Error('generated platform is invalid');
  const known: LocatedComponent[] = [];
  for (const repo of org.repos) {
    const tree = treeOf(repo);
    const only = { paths: new Set([...tree.paths].filter(isDescriptorPath)), files: tree.files };
    for (const e of readRepositoryComponents(only, { repoName: repo, fileChecks: true })) if (e.descriptor) known.push({ repo, descriptor: e.descriptor });
  }
  if (known.length !== COMPONENTS) throw new Error(`expected ${COMPONENTS} components, read ${known.length}`);
  const once = () => {
    const planWith = (config: typeof head.config) => plan({ platform: config, known, current: new Map(), projectOf: (r, root) => findProject(config, r, root) });
    const impact = platformImpact(planWith(base.config), planWith(head.config));
    if (impact.touched.length !== COMPONENTS) throw new Error(`baseline touched ${impact.touched.length}`);
  };
  once();
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) once();
  return (performance.now() - t0) / 3;
}
