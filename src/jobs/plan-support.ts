/** Pieces the plan jobs share: known components from the index, status lines, platform errors. */
import { formatDiagnostic, type Diagnostic } from '../domain/diagnostic.js';
import type { LocatedComponent } from '../domain/component.js';
import type { Plan } from '../domain/plan.js';
import { escapeText } from '../render/markdown.js';
import type { JobDeps } from './context.js';

import { isDescriptorPath, readRepositoryComponents, type ReadRepositoryEntry } from '../config/component/index.js';
import type { RepositoryReader } from '../domain/ports.js';
import { findProject } from '../config/platform/index.js';
import type { PlatformConfig } from '../domain/platform.js';
import { plan } from '../planner/plan.js';

/** Every component of `repo` at `sha`, read through the API (descriptor blobs only). */
export async function readRepositoryAt(reader: RepositoryReader, repo: string, sha: string): Promise<ReadRepositoryEntry[]> {
  const tree = await reader.readTree(repo, sha, isDescriptorPath);
  return readRepositoryComponents(tree, { repoName: repo, fileChecks: true });
}

/**
 * Plan every component of `repo` at `sha` (never an older plan) against `config` and the state
 * repository's current state; the other indexed components are known for connections.
 */
export async function planRepositoryAt(deps: Pick<JobDeps, 'index' | 'state'>, reader: RepositoryReader, config: PlatformConfig, repo: string, sha: string): Promise<{ own: LocatedComponent[]; result: Plan }> {
  const own: LocatedComponent[] = (await readRepositoryAt(reader, repo, sha))
    .flatMap((e) => (e.descriptor ? [{ repo, descriptor: e.descriptor }] : []));
  const known = [...(await knownComponents(deps, repo)), ...own];
  const result = plan({
    platform: config,
    known,
    targets: own.map((c) => ({ repo: c.repo, root: c.descriptor.root })),
    current: await deps.state.snapshot(),
    projectOf: (r, root) => findProject(config, r, root),
  });
  return { own, result };
}

/** Every component the index knows, except those of `excludeRepo` (read fresh at the sha instead). */
export async function knownComponents(deps: Pick<JobDeps, 'index'>, excludeRepo?: string): Promise<LocatedComponent[]> {
  const entries = await deps.index.all();
  return entries
    .filter((e) => e.repo.toLowerCase() !== excludeRepo?.toLowerCase())
    .flatMap((e) => e.components.map((descriptor) => ({ repo: e.repo, descriptor })));
}

/** One line for the commit status (the reporter cuts it to 140 characters). */
export function planDescription(p: Plan): string {
  const s = p.summary;
  const counts = `${s.create} to create, ${s.update} to update${s.remove ? `, ${s.remove} to remove` : ''}${s.retain ? `, ${s.retain} retained` : ''}`;
  const scope = `${s.components} component${s.components === 1 ? '' : 's'} × ${s.environments} env plans`;
  if (!p.ok) {
    const bad = s.invalid > 0 ? `${s.invalid} invalid` : `${s.violations} policy violation${s.violations === 1 ? '' : 's'}`;
    return `Blocked: ${bad} · ${scope}`;
  }
  if (s.create + s.update + s.remove + s.retain === 0) return `No changes · ${scope}`;
  return `${counts} · ${scope}`;
}

/** The comment when the platform repository itself does not load. */
export function platformProblemsComment(diagnostics: readonly Diagnostic[], repo: string, marker = '<!-- pave:plan -->'): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const lines = [
    marker,
    '### pave plan',
    '',
    `❌ **The platform repository ${escapeText(repo)} is invalid**, so nothing can be planned until it is fixed (${errors.length} error${errors.length === 1 ? '' : 's'}):`,
    '',
    ...errors.slice(0, 50).map((d) => `- \`${formatDiagnostic(d).replace(/`/g, "'")}\``),
  ];
  if (errors.length > 50) lines.push(`- … ${errors.length - 50} more`);
  return lines.join('\n');
}
