import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuildLogLine, BuildStepRequest } from '../../domain/build.js';
import { createProcessRunner, SAFE_PATH } from './process-runner.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'pave-runner-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const runner = createProcessRunner({ killGraceMs: 500 });
const step = (commands: string[], more: Partial<BuildStepRequest> = {}): BuildStepRequest => ({ commands, cwd, timeoutMs: 20_000, outputCapBytes: 64 * 1024, ...more });
const texts = (log: readonly BuildLogLine[], stream: BuildLogLine['stream']) => log.filter((l) => l.stream === stream).map((l) => l.text);

/** Whether `pid` still runs (a zombie waiting for its reaper has stopped running); SIGKILL lands asynchronously, so wait a little. */
async function alive(pid: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    let state: string;
    try {
      state = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /s, '')[0] ?? '';
    } catch {
      return false;
    }
    if (state === 'Z' || state === 'X') return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

describe('createProcessRunner', () => {
  it('runs every command in order in the working directory, streaming stdout and stderr lines apart', async () => {
    const streamed: BuildLogLine[] = [];
    const result = await runner.run(step(['echo one; echo two >&2', 'pwd', 'printf "partial"; echo " and more" 1>&2; printf "x\\r\\ny"'], { onLog: (l) => streamed.push(l) }));
    expect(result.ok).toBe(true);
    expect(texts(result.log, 'stdout')).toEqual(['one', cwd, 'partialx', 'y']);
    expect(texts(result.log, 'stderr')).toEqual(['two', ' and more']);
    expect(streamed).toEqual(result.log);
    expect(result.truncatedBytes).toBe(0);
  });

  it('stops at the first failing command and says which, with its exit code', async () => {
    const result = await runner.run(step(['true', 'echo building; exit 3', 'touch should-not-exist']));
    expect(result).toMatchObject({ ok: false, reason: 'exit', command: 1, exitCode: 3 });
    expect(texts(result.log, 'stdout')).toEqual(['building']);
    expect(texts(result.log, 'pave')).toEqual(['exit code 3']);
    await expect(stat(join(cwd, 'should-not-exist'))).rejects.toThrow(/ENOENT/);
  });

  it('gives the commands only PATH, HOME, LANG, CI and the request env: none of pave\'s secrets', async () => {
    process.env.PAVE_SECRET_KEY = 'pave-secret-key-value-for-test';
    process.env.GITHUB_TOKEN = 'github-token-value-for-test';
    try {
      const result = await runner.run(step(['env | sort', 'echo "$HOME" > home.txt; touch "$HOME/x"'], { env: { NODE_ENV: 'production' } }));
      expect(result.ok).toBe(true);
      const env = texts(result.log, 'stdout');
      const names = env.map((l) => l.slice(0, l.indexOf('='))).filter((n) => n !== 'PWD' && n !== 'SHLVL' && n !== '_' && n !== 'OLDPWD');
      expect(names.sort()).toEqual(['CI', 'HOME', 'LANG', 'NODE_ENV', 'PATH']);
      expect(env).toContain(`PATH=${SAFE_PATH}`);
      expect(env).toContain('CI=true');
      expect(env.join('\n')).not.toMatch(/pave-secret-key-value|github-token-value|PAVE_SECRET_KEY|GITHUB_TOKEN/);
      // HOME is a directory of the step's own, not pave's, and gone afterwards.
      const home = (await readFile(join(cwd, 'home.txt'), 'utf8')).trim();
      expect(home).not.toBe(process.env.HOME);
      expect(home.startsWith(tmpdir())).toBe(true);
      await expect(stat(home)).rejects.toThrow(/ENOENT/);
    } finally {
      delete process.env.PAVE_SECRET_KEY;
      delete process.env.GITHUB_TOKEN;
    }
  });

  it('on timeout kills the whole process group, background grandchildren included', async () => {
    const result = await runner.run(step(['sleep 300 & echo $! > bg.pid; sh -c "sleep 301 & echo \\$! > bg2.pid; wait" & wait'], { timeoutMs: 1500 }));
    expect(result).toMatchObject({ ok: false, reason: 'timeout', command: 0 });
    expect(texts(result.log, 'pave')[0]).toMatch(/time limit of 2 s reached|time limit of 1 s reached/);
    for (const file of ['bg.pid', 'bg2.pid']) {
      const pid = Number((await readFile(join(cwd, file), 'utf8')).trim());
      expect(pid).toBeGreaterThan(0);
      expect(await alive(pid), `${file} ${pid}`).toBe(false);
    }
  });

  it('a command that ignores SIGTERM is killed after the grace period', async () => {
    const result = await runner.run(step(["trap '' TERM; echo ready; while true; do sleep 0.1; done"], { timeoutMs: 1000 }));
    expect(result).toMatchObject({ ok: false, reason: 'timeout' });
    expect(texts(result.log, 'stdout')).toEqual(['ready']);
  });

  it('does not leave background jobs of a successful command running', async () => {
    const result = await runner.run(step(['sleep 300 & echo $! > bg.pid; echo done']));
    expect(result.ok).toBe(true);
    const pid = Number((await readFile(join(cwd, 'bg.pid'), 'utf8')).trim());
    expect(await alive(pid)).toBe(false);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = runner.run(step(['echo started; sleep 300'], { signal: controller.signal, onLog: (l) => (l.text === 'started' ? controller.abort() : undefined) }));
    const result = await pending;
    expect(result).toMatchObject({ ok: false, reason: 'aborted', command: 0 });
  });

  it('caps huge output: keeps the first and last bytes, counts the rest, streams only what it keeps', async () => {
    let streamedBytes = 0;
    const cap = 8 * 1024;
    // 200 000 numbered lines (about 1.3 MB) on stdout.
    const result = await runner.run(step(['i=0; seq 1 200000'], { outputCapBytes: cap, onLog: (l) => (streamedBytes += Buffer.byteLength(l.text) + 1) }));
    expect(result.ok).toBe(true);
    const out = texts(result.log, 'stdout');
    expect(out[0]).toBe('1');
    expect(out.at(-1)).toBe('200000');
    const keptBytes = out.reduce((n, t) => n + Buffer.byteLength(t) + 1, 0);
    expect(keptBytes).toBeLessThanOrEqual(cap);
    const total = Array.from({ length: 200000 }, (_, i) => String(i + 1).length + 1).reduce((a, b) => a + b, 0);
    expect(result.truncatedBytes).toBe(total - keptBytes);
    expect(texts(result.log, 'pave')).toEqual([`… ${result.truncatedBytes} bytes of output left out …`]);
    expect(streamedBytes).toBeLessThan(cap + 1024);
    // The kept lines are contiguous runs: the head from 1, the tail up to 200000.
    const nums = out.map(Number);
    const gap = nums.findIndex((n, i) => i > 0 && n !== nums[i - 1]! + 1);
    expect(nums.slice(gap).every((n, i, a) => i === 0 || n === a[i - 1]! + 1)).toBe(true);
  });

  it('cuts a line without newlines into bounded pieces', async () => {
    const result = await runner.run(step(['head -c 200000 /dev/zero | tr "\\0" a'], { outputCapBytes: 1024 * 1024 }));
    expect(result.ok).toBe(true);
    const pieces = texts(result.log, 'stdout');
    expect(pieces.map((p) => p.length)).toEqual([65536, 65536, 65536, 200000 - 3 * 65536]);
  });

  it('reports a working directory that does not exist as a failed command, not a crash', async () => {
    const result = await runner.run(step(['true'], { cwd: join(cwd, 'missing') }));
    expect(result).toMatchObject({ ok: false, reason: 'exit', command: 0, exitCode: null });
    expect(texts(result.log, 'pave')[0]).toMatch(/could not start the command: ENOENT/);
  });
});
