/**
 * The planner's "current state", read from the state repository's layout:
 *
 *     environments/<environment>/<project>/<component>/desired.json   what the last apply made
 *     environments/<environment>/<project>/<component>/release.json   source sha, image, who/why
 *     environments/<environment>/<project>/<component>/manifests.yaml rendered Kubernetes objects
 *     environments/<environment>/<project>/<component>/orphans.json   databases no longer declared, kept
 *
 * Only `desired.json` and `orphans.json` matter to planning. A file that cannot be used is reported and treated as
 * absent (the plan then proposes to create, which an idempotent apply reconciles).
 */
import type { Diagnostic } from '../../domain/diagnostic.js';
import type { CurrentState, OrphanedDatabase, OrphanFile } from '../../domain/orphans.js';
import type { DesiredState } from '../../domain/plan.js';
import type { SourceTree } from '../../domain/source-tree.js';

export const STATE_FILE = /^environments\/([^/]+)\/([^/]+)\/([^/]+)\/desired\.json$/;
export const ORPHANS_FILE = /^environments\/([^/]+)\/([^/]+)\/([^/]+)\/orphans\.json$/;

/** The files the planner reads from the state repository. */
export function isPlanningStateFile(path: string): boolean {
  return STATE_FILE.test(path) || ORPHANS_FILE.test(path);
}

export interface StateRead {
  /** Keyed `environment/project/component`. */
  readonly snapshot: ReadonlyMap<string, CurrentState>;
  readonly warnings: readonly Diagnostic[];
}

export function readStateSnapshot(tree: SourceTree): StateRead {
  const snapshot = new Map<string, CurrentState>();
  const orphans = new Map<string, readonly OrphanedDatabase[]>();
  const warnings: Diagnostic[] = [];
  const warn = (file: string, message: string) =>
    warnings.push({ severity: 'warning', code: 'state-unreadable', file, line: 1, column: 1, path: '', message,
      hint: 'the next apply rewrites this file; until then the plan treats the component as new in this environment' });
  for (const [file, bytes] of tree.files) {
    const o = ORPHANS_FILE.exec(file);
    if (o) {
      const read = parseOrphanFile(new TextDecoder().decode(bytes));
      if (typeof read === 'string') warnings.push({ severity: 'warning', code: 'state-unreadable', file, line: 1, column: 1, path: '', message: read,
        hint: 'the databases it lists are not shown as retained until the file is repaired; their data is untouched' });
      else if (read.databases.length > 0) orphans.set(`${o[1]}/${o[2]}/${o[3]}`, read.databases);
      continue;
    }
    const m = STATE_FILE.exec(file);
    if (!m) continue;
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(bytes));
    } catch (err) {
      warn(file, `state file is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const [, environment, project, component] = m;
    if (!isDesiredState(value) || value.environment !== environment || value.project !== project || value.component !== component) {
      warn(file, `state file does not describe ${project}/${component} in ${environment}`);
      continue;
    }
    snapshot.set(`${environment}/${project}/${component}`, value);
  }
  for (const [key, databases] of orphans) {
    const current = snapshot.get(key);
    // An orphans file is always committed beside its desired state; alone it has nothing to plan against.
    if (current) snapshot.set(key, { ...current, orphans: databases });
  }
  return { snapshot, warnings };
}

const EMPTY_ORPHANS: OrphanFile = { databases: [], deleted: [] };

/** `orphans.json` (absent: none), or why it cannot be used. */
export function parseOrphanFile(text: string | undefined): OrphanFile | string {
  if (text === undefined) return EMPTY_ORPHANS;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `orphans file is not valid JSON: ${err instanceof Error ? err.message : String(err)}`;
  }
  const o = value as Partial<Record<keyof OrphanFile, unknown>> | null;
  if (!o || typeof o !== 'object' || !Array.isArray(o.databases) || (o.deleted !== undefined && !Array.isArray(o.deleted))) {
    return 'orphans file must be an object with a `databases` list';
  }
  const bad = [...o.databases, ...(o.deleted as unknown[] | undefined ?? [])].findIndex((d) => !isOrphan(d));
  if (bad >= 0) return `orphans file: entry ${bad + 1} is not an orphaned database record`;
  return { databases: o.databases as OrphanedDatabase[], deleted: (o.deleted ?? []) as OrphanFile['deleted'] };
}

function isOrphan(v: unknown): v is OrphanedDatabase {
  if (!v || typeof v !== 'object') return false;
  const d = v as Record<string, unknown>;
  return ['name', 'engine', 'plan', 'host', 'database', 'user', 'since', 'sourceSha', 'actor'].every((k) => typeof d[k] === 'string') &&
    typeof d.port === 'number' && typeof d.connectionLimit === 'number' && ['postgresql', 'mysql', 'cache'].includes(d.engine as string);
}

function isDesiredState(v: unknown): v is DesiredState {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.project === 'string' && typeof o.component === 'string' && typeof o.environment === 'string' &&
    typeof o.configHash === 'string' && typeof o.workload === 'object' && o.workload !== null &&
    Array.isArray(o.endpoints) && Array.isArray(o.databases) && Array.isArray(o.connections) &&
    typeof o.config === 'object' && o.config !== null && typeof o.network === 'object' && o.network !== null;
}
