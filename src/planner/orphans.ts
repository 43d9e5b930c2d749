/**
 * How an apply and a deletion change a component's orphans (see `domain/orphans.ts`). Pure.
 */
import type { DeletedDatabase, OrphanedDatabase, OrphanFile } from '../domain/orphans.js';
import type { DesiredDatabase } from '../domain/plan.js';

/** How many deletions `orphans.json` remembers. */
export const DELETIONS_KEPT = 20;

export interface OrphanChange {
  readonly file: OrphanFile;
  /** Databases orphaned by this apply. */
  readonly orphaned: readonly OrphanedDatabase[];
  /** Orphans declared again (same name): pave owns them again, data intact. */
  readonly adopted: readonly OrphanedDatabase[];
}

/**
 * The orphans after an apply that takes a component from `previous` (the databases of its last
 * applied desired state; none the first time) to `desired`: what was declared and is no longer
 * becomes an orphan, an orphan declared again is adopted. Deterministic for a given `at`, so a
 * retried apply writes the same file.
 */
export function applyOrphans(previous: readonly DesiredDatabase[], file: OrphanFile, desired: readonly DesiredDatabase[],
  at: { readonly since: string; readonly sourceSha: string; readonly actor: string }): OrphanChange {
  const wanted = new Set(desired.map((d) => d.name));
  const adopted = file.databases.filter((o) => wanted.has(o.name));
  const kept = file.databases.filter((o) => !wanted.has(o.name));
  const known = new Set(kept.map((o) => o.name));
  const orphaned = previous.filter((d) => !wanted.has(d.name) && !known.has(d.name)).map((d) => ({ ...d, ...at }));
  const databases = [...kept, ...orphaned].sort((a, b) => a.name.localeCompare(b.name));
  return { file: { databases, deleted: file.deleted }, orphaned, adopted };
}

/** The file after `name` was deleted on request `deletion`; unchanged when it is no orphan. */
export function deleteOrphan(file: OrphanFile, name: string, deletion: Omit<DeletedDatabase, keyof OrphanedDatabase>): OrphanFile {
  const orphan = file.databases.find((o) => o.name === name);
  if (!orphan) return file;
  return {
    databases: file.databases.filter((o) => o !== orphan),
    deleted: [...file.deleted, { ...orphan, ...deletion }].slice(-DELETIONS_KEPT),
  };
}

/** `orphans.json` as written (stable key order), or null (no file) when there is nothing to say. */
export function orphanFileText(file: OrphanFile): string | null {
  if (file.databases.length === 0 && file.deleted.length === 0) return null;
  return JSON.stringify({ databases: file.databases, deleted: file.deleted }, null, 2) + '\n';
}

/** The comment that deletes an orphan (the plan and the README show it). */
export function deleteCommand(environment: string, component: string, orphan: Pick<OrphanedDatabase, 'name' | 'database'>): string {
  return `/pave delete-database ${environment} ${component} ${orphan.name} --confirm ${orphan.database}`;
}
