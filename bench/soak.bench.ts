/**
 * `npm run bench:soak` — sustained load: does pave's memory stay flat and does its queue drain?
 *
 * pave runs as two OS processes (`PAVE_ROLE=web` and `PAVE_ROLE=worker`) against the GitHub
 * double (in this process) seeded with the example organization, on real Redis. For
 * BENCH_SOAK_SECONDS (default 600) this process delivers signed webhooks at BENCH_SOAK_RATE per
 * second (default 5): round robin over BENCH_SOAK_PRS open pull requests (default 20) in the four
 * example repositories, each delivery a `pull_request.synchronize` for a new commit (a plan, a
 * status and a sticky comment update), and every fifth an `issue_comment` that pave ignores. The
 * RSS of both processes is sampled every 10 s (/proc/<pid>/status). At the end the queue must
 * drain (no waiting, active or delayed job) and every pull request must show the plan of its
 * last head.
 *
 * Printed: start, end and max RSS per process, and the slope of a least-squares line through the
 * samples after the first two minutes (warm-up: JIT, caches, connection pools; a quarter of a
 * shorter run), and through the second half, in MiB per 10 minutes.
 * GitHub pacing is off (spacing 0), to put the load on pave rather than on GitHub's limits.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { installationEvent, issueCommentEvent, pullRequestEventFromDouble } from '../test/fixtures/github/index.js';
import { startGitHubDouble } from '../test/github-double/index.js';
import { INSTALLATION, ORG, PLATFORM, REPOS, seedOrganization, waitFor } from '../test/e2e/harness.js';
import { REDIS_URL } from '../test/helpers/redis.js';
import { QUEUE_NAMES } from '../src/queue/jobs.js';
import { rssMiB, startPaveProcesses } from './scale-org.js';

const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 5);
const PRS = Number(process.env.BENCH_SOAK_PRS ?? 20);
const SAMPLE_MS = Number(process.env.BENCH_SOAK_SAMPLE_MS ?? 10_000);
const WARMUP_MS = Math.min(120_000, (SECONDS * 1000) / 4);

/** The descriptor file of each example repository's first component. */
const DESCRIPTOR: Record<string, string> = {
  'exchange-rates': '.choreo/component.yaml',
  'interest-rates': '.choreo/component.yaml',
  'investment-banking-backend': '.choreo/component.yaml',
  'lending-backend': 'loans-api/.choreo/component.yaml',
};

const github = await startGitHubDouble();
seedOrganization(github);
const tmp = await mkdtemp(join(tmpdir(), 'pave-soak-'));
const pave = await startPaveProcesses(github, tmp, 1, { PAVE_CONCURRENCY: '4', LOG_LEVEL: 'info' });
const queues = Object.values(QUEUE_NAMES).map((name) => new Queue(name, { connection: { url: REDIS_URL }, prefix: pave.prefixes.PAVE_QUEUE_PREFIX }));
const loadAtStart = loadavg();
try {
  const installed = await pave.deliver('installation', installationEvent('created', { installationId: INSTALLATION, account: ORG, repositories: [PLATFORM, ...REPOS] }));
  if (installed.status !== 202) throw new Error(`installation answered ${installed.status}`);
  await waitFor(() => pave.count('repository indexed') >= REPOS.length, 'the index', 60_000);

  // The open pull requests, round robin over the example repositories.
  const prs = Array.from({ length: PRS }, (_, i) => {
    const repo = REPOS[i % REPOS.length]!;
    const file = DESCRIPTOR[repo.split('/')[1]!];
    if (!file) throw new Error(`no descriptor known for ${repo}`);
    const original = readFileSync(join('examples', repo.split('/')[1]!, file), 'utf8');
    github.state.commit(repo, { branch: `soak-${i}`, files: { [file]: `${original}# soak 0\n` } });
    const pr = github.state.createPullRequest(repo, { head: `soak-${i}`, author: 'dev' });
    return { repo, file, original, branch: `soak-${i}`, number: pr.number, commits: 0, lastSha: pr.headSha };
  });

  const samples: { t: number; web: number; worker: number }[] = [];
  const t0 = performance.now();
  const sample = () => samples.push({ t: performance.now() - t0, web: rssMiB(pave.web.pid!), worker: rssMiB(pave.workers[0]!.pid!) });
  sample();
  const sampler = setInterval(sample, SAMPLE_MS);

  let sent = 0;
  let syncs = 0;
  const answers = new Map<number, number>();
  const inflight = new Set<Promise<void>>();
  const total = Math.round(SECONDS * RATE);
  for (let n = 0; n < total; n++) {
    // Fixed rate: the n-th delivery leaves at n / RATE seconds, whatever the answers take.
    const due = (n / RATE) * 1000 - (performance.now() - t0);
    if (due > 0) await new Promise((r) => setTimeout(r, due));
    let delivery: Promise<Response>;
    if (n % 5 === 4) {
      const pr = prs[Math.floor(n / 5) % PRS]!;
      delivery = pave.deliver('issue_comment', issueCommentEvent('created', { repo: pr.repo, issueNumber: pr.number, body: `looks good (${n})`, author: 'reviewer' }));
    } else {
      const pr = prs[syncs++ % PRS]!;
      pr.commits++;
      github.state.commit(pr.repo, { branch: pr.branch, files: { [pr.file]: `${pr.original}# soak ${pr.commits}\n` } });
      const synced = github.state.syncPullRequest(pr.repo, pr.number);
      pr.lastSha = synced.headSha;
      delivery = pave.deliver('pull_request', pullRequestEventFromDouble(github.state, pr.repo, pr.number, 'synchronize'));
    }
    sent++;
    const p = delivery.then((r) => void answers.set(r.status, (answers.get(r.status) ?? 0) + 1), () => void answers.set(0, (answers.get(0) ?? 0) + 1));
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
    if (n % (RATE * 60) === 0 && n > 0) process.stderr.write(`  ${Math.round((performance.now() - t0) / 1000)} s: ${sent} deliveries, web ${samples.at(-1)!.web.toFixed(0)} MiB, worker ${samples.at(-1)!.worker.toFixed(0)} MiB\n`);
  }
  await Promise.all(inflight);
  const loadEnd = loadavg();
  const sendMs = performance.now() - t0;

  // Drain: no job left, and every pull request's plan status is for its last head.
  const d0 = performance.now();
  // Delayed jobs of the job schedulers (resync, sweep) are always there: they are not work left.
  const busy = async () => {
    const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children')));
    const delayed = await Promise.all(queues.map(async (q) => (await q.getJobs(['delayed'])).filter((j) => !j.repeatJobKey).length));
    return counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0) + delayed.reduce((a, b) => a + b, 0);
  };
  await waitFor(async () => (await busy()) === 0
    && prs.every((pr) => github.state.repo(pr.repo).statuses.some((s) => s.sha === pr.lastSha && s.context === 'pave/plan' && s.state !== 'pending')), 'the queue to drain and every last head to be planned', Number(process.env.BENCH_SOAK_DRAIN_MS ?? 300_000))
    .catch(async (err: unknown) => {
      const unplanned = prs.filter((pr) => !github.state.repo(pr.repo).statuses.some((s) => s.sha === pr.lastSha && s.context === 'pave/plan' && s.state !== 'pending'));
      const detail = unplanned.map((pr) => `${pr.repo}#${pr.number} last ${pr.lastSha.slice(0, 7)}, statuses: ${github.state.repo(pr.repo).statuses.filter((s) => s.context === 'pave/plan').map((s) => `${s.sha.slice(0, 7)} ${s.state}`).join(', ')}`);
      throw new Error(`${String(err)}: ${await busy()} jobs left, ${unplanned.length} pull requests without the plan of their last head:\n${detail.join('\n')}`);
    });
  const drainMs = performance.now() - d0;
  sample();
  clearInterval(sampler);
  const failed = (await Promise.all(queues.map((q) => q.getJobCounts('failed')))).reduce((sum, c) => sum + (c.failed ?? 0), 0);

  console.log(`pave soak · ${(sendMs / 1000).toFixed(0)} s at ${RATE} deliveries/s (${sent} deliveries: ${PRS} open pull requests, 4 of 5 a synchronize with a new commit, 1 of 5 an ignored comment) · web and worker as separate processes, PAVE_CONCURRENCY=4 · node ${process.version} · ${cpus().length} cores · ${(totalmem() / 2 ** 30).toFixed(1)} GiB · ${new Date().toISOString()}`);
  console.log(`load ${loadAtStart.map((l) => l.toFixed(2)).join('/')} at the start, ${loadEnd.map((l) => l.toFixed(2)).join('/')} at the end (1/5/15 min)`);
  console.log(`answers: ${[...answers].map(([s, c]) => `${c}× ${s || 'network error'}`).join(', ')}; queue drained ${(drainMs / 1000).toFixed(1)} s after the last delivery; failed jobs ${failed}; jobs completed ${pave.count('job completed')}; samples every ${SAMPLE_MS / 1000} s: ${samples.length}\n`);
  console.log(`| process | RSS start MiB | RSS end MiB | RSS max MiB | slope after ${WARMUP_MS / 1000} s, MiB / 10 min | slope of the second half, MiB / 10 min |`);
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const key of ['web', 'worker'] as const) {
    const values = samples.map((s) => s[key]);
    const after = samples.filter((s) => s.t >= WARMUP_MS);
    const half = samples.filter((s) => s.t >= (SECONDS * 1000) / 2);
    console.log(`| ${key} | ${values[0]!.toFixed(0)} | ${values.at(-1)!.toFixed(0)} | ${Math.max(...values).toFixed(0)} | ${(slope(after.map((s) => [s.t, s[key]])) * 600_000).toFixed(1)} | ${(slope(half.map((s) => [s.t, s[key]])) * 600_000).toFixed(1)} |`);
  }
  if (process.env.BENCH_SOAK_SAMPLES) console.log(`\n${samples.map((s) => `${(s.t / 1000).toFixed(0)}s web ${s.web.toFixed(1)} worker ${s.worker.toFixed(1)}`).join('\n')}`);
} finally {
  await Promise.all(queues.map((q) => q.close()));
  await pave.stop();
  await github.close();
  await rm(tmp, { recursive: true, force: true });
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return num / den;
}
