/**
 * Pieces the scale benchmarks share: a generated organization in the GitHub double (N components
 * spread over repositories and 10 projects, the example platform's environments) and pave as
 * separate OS processes (one web, any number of `PAVE_ROLE=worker`), as the Helm chart runs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { filesFromDirectory, type GitHubDouble } from '../test/github-double/index.js';
import { webhookRequest } from '../test/fixtures/github/index.js';
import { INSTALLATION, ORG, PLATFORM, SECRET, serviceEnv, waitFor } from '../test/e2e/harness.js';
import { deleteKeys, freePort } from '../test/helpers/redis-server.js';
import { REDIS_URL } from '../test/helpers/redis.js';

export const PROJECTS = 10;

export interface ScaleOrg {
  readonly repos: readonly string[];
  readonly components: number;
  /** The files seeded, for baselines computed without the double. */
  readonly platformFiles: Readonly<Record<string, string | Uint8Array>>;
  readonly repoFiles: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/** A service component with one REST endpoint and a connection to a peer of its project. */
function descriptor(i: number, count: number): string {
  const project = i % PROJECTS;
  const peer = (i + PROJECTS) % count;
  return [
    'schemaVersion: 1.2',
    'component:',
    `  name: svc-${i}`,
    '  type: service',
    'build:',
    '  preset: nodejs',
    'deploy:',
    '  replicas: 1',
    '  env:',
    '    production: { replicas: 2 }',
    'endpoints:',
    '  - name: api',
    '    service: { basePath: /api, port: 8080 }',
    '    type: REST',
    '    networkVisibilities: [Project]',
    'dependencies:',
    '  connectionReferences:',
    '    - name: peer',
    `      resourceRef: service:/scale-${project}/svc-${peer}/v1/api/PROJECT`,
    'configurations:',
    '  env:',
    '    - name: PEER_URL',
    '      valueFrom:',
    '        connectionRef: { name: peer, key: ServiceURL }',
    '    - name: LOG_LEVEL',
    '      value: info',
    '',
  ].join('\n');
}

/**
 * Seed installation 7 with the example platform repository (plus projects `scale-0` … `scale-9`)
 * and `components` components, `perRepo` to a repository (repository `scale-<p>-<n>`).
 */
export function seedScaleOrganization(github: GitHubDouble, components: number, perRepo: number): ScaleOrg {
  github.state.addInstallation(INSTALLATION, ORG);
  const platformFiles: Record<string, string | Uint8Array> = filesFromDirectory('platform-repo-example');
  for (let p = 0; p < PROJECTS; p++) {
    platformFiles[`projects/scale-${p}.yaml`] = [
      `name: scale-${p}`,
      `owners: ["@${ORG}/scale-${p}"]`,
      'repos:',
      `  - ${ORG}/scale-${p}-*`,
      'pipeline: default',
      'quotas:',
      `  maxComponents: ${Math.ceil(components / PROJECTS) + 10}`,
      `  maxReplicasPerEnvironment: ${3 * Math.ceil(components / PROJECTS) + 10}`,
      '  maxDatabases: 1',
      '',
    ].join('\n');
  }
  github.state.createRepo(PLATFORM, { installationId: INSTALLATION, files: platformFiles });
  // Component i lives in project i % 10; a repository holds `perRepo` components of one project.
  const byRepo = new Map<string, Record<string, string>>();
  for (let i = 0; i < components; i++) {
    const project = i % PROJECTS;
    const repo = `${ORG}/scale-${project}-${Math.floor(Math.floor(i / PROJECTS) / perRepo)}`;
    const files = byRepo.get(repo) ?? { 'README.md': `# ${repo}\n` };
    files[perRepo === 1 ? '.choreo/component.yaml' : `svc-${i}/.choreo/component.yaml`] = descriptor(i, components);
    byRepo.set(repo, files);
  }
  for (const [repo, files] of byRepo) github.state.createRepo(repo, { installationId: INSTALLATION, files });
  return { repos: [...byRepo.keys()], components, platformFiles, repoFiles: byRepo };
}

/** A platform change that touches every component in every environment: the default memory. */
export function platformChange(tag: string): Record<string, string> {
  const yaml = readFileSync('platform-repo-example/platform.yaml', 'utf8');
  if (!yaml.includes('memory: 256Mi')) throw new Error('platform-repo-example/platform.yaml changed: update platformChange');
  return { 'platform.yaml': yaml.replace('memory: 256Mi', `memory: 512Mi # ${tag}`) };
}

export interface PaveProcesses {
  readonly webUrl: string;
  readonly web: ChildProcess;
  readonly workers: readonly ChildProcess[];
  /** The Redis key prefix and BullMQ prefix the processes use. */
  readonly prefixes: { readonly PAVE_KEY_PREFIX: string; readonly PAVE_QUEUE_PREFIX: string };
  /** Everything the processes wrote (JSON log lines). */
  output(): string;
  /** Count of `"msg":"<msg>"` log lines so far. */
  count(msg: string): number;
  deliver(event: string, payload: object): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * Start one web process and `workers` worker processes (each `PAVE_CONCURRENCY` jobs at a time)
 * with their own Redis prefixes and state repository under `tmp`. GitHub pacing is off.
 */
export async function startPaveProcesses(github: GitHubDouble, tmp: string, workers: number, extra: Record<string, string> = {}): Promise<PaveProcesses> {
  const prefixes = { PAVE_KEY_PREFIX: `pave-bench-${randomBytes(4).toString('hex')}:`, PAVE_QUEUE_PREFIX: `bull-bench-${randomBytes(4).toString('hex')}` };
  const chunks: string[] = [];
  const counts = new Map<string, number>();
  const children: ChildProcess[] = [];
  const env = {
    GITHUB_WRITE_SPACING_MS: '0', GITHUB_CONTENT_SPACING_MS: '0', GITHUB_CONTENT_PER_MINUTE: '1000000', GITHUB_CONTENT_PER_HOUR: '10000000',
    ...prefixes, ...extra,
  };
  const start = (role: 'web' | 'worker', more: Record<string, string>) => {
    // BENCH_CPU_PROF=<dir>: each worker writes a V8 CPU profile there when it exits.
    const profile = role === 'worker' && process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/main/start.ts'], {
      env: { PATH: process.env.PATH ?? '', ...serviceEnv(github, tmp, { PAVE_ROLE: role, ...env, ...more }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const collect = (d: Buffer) => {
      const text = tail + String(d);
      const lines = text.split('\n');
      tail = lines.pop() ?? '';
      for (const line of lines) {
        const m = /"msg":"([^"]*)"/.exec(line);
        if (m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
        if (!line.includes('"level":30') || chunks.length < 2_000) chunks.push(line);
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', (d: Buffer) => chunks.push(String(d)));
    if (process.env.BENCH_DEBUG) { child.stdout!.pipe(process.stderr); child.stderr!.pipe(process.stderr); }
    children.push(child);
    return child;
  };
  const port = await freePort();
  const web = start('web', { PORT: String(port) });
  const workerProcesses = Array.from({ length: workers }, () => start('worker', { PORT: '0' }));
  const webUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${webUrl}/readyz`).catch(() => undefined))?.status === 200, 'the web process', 60_000);
    await waitFor(() => (counts.get('pave is running') ?? 0) >= workers + 1, 'the worker processes', 60_000);
  } catch (err) {
    for (const c of children) c.kill('SIGKILL');
    throw new Error(`${String(err)}\n${chunks.slice(-20).join('\n')}`);
  }
  return {
    webUrl, web, workers: workerProcesses, prefixes,
    output: () => chunks.join('\n'),
    count: (msg) => counts.get(msg) ?? 0,
    async deliver(event, payload) {
      const req = await webhookRequest(event, payload, SECRET);
      return fetch(`${webUrl}/webhooks/github`, { method: 'POST', headers: req.headers, body: req.body });
    },
    async stop() {
      await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((resolve) => {
        c.once('exit', resolve);
        c.kill('SIGTERM');
        setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
      })));
      await deleteKeys(REDIS_URL, prefixes.PAVE_KEY_PREFIX);
      await deleteKeys(REDIS_URL, `${prefixes.PAVE_QUEUE_PREFIX}:`);
    },
  };
}

/** Resident set size of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Load average and cores, for the result lines (the machine is shared). */
export function machineLoad(): string {
  const [one, five] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  return `load ${one}/${five} (1/5 min)`;
}
