/**
 * The container image without a container engine: the runtime stage of deploy/Dockerfile replayed
 * in a temporary directory. The build stage's `npm run build` is run as the image runs it (into the
 * temporary directory), production dependencies are installed from the lockfile with
 * the runtime stage's own `npm ci --omit=dev` line (from npm's cache after `.ci/run`'s `npm ci`), its COPY from
 * the build context is applied, and its CMD and HEALTHCHECK are run with its ENV: the compiled
 * service must start without tsx, TypeScript or any other dev dependency and answer /healthz, and
 * the healthcheck must pass against it and fail once it is gone.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandWords, copyArgs, envOf, parseDockerfile } from '../helpers/dockerfile.js';
import { freePort, PrivateRedis } from '../helpers/redis-server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { stages } = parseDockerfile(readFileSync(`${root}deploy/Dockerfile`, 'utf8'));
const runtime = stages.find((s) => s.name === 'runtime')!;

let app: string;
let redis: PrivateRedis;
let child: ChildProcess | undefined;
let output = '';
const timings: Record<string, number> = {};

function timed<T>(label: string, f: () => T): T {
  const start = performance.now();
  try {
    return f();
  } finally {
    timings[label] = Math.round(performance.now() - start);
  }
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** ENV of the runtime stage, in order. */
function imageEnv(): Record<string, string> {
  return Object.assign({}, ...runtime.instructions.filter((i) => i.keyword === 'ENV').map((i) => envOf(i.rest))) as Record<string, string>;
}

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'pave-image-'));
  // The runtime stage's WORKDIR; nothing above it may provide node_modules.
  app = join(base, 'app');
  expect(existsSync(join(tmpdir(), 'node_modules'))).toBe(false);

  // Build stage: `npm run build` (tsc -p tsconfig.build.json), emitted where COPY --from=build takes it.
  timed('build', () => run(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`, '--outDir', join(app, 'dist')], root));

  for (const ins of runtime.instructions) {
    if (ins.keyword !== 'COPY' || ins.flags.from) continue;
    const { sources, dest } = copyArgs(ins.rest);
    for (const source of sources) {
      const target = dest.endsWith('/') ? join(app, dest, source.split('/').pop()!) : join(app, dest);
      cpSync(join(root, source), target, { recursive: true, filter: (p) => !p.endsWith('.test.ts') });
    }
  }
  // The runtime stage's `RUN npm ci --omit=dev …`, verbatim (npm's cache is filled by `npm ci` in
  // .ci/run; prefer-offline takes packages from it).
  const install = runtime.instructions.filter((i) => i.keyword === 'RUN' && /^npm ci /.test(i.rest));
  expect(install).toHaveLength(1);
  timed('npm ci --omit=dev', () => run('/bin/sh', ['-c', install[0]!.rest], app, { npm_config_prefer_offline: 'true' }));
  redis = await PrivateRedis.start();
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    await new Promise((r) => {
      child!.once('exit', r);
      child!.kill('SIGKILL');
    });
  }
  await redis?.stop();
  if (app) rmSync(join(app, '..'), { recursive: true, force: true });
  process.stdout.write(`image replay timings (ms): ${JSON.stringify(timings)}\n`);
});

describe('the runtime image (replayed)', () => {
  it('has production dependencies only', () => {
    for (const dev of ['tsx', 'typescript', 'vitest', 'eslint', 'kubernetes-models']) {
      expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    }
    expect(existsSync(join(app, 'node_modules', 'bullmq'))).toBe(true);
    expect(existsSync(join(app, 'dist', 'main', 'start.js'))).toBe(true);
    expect(existsSync(join(app, 'dist', 'main', 'start.test.js'))).toBe(false);
  });

  it('runs the pave command from the compiled CLI (bin/pave.js without tsx)', () => {
    const r = spawnSync(process.execPath, ['bin/pave.js', 'validate', 'examples/lending-backend'], { cwd: app, encoding: 'utf8', timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\d+ files?: \d+ valid, 0 invalid/);
  });

  it('starts with the image CMD (PAVE_ROLE=web), answers /healthz and /readyz, and passes its HEALTHCHECK', async () => {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...imageEnv(),
      // The image's /var/lib/pave volume, here a temporary directory.
      STATE_REPO: join(app, '..', 'var', 'state.git'),
      STATE_MIRROR_DIR: join(app, '..', 'var', 'state-mirror.git'),
      HOST: '127.0.0.1',
      PORT: String(port),
      PAVE_ROLE: 'web',
      REDIS_URL: redis.url,
      LOG_LEVEL: 'info',
    };
    const [cmd, ...args] = commandWords(runtime.instructions.filter((i) => i.keyword === 'CMD').at(-1)!.rest);
    expect(cmd).toBe('node');
    const started = performance.now();
    child = spawn(process.execPath, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));

    let status = 0;
    for (let i = 0; i < 200 && status !== 200; i++) {
      if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}:\n${output}`);
      status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    timings['start to /healthz 200'] = Math.round(performance.now() - started);
    expect(status, output).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(output).toContain('"role":"web"');

    const hc = runtime.instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1)!;
    const [hcCmd, ...hcArgs] = commandWords(hc.rest.replace(/^CMD\s+/, ''));
    expect(hcCmd).toBe('node');
    const healthy = spawnSync(process.execPath, hcArgs, { cwd: app, env, encoding: 'utf8', timeout: 10_000 });
    expect(healthy.status, healthy.stderr).toBe(0);

    await new Promise((r) => {
      child!.once('exit', r);
      child!.kill('SIGTERM');
    });
    expect(child.exitCode).toBe(0);
    const unhealthy = spawnSync(process.execPath, hcArgs, { cwd: app, env, encoding: 'utf8', timeout: 10_000 });
    expect(unhealthy.status).toBe(1);
  }, 60_000);
});
