/**
 * The blast radius of a platform change: plan every known component with the platform as it is
 * (base) and as the pull request would make it (head), and keep the (component, environment)
 * pairs whose outcome differs — a different desired state, different actions, a different
 * verdict or different policy results. This is what a platform team sees on its own PR.
 */
import type { ComponentPlan, EnvironmentPlan, FieldChange, Plan, PolicyViolation } from '../domain/plan.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { fieldChanges } from './diff.js';

export interface TouchedEnvironment {
  readonly environment: string;
  /** What changed in the desired state, as dotted paths (`workload.replicas`). */
  readonly changes: readonly FieldChange[];
  readonly before: EnvironmentPlan['status'] | 'absent';
  readonly after: EnvironmentPlan['status'] | 'absent';
  /** Violations the head platform reports that the base did not. */
  readonly newViolations: readonly PolicyViolation[];
  /** Violations that disappear with the change. */
  readonly resolvedViolations: readonly PolicyViolation[];
}

export interface TouchedComponent {
  readonly repo: string;
  readonly root: string;
  readonly component: string;
  readonly project?: string;
  readonly environments: readonly TouchedEnvironment[];
  /** The head plan of this component (its problems, actions and violations after the change). */
  readonly after?: ComponentPlan;
}

export interface PlatformImpact {
  /** Components known to pave (all repositories in the index). */
  readonly known: number;
  readonly touched: readonly TouchedComponent[];
  /** Distinct environments among the touched pairs. */
  readonly environments: readonly string[];
  /** Component-environment pairs touched. */
  readonly pairs: number;
  /** Error-severity violations the change introduces, by policy name → number of pairs. */
  readonly newErrorViolations: ReadonlyMap<string, number>;
  /** Components that become invalid (unplannable) with the change. */
  readonly newlyInvalid: number;
}

export function platformImpact(base: Plan | undefined, head: Plan): PlatformImpact {
  const key = (c: ComponentPlan) => `${c.repo}:${c.root}`;
  const before = new Map((base?.components ?? []).map((c) => [key(c), c]));
  const touched: TouchedComponent[] = [];
  const envs = new Set<string>();
  const newErrors = new Map<string, number>();
  let pairs = 0;
  let newlyInvalid = 0;

  const keys = new Set([...before.keys(), ...head.components.map(key)]);
  const after = new Map(head.components.map((c) => [key(c), c]));
  for (const k of [...keys].sort()) {
    const b = before.get(k);
    const a = after.get(k);
    const names = new Set([...(b?.environments ?? []), ...(a?.environments ?? [])].map((e) => e.environment));
    const touchedEnvs: TouchedEnvironment[] = [];
    for (const env of names) {
      const eb = b?.environments.find((e) => e.environment === env);
      const ea = a?.environments.find((e) => e.environment === env);
      const t = compare(env, eb, ea);
      if (t) touchedEnvs.push(t);
    }
    const problemsChanged = canonicalJson(b?.problems ?? []) !== canonicalJson(a?.problems ?? []);
    if (touchedEnvs.length === 0 && !problemsChanged) continue;
    const becameInvalid = isInvalid(a) && !isInvalid(b);
    if (becameInvalid) newlyInvalid++;
    for (const t of touchedEnvs) {
      envs.add(t.environment);
      pairs++;
      for (const v of t.newViolations) if (v.severity === 'error') newErrors.set(v.policy, (newErrors.get(v.policy) ?? 0) + 1);
    }
    const ref = (a ?? b)!;
    touched.push({ repo: ref.repo, root: ref.root, component: ref.component, ...(ref.project ? { project: ref.project } : {}), environments: touchedEnvs, ...(a ? { after: a } : {}) });
  }
  return { known: head.components.length, touched, environments: [...envs].sort(), pairs, newErrorViolations: newErrors, newlyInvalid };
}

function isInvalid(c: ComponentPlan | undefined): boolean {
  return !!c && (c.problems.some((p) => p.severity === 'error') || c.environments.some((e) => e.status === 'invalid'));
}

function compare(environment: string, b: EnvironmentPlan | undefined, a: EnvironmentPlan | undefined): TouchedEnvironment | undefined {
  const flatB = b && b.status !== 'invalid' ? flatten(b.desired) : {};
  const flatA = a && a.status !== 'invalid' ? flatten(a.desired) : {};
  delete flatB.configHash;
  delete flatA.configHash;
  const changes = fieldChanges(flatB, flatA);
  const vb = b?.violations ?? [];
  const va = a?.violations ?? [];
  const sig = (v: PolicyViolation) => `${v.policy}|${v.message}`;
  const newViolations = va.filter((v) => !vb.some((x) => sig(x) === sig(v)));
  const resolvedViolations = vb.filter((v) => !va.some((x) => sig(x) === sig(v)));
  const statusB = b?.status ?? 'absent';
  const statusA = a?.status ?? 'absent';
  const problemsChanged = canonicalJson(b && b.status === 'invalid' ? b.problems : []) !== canonicalJson(a && a.status === 'invalid' ? a.problems : []);
  if (changes.length === 0 && newViolations.length === 0 && resolvedViolations.length === 0 && statusB === statusA && !problemsChanged) return undefined;
  return { environment, changes, before: statusB, after: statusA, newViolations, resolvedViolations };
}

/** `{a: {b: [1]}}` → `{'a.b.0': 1}`; arrays of named objects are keyed by name (`endpoints.api.port`). */
export function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      const name = v && typeof v === 'object' && 'name' in v && typeof (v as { name: unknown }).name === 'string' ? (v as { name: string }).name : String(i);
      flatten(v, prefix ? `${prefix}.${name}` : name, out);
    });
    if (value.length === 0 && prefix) out[prefix] = [];
  } else if (value && typeof value === 'object' && !('secret' in value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = value;
  }
  return out;
}
