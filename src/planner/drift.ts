/**
 * The resync's decision for each component of a repository: does the first environment of its
 * pipeline run what the default branch's head asks for? Compares the head's desired state (the
 * plan of the head against the state repository) with what the state repository recorded at the
 * last apply, by configuration hash.
 *
 * Pure: no I/O. Holds (a rolled-back first environment) are checked by the caller, which reads
 * the promotion ledger.
 */
import type { DriftOutcome } from '../domain/resync.js';
import type { Plan } from '../domain/plan.js';
import type { PlatformConfig } from '../domain/platform.js';
import { stateKey, type StateSnapshot } from './plan.js';

export interface ComponentDrift {
  readonly repo: string;
  readonly root: string;
  readonly component: string;
  readonly project?: string;
  /** The pipeline's first environment (what an apply deploys). */
  readonly environment?: string;
  readonly outcome: Exclude<DriftOutcome, 'held' | 'error'>;
  /** For logs: `not deployed`, `config hash 1a2b3c4d → 5e6f7a8b`, `invalid: …`. */
  readonly reason: string;
}

export function driftOf(plan: Plan, config: Pick<PlatformConfig, 'pipelines'>, current: StateSnapshot): ComponentDrift[] {
  return plan.components.map((cp): ComponentDrift => {
    const base = { repo: cp.repo, root: cp.root, component: cp.component };
    if (!cp.project || !cp.pipeline) return { ...base, outcome: 'unmanaged', reason: 'no project claims it' };
    const first = config.pipelines.get(cp.pipeline)?.environments[0];
    const envPlan = first ? cp.environments.find((e) => e.environment === first) : undefined;
    if (!first || !envPlan) return { ...base, project: cp.project, outcome: 'unmanaged', reason: `pipeline ${cp.pipeline} has no first environment` };
    const at = { ...base, project: cp.project, environment: first };
    if (envPlan.status === 'invalid') return { ...at, outcome: 'invalid', reason: `invalid: ${envPlan.problems[0]?.message ?? 'unknown problem'}` };
    const blocking = envPlan.violations.find((v) => v.severity === 'error');
    if (blocking) return { ...at, outcome: 'invalid', reason: `blocked by policy ${blocking.policy}` };
    const deployed = current.get(stateKey(first, cp.project, cp.component));
    if (!deployed) return { ...at, outcome: 'drifted', reason: 'not deployed' };
    if (deployed.configHash !== envPlan.desired.configHash) {
      return { ...at, outcome: 'drifted', reason: `config hash ${deployed.configHash.slice(0, 8)} → ${envPlan.desired.configHash.slice(0, 8)}` };
    }
    return { ...at, outcome: 'in-sync', reason: 'up to date' };
  });
}
