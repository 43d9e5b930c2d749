/**
 * `npx tsx bench/state-repository.bench.ts` — the state repository at a realistic size.
 *
 * Builds a state repository of COMPONENTS (default 1,000) components × 3 environments × 3 files
 * (desired.json, release.json, manifests.yaml, ~5 KiB per component and environment), then
 * measures, locally and through git's own http-backend on 127.0.0.1: an apply's commit (3 files of
 * one component), an idempotent re-commit, reading one file, and reading every environment (the
 * planner's snapshot), with the longest event-loop stall seen during each.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createGitStateSource, createLocalStateRepository, createRemoteStateRepository, type FilteringStateRepository } from '../src/adapters/git/index.js';
import { startGitHttpServer } from '../test/helpers/git-http-server.js';

const run = promisify(execFile);
const COMPONENTS = Number(process.env.COMPONENTS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 30);
const ENVIRONMENTS = ['development', 'staging', 'production'];
const author = { name: 'pave', email: 'pave@example.com' };

function componentFiles(environment: string, i: number, revision: number): Record<string, string> {
  const project = `project-${i % 50}`;
  const component = `component-${i}`;
  const dir = `environments/${environment}/${project}/${component}`;
  const desired = {
    project, component, environment, configHash: `sha256:${revision}-${i}`, revision,
    workload: { type: 'service', replicas: 2, resources: { cpu: '250m', memory: '256Mi' } },
    endpoints: [{ name: 'http', port: 8080, visibility: 'Project' }],
    databases: [{ name: 'main', engine: 'postgres', connectionLimit: 20 }],
    connections: Array.from({ length: 5 }, (_, k) => ({ name: `dep-${k}`, target: `component-${(i + k + 1) % COMPONENTS}` })),
    config: Object.fromEntries(Array.from({ length: 15 }, (_, k) => [`SETTING_${k}`, `value-${k}-${revision}`])),
    network: { ingress: [], egress: [] },
  };
  const release = { project, component, environment, repo: `acme/${component}`, sourceSha: 'a'.repeat(40), image: `ghcr.io/acme/${component}@sha256:${'b'.repeat(64)}`, configHash: desired.configHash, actor: 'octocat', appliedAt: '2025-01-01T00:00:00Z' };
  const manifests = Array.from({ length: 6 }, (_, k) => `---\napiVersion: v1\nkind: Object${k}\nmetadata:\n  name: ${component}-${k}\n  namespace: ${project}-${environment}\n  labels:\n    app.kubernetes.io/name: ${component}\n    app.kubernetes.io/part-of: ${project}\n    pave.dev/revision: "${revision}"\nspec:\n  replicas: 2\n  template: {}\n`).join('').repeat(4);
  return {
    [`${dir}/desired.json`]: `${JSON.stringify(desired, null, 2)}\n`,
    [`${dir}/release.json`]: `${JSON.stringify(release, null, 2)}\n`,
    [`${dir}/manifests.yaml`]: manifests,
  };
}

interface Sample { ms: number; stallMs: number }

async function measure(fn: () => Promise<unknown>): Promise<Sample> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const start = performance.now();
  await fn();
  const ms = performance.now() - start;
  h.disable();
  return { ms, stallMs: h.max / 1e6 };
}

function summary(samples: Sample[]): string {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(1);
  return `p50 ${q(0.5)} ms · p95 ${q(0.95)} ms · max stall ${Math.max(...samples.map((s) => s.stallMs)).toFixed(1)} ms`;
}

async function repeat(rounds: number, fn: (round: number) => Promise<unknown>): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let r = 0; r < rounds; r++) samples.push(await measure(() => fn(r)));
  return samples;
}

async function exercise(label: string, open: () => FilteringStateRepository): Promise<void> {
  const repo = open();
  const applies = await repeat(ROUNDS, (r) => repo.commit(componentFiles(ENVIRONMENTS[r % 3]!, (r * 37) % COMPONENTS, r + 1), `apply ${r}`, author));
  console.log(`| ${label} | commit an apply (3 files) | ${summary(applies)} |`);
  const again = componentFiles(ENVIRONMENTS[(ROUNDS - 1) % 3]!, ((ROUNDS - 1) * 37) % COMPONENTS, ROUNDS);
  console.log(`| ${label} | idempotent re-commit | ${summary(await repeat(ROUNDS, () => repo.commit(again, 'again', author)))} |`);
  console.log(`| ${label} | read one file | ${summary(await repeat(ROUNDS, (r) => repo.readFiles(`environments/production/project-${r % 50}/component-${r}/release.json`)))} |`);
  console.log(`| ${label} | read one component's directory | ${summary(await repeat(ROUNDS, (r) => repo.readFiles(`environments/production/project-${r % 50}/component-${r}`)))} |`);
  let files = 0;
  const all = await repeat(3, async () => (files = (await open().readFiles('environments')).size));
  console.log(`| ${label} | read all environments, cold (${files} files) | ${summary(all)} |`);
  let components = 0;
  const cold = await repeat(3, async () => (components = (await createGitStateSource(open()).snapshot()).size));
  console.log(`| ${label} | planner snapshot, cold (${components} desired.json) | ${summary(cold)} |`);
  const source = createGitStateSource(repo);
  await source.snapshot();
  const warm: Sample[] = [];
  for (let r = 0; r < 10; r++) {
    await repo.commit(componentFiles('staging', (r * 11) % COMPONENTS, 1000 + r), `apply ${r}`, author);
    warm.push(await measure(() => source.snapshot()));
  }
  console.log(`| ${label} | planner snapshot after an apply, same process | ${summary(warm)} |`);
}

const tmp = await mkdtemp(join(tmpdir(), 'pave-bench-state-'));
try {
  console.log(`pave state repository benchmark · node ${process.version} · ${COMPONENTS} components × ${ENVIRONMENTS.length} environments × 3 files`);
  console.log('');
  const gitdir = join(tmp, 'server', 'state.git');
  const local = createLocalStateRepository({ dir: gitdir });
  const everything: Record<string, string> = {};
  for (const environment of ENVIRONMENTS) for (let i = 0; i < COMPONENTS; i++) Object.assign(everything, componentFiles(environment, i, 0));
  const seed = await measure(() => local.commit(everything, 'seed', author));
  const size = (await run('du', ['-sh', gitdir])).stdout.split('\t')[0];
  console.log(`seed commit of ${Object.keys(everything).length} files: ${seed.ms.toFixed(0)} ms (max stall ${seed.stallMs.toFixed(0)} ms), repository ${size} of loose objects`);
  console.log('');
  console.log('| repository | operation | latency |');
  console.log('|---|---|---|');
  await exercise('local', () => createLocalStateRepository({ dir: gitdir }));

  // The same repository served over smart HTTP, packed as a hosted one would be.
  await run('git', ['--git-dir', gitdir, 'gc', '--quiet']);
  const server = await startGitHttpServer({ root: join(tmp, 'server'), token: 'bench-token' });
  try {
    const options = { url: server.url('state.git'), auth: async () => ({ username: 'x-access-token', password: 'bench-token' }) };
    const open = () => createRemoteStateRepository({ ...options, dir: join(tmp, 'mirror.git') });
    const clone = await measure(() => open().readFiles('environments/production/project-0/component-0'));
    console.log(`| remote (http-backend, 127.0.0.1) | first read = clone into an empty mirror | ${clone.ms.toFixed(0)} ms · max stall ${clone.stallMs.toFixed(0)} ms |`);
    await exercise('remote (http-backend, 127.0.0.1)', open);
  } finally {
    await server.close();
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}
