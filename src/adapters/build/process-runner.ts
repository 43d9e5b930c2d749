/**
 * BuildRunner over child processes: each command runs as `sh -c <command>` in a process group of
 * its own (`detached`), in the request's working directory, with an environment of exactly
 * `PATH` (a fixed, safe list), `HOME` (a fresh temporary directory, removed afterwards), `LANG`,
 * `CI=true` and `request.env` — nothing of pave's own environment (tokens, keys) reaches a build.
 *
 * - The step's time limit covers all its commands; when it runs out (or the signal aborts) the
 *   whole process group gets SIGTERM, then SIGKILL after a grace period, so background children
 *   (`sleep 600 &`) die with it. Whatever a command leaves running in its group when it exits is
 *   killed too (a build step does not leave daemons behind).
 * - Output is split into lines per stream (a partial last line is flushed at exit; a line longer
 *   than 64 KiB is cut into pieces). The first half of `outputCapBytes` is kept and streamed to
 *   `onLog` as it comes; after that the last half is kept in a ring and streamed at the end; the
 *   bytes in between are counted (`truncatedBytes`) and a `pave` line says how many were left out.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildLogLine, BuildRunner, BuildStepRequest, BuildStepResult } from '../../domain/build.js';

export const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const MAX_LINE_BYTES = 64 * 1024;

export interface ProcessRunnerOptions {
  /** PATH the commands see (default {@link SAFE_PATH}). */
  readonly path?: string;
  /** `LANG` (default `C.UTF-8`). */
  readonly lang?: string;
  /** Between SIGTERM and SIGKILL of a timed-out or aborted step (default 5 s). */
  readonly killGraceMs?: number;
  /** Where the per-step HOME directories are made (default the OS temp directory). */
  readonly tempRoot?: string;
  /** `sh` (default `/bin/sh`). */
  readonly shell?: string;
}

export function createProcessRunner(options: ProcessRunnerOptions = {}): BuildRunner {
  return { run: (request) => runStep(request, options) };
}

type Stop = 'timeout' | 'aborted';

async function runStep(request: BuildStepRequest, options: ProcessRunnerOptions): Promise<BuildStepResult> {
  const started = performance.now();
  const at = () => Math.round(performance.now() - started);
  const log = new OutputLog(request.outputCapBytes, request.onLog);
  const home = await mkdtemp(join(options.tempRoot ?? tmpdir(), 'pave-build-home-'));
  const env: Record<string, string> = {
    PATH: options.path ?? SAFE_PATH, HOME: home, LANG: options.lang ?? 'C.UTF-8', CI: 'true', ...request.env,
  };
  const deadline = started + request.timeoutMs;
  let stopped: Stop | undefined = request.signal?.aborted ? 'aborted' : undefined;
  try {
    for (let index = 0; index < request.commands.length && !stopped; index++) {
      const outcome = await runCommand(request.commands[index]!, request.cwd, env, deadline, request.signal, options.killGraceMs ?? 5000, options.shell ?? '/bin/sh', log, at);
      stopped = outcome.stopped;
      if (outcome.stopped || outcome.exitCode !== 0) {
        const reason = outcome.stopped ?? 'exit';
        if (reason === 'timeout') log.pave(`time limit of ${Math.round(request.timeoutMs / 1000)} s reached: the command's processes were stopped`, at());
        else if (reason === 'aborted') log.pave('stopped: the build was cancelled', at());
        else log.pave(outcome.spawnError ?? (outcome.exitCode === null ? `killed by ${outcome.signal ?? 'a signal'}` : `exit code ${outcome.exitCode}`), at());
        const kept = log.finish(at());
        return { ok: false, reason, command: index, exitCode: outcome.exitCode, durationMs: at(), log: kept.lines, truncatedBytes: kept.truncatedBytes };
      }
    }
    if (stopped) {
      const kept = log.finish(at());
      return { ok: false, reason: stopped, command: 0, exitCode: null, durationMs: at(), log: kept.lines, truncatedBytes: kept.truncatedBytes };
    }
    const kept = log.finish(at());
    return { ok: true, durationMs: at(), log: kept.lines, truncatedBytes: kept.truncatedBytes };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

interface CommandOutcome {
  readonly exitCode: number | null;
  readonly signal?: string | null;
  readonly stopped?: Stop;
  readonly spawnError?: string;
}

function runCommand(
  command: string, cwd: string, env: Record<string, string>, deadline: number, signal: AbortSignal | undefined,
  graceMs: number, shell: string, log: OutputLog, at: () => number,
): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const child = spawn(shell, ['-c', command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stopped: Stop | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let exit: { code: number | null; signal: string | null } | undefined;
    let spawnError: string | undefined;
    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // the group is gone already
      }
    };
    const stop = (why: Stop) => {
      if (stopped || exit) return;
      stopped = why;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), graceMs);
    };
    const timer = setTimeout(() => stop('timeout'), Math.max(0, deadline - performance.now()));
    const onAbort = () => stop('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });

    const out = new LineSplitter((text) => log.line('stdout', text, at()));
    const err = new LineSplitter((text) => log.line('stderr', text, at()));
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = `could not start the command: ${e.code ?? e.message}`;
    });
    child.on('exit', (code, sig) => {
      exit = { code, signal: sig };
      // Leftovers in the command's group (background jobs) would hold the pipes open: end them.
      killGroup('SIGKILL');
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      out.end();
      err.end();
      const final = exit ?? { code, signal: sig };
      resolve({
        exitCode: spawnError ? null : final.code, signal: final.signal,
        ...(stopped ? { stopped } : {}), ...(spawnError ? { spawnError } : {}),
      });
    });
  });
}

/** Bytes → lines (without the newline, `\r` dropped), partial lines held until more comes or `end`. */
class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  constructor(private readonly emit: (text: string) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      this.add(chunk.subarray(start, nl));
      this.flush();
      start = nl + 1;
    }
    if (start < chunk.length) this.add(chunk.subarray(start));
  }

  end(): void {
    if (this.pendingBytes > 0) this.flush();
  }

  private add(part: Buffer): void {
    while (this.pendingBytes + part.length > MAX_LINE_BYTES) {
      const room = MAX_LINE_BYTES - this.pendingBytes;
      this.pending.push(part.subarray(0, room));
      this.pendingBytes += room;
      this.flush();
      part = part.subarray(room);
    }
    if (part.length > 0) {
      this.pending.push(part);
      this.pendingBytes += part.length;
    }
  }

  private flush(): void {
    const text = Buffer.concat(this.pending).toString('utf8').replace(/\r$/, '');
    this.pending = [];
    this.pendingBytes = 0;
    this.emit(text);
  }
}

/** The kept log: a head (streamed as it comes), a tail ring (streamed at the end), the rest counted. */
class OutputLog {
  private readonly head: BuildLogLine[] = [];
  private tail: { line: BuildLogLine; bytes: number }[] = [];
  /** First live entry of `tail` (dropped entries are compacted away in batches). */
  private tailStart = 0;
  private readonly headCap: number;
  private readonly tailCap: number;
  private headBytes = 0;
  private tailBytes = 0;
  private truncated = 0;
  private headFull = false;

  constructor(capBytes: number, private readonly onLog?: (line: BuildLogLine) => void) {
    this.headCap = Math.floor(capBytes / 2);
    this.tailCap = capBytes - this.headCap;
  }

  pave(text: string, at: number): void {
    const line: BuildLogLine = { stream: 'pave', text, at };
    if (this.headFull) this.tail.push({ line, bytes: 0 });
    else this.head.push(line);
    if (!this.headFull) this.onLog?.(line);
  }

  line(stream: 'stdout' | 'stderr', text: string, at: number): void {
    const bytes = Buffer.byteLength(text) + 1;
    const line: BuildLogLine = { stream, text, at };
    if (!this.headFull && this.headBytes + bytes <= this.headCap) {
      this.headBytes += bytes;
      this.head.push(line);
      this.onLog?.(line);
      return;
    }
    if (!this.headFull) {
      this.headFull = true;
      this.onLog?.({ stream: 'pave', text: `output passed ${this.headCap} bytes: the rest is kept only for its last ${this.tailCap} bytes (shown at the end)`, at });
    }
    this.tail.push({ line, bytes });
    this.tailBytes += bytes;
    while (this.tailBytes > this.tailCap && this.tailStart < this.tail.length) {
      const dropped = this.tail[this.tailStart++]!;
      this.tailBytes -= dropped.bytes;
      this.truncated += dropped.bytes;
    }
    if (this.tailStart > 1024 && this.tailStart * 2 > this.tail.length) {
      this.tail = this.tail.slice(this.tailStart);
      this.tailStart = 0;
    }
  }

  finish(at: number): { lines: BuildLogLine[]; truncatedBytes: number } {
    const lines = [...this.head];
    if (this.truncated > 0) {
      const gap: BuildLogLine = { stream: 'pave', text: `… ${this.truncated} bytes of output left out …`, at };
      lines.push(gap);
      this.onLog?.(gap);
    }
    for (const { line } of this.tail.slice(this.tailStart)) {
      lines.push(line);
      if (this.headFull) this.onLog?.(line);
    }
    return { lines, truncatedBytes: this.truncated };
  }
}
