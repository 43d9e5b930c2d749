/**
 * The secret scan of a checked-out tree: walks `dir` and applies the pure rules of
 * src/build/secret-scan.ts to every regular file. Skipped: `.git` directories, symbolic links
 * (never followed, so nothing outside the tree is read; a link inside the tree points at a file the
 * walk reaches anyway), other non-regular files, files over `maxFileBytes`, binary files and paths
 * matched by `.pave/secret-scan-ignore`. The walk is bounded by `maxFiles` (more is an error: a
 * scan that silently stopped would let a secret through).
 */
import { lstat, opendir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretFinding } from '../../domain/build.js';
import { TerminalError } from '../../domain/errors.js';
import { compileIgnoreFile, DEFAULT_MAX_FILE_BYTES, scanBytes, SECRET_SCAN_IGNORE_FILE } from '../../build/secret-scan.js';

export interface ScanDirectoryOptions {
  /** Files larger than this are skipped (default 1 MiB). */
  readonly maxFileBytes?: number;
  /** More regular files than this is an error (default 100 000). */
  readonly maxFiles?: number;
  /** Told about each skipped file (relative path and why), e.g. for the build log. */
  readonly onSkip?: (file: string, reason: 'binary' | 'too-large' | 'ignored' | 'symlink') => void;
}

export interface ScanDirectoryReport {
  readonly findings: SecretFinding[];
  readonly filesScanned: number;
  readonly filesSkipped: number;
  /** Bad lines of `.pave/secret-scan-ignore`. */
  readonly ignoreFileErrors: string[];
}

/** Every finding under `dir` (paths relative to it, `/`-separated), in path order. */
export async function scanDirectory(dir: string, options: ScanDirectoryOptions = {}): Promise<SecretFinding[]> {
  return (await scanDirectoryReport(dir, options)).findings;
}

export async function scanDirectoryReport(dir: string, options: ScanDirectoryOptions = {}): Promise<ScanDirectoryReport> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxFiles = options.maxFiles ?? 100_000;
  const ignore = await readIgnoreFile(dir);
  const findings: SecretFinding[] = [];
  let filesScanned = 0;
  let filesSkipped = 0;
  let files = 0;
  const skip = (file: string, reason: 'binary' | 'too-large' | 'ignored' | 'symlink') => {
    filesSkipped++;
    options.onSkip?.(file, reason);
  };

  const stack: string[] = [''];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const entries: { name: string; kind: 'dir' | 'file' | 'link' | 'other' }[] = [];
    for await (const e of await opendir(rel ? join(dir, rel) : dir)) {
      entries.push({ name: e.name, kind: e.isSymbolicLink() ? 'link' : e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other' });
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    const batch: string[] = [];
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.kind === 'dir') {
        if (e.name !== '.git') stack.push(path);
        continue;
      }
      if (e.kind === 'link') {
        skip(path, 'symlink');
        continue;
      }
      if (e.kind !== 'file') continue;
      if (++files > maxFiles) throw new TerminalError(`secret scan: more than ${maxFiles} files under the component root (the scan's limit)`);
      if (ignore.ignores(path)) {
        skip(path, 'ignored');
        continue;
      }
      batch.push(path);
    }
    batch.reverse();
    for (const path of batch) {
      const abs = join(dir, path);
      const st = await lstat(abs);
      if (!st.isFile()) continue; // replaced while we walked
      if (st.size > maxFileBytes) {
        skip(path, 'too-large');
        continue;
      }
      const result = scanBytes(path, await readFile(abs), maxFileBytes);
      if ('skipped' in result) {
        skip(path, result.skipped);
        continue;
      }
      filesScanned++;
      findings.push(...result.findings);
    }
  }
  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  return { findings, filesScanned, filesSkipped, ignoreFileErrors: ignore.errors };
}

async function readIgnoreFile(dir: string): Promise<ReturnType<typeof compileIgnoreFile>> {
  const path = join(dir, SECRET_SCAN_IGNORE_FILE);
  try {
    const st = await lstat(path);
    if (!st.isFile() || st.size > 64 * 1024) return compileIgnoreFile('');
    return compileIgnoreFile(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT' || (err as { code?: unknown }).code === 'ENOTDIR') return compileIgnoreFile('');
    throw err;
  }
}
