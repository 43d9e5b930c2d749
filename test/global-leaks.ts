/**
 * Vitest global setup of the suite-wide secret-leak check (see `helpers/leak-registry.ts`):
 * before any test file, a fresh directory for this run (`test/.tmp/leaks/run-…`, its path in
 * `PAVE_LEAK_DIR`, inherited by the worker processes); after the last one, every recorded secret
 * is looked for in everything recorded as seen. A secret found fails the run with the secret's
 * label and where it was found (never the secret itself). The directory is removed when clean
 * and kept for inspection when not.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LEAK_DIR_ENV, type RecordedSecret } from './helpers/leak-registry.js';

export interface LeakFinding {
  readonly label: string;
  readonly where: string;
  readonly form: 'plaintext' | 'base64';
}

/** Look for every secret recorded under `dir` in every file recorded as seen there. */
export function scanForLeaks(dir: string): { secrets: number; files: number; bytes: number; findings: LeakFinding[] } {
  const list = (sub: string) => {
    try {
      return readdirSync(join(dir, sub)).map((f) => join(dir, sub, f));
    } catch {
      return [];
    }
  };
  const secrets = new Map<string, RecordedSecret>();
  for (const f of list('secrets')) for (const s of JSON.parse(readFileSync(f, 'utf8')) as RecordedSecret[]) secrets.set(s.value, s);
  const needles = [...secrets.values()].flatMap((s) => [
    { label: s.label, form: 'plaintext' as const, bytes: Buffer.from(s.value) },
    { label: s.label, form: 'base64' as const, bytes: Buffer.from(Buffer.from(s.value).toString('base64')) },
  ]);
  const findings: LeakFinding[] = [];
  let bytes = 0;
  const seen = list('seen');
  for (const f of seen) {
    const content = readFileSync(f);
    bytes += content.length;
    for (const n of needles) if (content.includes(n.bytes)) findings.push({ label: n.label, where: f.slice(dir.length + 1), form: n.form });
  }
  return { secrets: secrets.size, files: seen.length, bytes, findings };
}

export function setup(): () => void {
  const dir = resolve('test/.tmp/leaks', `run-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  process.env[LEAK_DIR_ENV] = dir;
  return () => {
    const result = scanForLeaks(dir);
    if (result.findings.length > 0) {
      const lines = result.findings.map((f) => `  ${f.label} (${f.form}) in ${f.where}`);
      // Vitest reports a teardown's error but keeps its exit code: fail the run explicitly.
      process.exitCode = 1;
      throw new Error(`secret leak check: ${result.findings.length} secret(s) found where pave writes (records kept in ${dir}):\n${lines.join('\n')}`);
    }
    process.stdout.write(`secret leak check: ${result.secrets} secrets absent from ${result.files} recorded logs, requests, Redis dumps and git object dumps (${(result.bytes / 1e6).toFixed(1)} MB)\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
