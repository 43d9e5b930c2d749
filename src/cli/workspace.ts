/**
 * What `plan` and `catalog` share: the platform repository, the target component repositories,
 * and the other repositories connections may point at.
 */
import { basename, dirname, resolve } from 'node:path';
import { formatDiagnostic } from '../domain/diagnostic.js';
import type { LocatedComponent } from '../domain/component.js';
import type { PlatformConfig } from '../domain/platform.js';
import { findProject } from '../config/platform/index.js';
import type { ProjectResolver } from '../planner/catalog.js';
import { UsageError } from './args.js';
import type { Output } from './output.js';
import { displayPath, readComponentRepo, readPlatformDir, repositoriesIn, type ComponentRepo } from './sources.js';

export interface Workspace {
  readonly platform: PlatformConfig;
  readonly targets: readonly ComponentRepo[];
  /** Targets plus every other known repository: what connections resolve against. */
  readonly known: readonly LocatedComponent[];
  readonly projectOf: ProjectResolver;
}

export interface WorkspaceOptions {
  readonly platformDir: string | undefined;
  readonly roots: readonly string[];
  readonly repo?: string;
  /** Other repositories (or directories of repositories); siblings of the targets when absent. */
  readonly known?: readonly string[];
}

/** Load everything, or print why not and return the exit code. */
export async function loadWorkspace(options: WorkspaceOptions, io: Output): Promise<Workspace | number> {
  if (!options.platformDir) throw new UsageError('--platform <dir> is required (the platform repository, e.g. platform-repo-example)');
  if (options.roots.length === 0) throw new UsageError('name at least one component repository directory');
  if (options.repo !== undefined && options.roots.length > 1) throw new UsageError('--repo names one repository; give one component root with it');
  if (options.repo !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(options.repo)) throw new UsageError(`--repo must be owner/name (got "${options.repo}")`);

  const loaded = await readPlatformDir(options.platformDir);
  if (!loaded.ok) {
    io.err(`✗ the platform repository ${displayPath(options.platformDir)} is invalid:`);
    for (const d of loaded.diagnostics) io.err(`  ${formatDiagnostic(d)}`);
    return 1;
  }
  for (const d of loaded.warnings) io.err(formatDiagnostic(d));
  const platform = loaded.config;
  const owner = platform.settings.githubOwners[0] ?? platform.settings.organization;
  const repoName = (dir: string) => options.repo ?? `${owner}/${basename(resolve(dir))}`;

  const targets = await Promise.all(options.roots.map((dir) => readComponentRepo(dir, repoName(dir))));
  const targetDirs = new Set(options.roots.map((d) => resolve(d)));
  const knownDirs = options.known && options.known.length > 0
    ? (await Promise.all(options.known.map(async (d) => ((await repositoriesIn(d)).length > 0 ? repositoriesIn(d) : [d])))).flat()
    : [...new Set((await Promise.all(options.roots.map((d) => repositoriesIn(dirname(resolve(d)))))).flat())];
  const others = knownDirs.filter((d) => !targetDirs.has(resolve(d)));
  if (others.length > 0 && !(options.known && options.known.length > 0)) {
    io.err(`resolving connections against ${others.length} other repositor${others.length === 1 ? 'y' : 'ies'} beside the target (${others.map((d) => basename(d)).join(', ')}); choose with --known`);
  }
  const otherRepos = await Promise.all(others.map((dir) => readComponentRepo(dir, `${owner}/${basename(resolve(dir))}`)));
  return {
    platform,
    targets,
    known: [...targets, ...otherRepos].flatMap((r) => r.components),
    projectOf: (repo, root) => findProject(platform, repo, root),
  };
}
