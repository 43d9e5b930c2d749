/**
 * The planner's "current state", read from the state repository's layout:
 *
 *     environments/<environment>/<project>/<component>/desired.json   what the last apply made
 *     environments/<environment>/<project>/<component>/release.json   source sha, image, who/why
 *     environments/<environment>/<project>/<component>/manifests.yaml rendered Kubernetes objects
 *
 * Only `desired.json` matters to planning. A file that cannot be used is reported and treated as
 * absent (the plan then proposes to create, which an idempotent apply reconciles).
 */
import type { Diagnostic } from '../../domain/diagnostic.js';
import type { DesiredState } from '../../domain/plan.js';
import type { SourceTree } from '../../domain/source-tree.js';

export const STATE_FILE = /^environments\/([^/]+)\/([^/]+)\/([^/]+)\/desired\.json$/;

export interface StateRead {
  /** Keyed `environment/project/component`. */
  readonly snapshot: ReadonlyMap<string, DesiredState>;
  readonly warnings: readonly Diagnostic[];
}

export function readStateSnapshot(tree: SourceTree): StateRead {
  const snapshot = new Map<string, DesiredState>();
  const warnings: Diagnostic[] = [];
  const warn = (file: string, message: string) =>
    warnings.push({ severity: 'warning', code: 'state-unreadable', file, line: 1, column: 1, path: '', message,
      hint: 'the next apply rewrites this file; until then the plan treats the component as new in this environment' });
  for (const [file, bytes] of tree.files) {
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
  return { snapshot, warnings };
}

function isDesiredState(v: unknown): v is DesiredState {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.project === 'string' && typeof o.component === 'string' && typeof o.environment === 'string' &&
    typeof o.configHash === 'string' && typeof o.workload === 'object' && o.workload !== null &&
    Array.isArray(o.endpoints) && Array.isArray(o.databases) && Array.isArray(o.connections) &&
    typeof o.config === 'object' && o.config !== null && typeof o.network === 'object' && o.network !== null;
}
