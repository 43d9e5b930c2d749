/**
 * The planning core. For every target component it finds the project (the platform's `repos`
 * globs) and the project's pipeline, then for each environment of the pipeline computes the
 * desired state (defaults → descriptor → per-environment overrides; connections resolved against
 * the catalog of every known component, visibility enforced), diffs it against the state the
 * state repository recorded at the last apply, and evaluates the platform's policies.
 *
 * Pure: no I/O, no clock. The same input always gives the same plan.
 */
import type { Diagnostic } from '../domain/diagnostic.js';
import type { LocatedComponent } from '../domain/component.js';
import type { PlatformConfig } from '../domain/platform.js';
import type { CurrentState } from '../domain/orphans.js';
import type { ComponentPlan, EnvironmentPlan, Plan, PlanSummary } from '../domain/plan.js';
import { buildCatalog, componentKey, type CatalogComponent, type ProjectResolver, type ServiceCatalog } from './catalog.js';
import { computeDesiredState } from './desired-state.js';
import { diffStates } from './diff.js';
import { evaluatePolicies, type ProjectUsage } from './policies.js';

/** What the state repository recorded (desired state and orphans), keyed by {@link stateKey}. */
export type StateSnapshot = ReadonlyMap<string, CurrentState>;

export function stateKey(environment: string, project: string, component: string): string {
  return `${environment}/${project}/${component}`;
}

/** A component whose descriptor could not be read: it is reported, not planned. */
export interface UnreadableComponent {
  readonly repo: string;
  readonly root: string;
  readonly name: string;
  readonly problems: readonly Diagnostic[];
}

export interface PlanInput {
  readonly platform: PlatformConfig;
  /** Every known component: connections resolve against these. Targets must be among them. */
  readonly known: readonly LocatedComponent[];
  /** Which of `known` to plan, as `{repo, root}`; all when absent. */
  readonly targets?: readonly { readonly repo: string; readonly root: string }[];
  readonly unreadable?: readonly UnreadableComponent[];
  readonly current: StateSnapshot;
  readonly projectOf: ProjectResolver;
}

export function plan(input: PlanInput): Plan {
  const { platform } = input;
  const catalog = buildCatalog(platform, input.known, input.projectOf);
  const wanted = input.targets ? new Set(input.targets.map((t) => componentKey(t.repo, t.root))) : undefined;
  const usage = new UsageCache(catalog, platform);
  const components: ComponentPlan[] = [];

  for (const located of input.known) {
    const key = componentKey(located.repo, located.descriptor.root);
    if (wanted && !wanted.has(key)) continue;
    const entry = catalog.byName.get(`${input.projectOf(located.repo, located.descriptor.root)?.name}/${located.descriptor.name}`);
    const problems = catalog.problems.get(key) ?? [];
    if (!entry || entry.repo !== located.repo || entry.descriptor.root !== located.descriptor.root) {
      components.push({ repo: located.repo, root: located.descriptor.root, component: located.descriptor.name, environments: [], problems });
      continue;
    }
    components.push(planComponent(input, catalog, entry, usage));
  }
  for (const u of input.unreadable ?? []) {
    components.push({ repo: u.repo, root: u.root, component: u.name, environments: [], problems: u.problems });
  }
  components.sort((a, b) => a.repo.localeCompare(b.repo) || a.root.localeCompare(b.root));
  return { components, summary: summarize(components), ok: components.every(isClean) };
}

function planComponent(input: PlanInput, catalog: ServiceCatalog, entry: CatalogComponent, usage: UsageCache): ComponentPlan {
  const { platform } = input;
  const pipeline = platform.pipelines.get(entry.project.pipeline);
  const environments: EnvironmentPlan[] = [];
  for (const envName of pipeline?.environments ?? []) {
    const environment = platform.environments.get(envName);
    if (!environment) continue; // the platform loader rejects this; keep the planner total anyway
    const result = computeDesiredState(platform, catalog, entry, environment);
    if (!result.ok) {
      environments.push({ status: 'invalid', environment: envName, problems: result.problems, violations: [], warnings: result.warnings });
      continue;
    }
    const desired = result.desired;
    const current = input.current.get(stateKey(envName, desired.project, desired.component));
    const actions = diffStates(current, desired);
    const violations = evaluatePolicies(platform.policies, desired, entry.project, environment, usage.of(entry.project.name, envName));
    environments.push({
      status: actions.length > 0 ? 'changes' : 'no-changes',
      environment: envName,
      desired,
      actions,
      violations,
      warnings: result.warnings,
    });
  }
  return {
    repo: entry.repo,
    root: entry.descriptor.root,
    component: entry.descriptor.name,
    project: entry.project.name,
    pipeline: entry.project.pipeline,
    environments,
    problems: [],
  };
}

/** Per (project, environment) totals from the descriptors, computed once. */
class UsageCache {
  private readonly cache = new Map<string, ProjectUsage>();

  constructor(
    private readonly catalog: ServiceCatalog,
    private readonly platform: PlatformConfig,
  ) {}

  of(project: string, environment: string): ProjectUsage {
    const key = `${project}/${environment}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    let components = 0;
    let replicas = 0;
    let databases = 0;
    for (const c of this.catalog.components) {
      if (c.project.name !== project) continue;
      const d = c.descriptor;
      components++;
      databases += d.resources.length;
      if (d.type !== 'scheduled-task' && d.type !== 'manual-task') {
        replicas += d.deploy.env[environment]?.replicas ?? d.deploy.replicas ?? this.platform.settings.defaults.replicas;
      }
    }
    const usage = { components, replicas, databases };
    this.cache.set(key, usage);
    return usage;
  }
}

function isClean(c: ComponentPlan): boolean {
  if (c.problems.some((p) => p.severity === 'error')) return false;
  return c.environments.every((e) => e.status !== 'invalid' && e.violations.every((v) => v.severity !== 'error'));
}

function summarize(components: readonly ComponentPlan[]): PlanSummary {
  const s = { components: components.length, environments: 0, create: 0, update: 0, remove: 0, retain: 0, unchanged: 0, invalid: 0, violations: 0, warnings: 0 };
  for (const c of components) {
    if (c.problems.some((p) => p.severity === 'error')) s.invalid++;
    s.warnings += c.problems.filter((p) => p.severity === 'warning').length;
    for (const e of c.environments) {
      s.environments++;
      s.violations += e.violations.length;
      s.warnings += e.warnings.length;
      if (e.status === 'invalid') {
        s.invalid++;
        continue;
      }
      if (e.status === 'no-changes') s.unchanged++;
      for (const a of e.actions) {
        if (a.op === 'create') s.create++;
        else if (a.op === 'update') s.update++;
        else if (a.op === 'remove') s.remove++;
        else s.retain++;
      }
    }
  }
  return s;
}
