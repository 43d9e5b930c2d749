/**
 * Reading the CLI's inputs from disk: component repositories, the platform repository and the
 * state directory. Thin: the filesystem adapter lists and reads, `config/` decides.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { readSourceTree } from '../adapters/fs/read-source-tree.js';
import type { LocatedComponent } from '../domain/component.js';
import type { Diagnostic } from '../domain/diagnostic.js';
import { isDescriptorPath, readRepositoryComponents, type FileReport } from '../config/component/index.js';
import { isPlatformInput, loadPlatform, type LoadPlatformResult } from '../config/platform/index.js';
import { readStateSnapshot, STATE_FILE, type StateRead } from '../config/state/read-state-snapshot.js';
import type { UnreadableComponent } from '../planner/plan.js';
import { UsageError } from './args.js';


export interface ComponentRepo {
  readonly dir: string;
  readonly repo: string;
  readonly components: readonly LocatedComponent[];
  readonly unreadable: readonly UnreadableComponent[];
  /** Every descriptor file's report, paths relative to the current directory. */
  readonly reports: readonly FileReport[];
}

/** Read every component of the repository checked out at `dir`. */
export async function readComponentRepo(dir: string, repo: string, fileChecks = true): Promise<ComponentRepo> {
  mustBeDirectory(dir);
  const tree = await readSourceTree(dir, { include: isDescriptorPath });
  const components: LocatedComponent[] = [];
  const unreadable: UnreadableComponent[] = [];
  const reports: FileReport[] = [];
  for (const { root, ...result } of readRepositoryComponents(tree, { repoName: repo, fileChecks })) {
    reports.push(...result.reports.map((r) => relocateReport(r, dir)));
    if (result.descriptor) components.push({ repo, descriptor: result.descriptor });
    else {
      unreadable.push({ repo, root, name: root === '' ? repo.split('/').pop()! : basename(root),
        problems: result.reports.flatMap((r) => r.errors) });
    }
  }
  return { dir, repo, components, unreadable, reports };
}

/** Reports carry repository-relative paths; the CLI shows them relative to where it runs. */
export function relocateReport(report: FileReport, dir: string): FileReport {
  const move = (p: string) => displayPath(join(dir, p));
  const moveAll = (ds: readonly Diagnostic[]) => ds.map((d) => ({ ...d, file: move(d.file) }));
  return { ...report, path: move(report.path), errors: moveAll(report.errors), warnings: moveAll(report.warnings) };
}

export function displayPath(p: string): string {
  const rel = relative(process.cwd(), resolve(p));
  return (rel === '' ? '.' : rel.startsWith('..') ? resolve(p) : rel).split(sep).join('/');
}

export async function readPlatformDir(dir: string): Promise<LoadPlatformResult> {
  mustBeDirectory(dir);
  const tree = await readSourceTree(dir, { include: isPlatformInput, maxFiles: 20_000 });
  const result = loadPlatform(tree);
  const move = (ds: readonly Diagnostic[]) => ds.map((d) => ({ ...d, file: displayPath(join(dir, d.file)) }));
  return result.ok ? { ...result, warnings: move(result.warnings) } : { ok: false, diagnostics: move(result.diagnostics) };
}

export async function readStateDir(dir: string | undefined): Promise<StateRead> {
  if (dir === undefined || !existsSync(dir)) return { snapshot: new Map(), warnings: [] };
  mustBeDirectory(dir);
  const tree = await readSourceTree(dir, { include: (p) => STATE_FILE.test(p) });
  const read = readStateSnapshot(tree);
  return { ...read, warnings: read.warnings.map((d) => ({ ...d, file: displayPath(join(dir, d.file)) })) };
}

/** Subdirectories of `dir` that hold at least one `.choreo/` descriptor (other repositories). */
export async function repositoriesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
    const candidate = join(dir, e.name);
    const tree = await readSourceTree(candidate, { include: () => false, maxFiles: 50_000 });
    if ([...tree.paths].some(isDescriptorPath)) out.push(candidate);
  }
  return out.sort();
}

function mustBeDirectory(dir: string): void {
  if (!existsSync(dir)) throw new UsageError(`${dir}: no such directory`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${dir}: not a directory`);
}
