/**
 * Guardrails from the platform repository, evaluated on each desired state. A policy applies
 * when its scope admits the project and environment (empty lists admit all).
 */
import type { Environment, Policy, Project } from '../domain/platform.js';
import type { DesiredState, PolicyViolation } from '../domain/plan.js';
import { assertNever } from '../lib/assert-never.js';

/** Totals of a project in one environment, for quota rules. */
export interface ProjectUsage {
  readonly components: number;
  readonly replicas: number;
  readonly databases: number;
}

export function evaluatePolicies(
  policies: readonly Policy[],
  desired: DesiredState,
  project: Project,
  environment: Environment,
  usage: ProjectUsage,
): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  for (const policy of policies) {
    if (!inScope(policy, project, environment)) continue;
    for (const v of check(policy, desired, project, usage)) out.push({ policy: policy.name, severity: policy.severity, ...v });
  }
  return out;
}

function inScope(policy: Policy, project: Project, environment: Environment): boolean {
  const s = policy.scope;
  if (s.projects.length > 0 && !s.projects.includes(project.name)) return false;
  if (s.environments.length > 0 && !s.environments.includes(environment.name)) return false;
  if (s.productionOnly && !environment.production) return false;
  return true;
}

function check(policy: Policy, d: DesiredState, project: Project, usage: ProjectUsage): { message: string; hint?: string }[] {
  const rule = policy.rule;
  const isService = d.workload.type !== 'scheduled-task' && d.workload.type !== 'manual-task';
  switch (rule.kind) {
    case 'min-replicas':
      return isService && d.workload.replicas < rule.min
        ? [{ message: `${d.component} runs ${d.workload.replicas} replica${d.workload.replicas === 1 ? '' : 's'} in ${d.environment}; at least ${rule.min} required`,
            hint: `set deploy.env.${d.environment}.replicas: ${rule.min} in .choreo/component.yaml` }]
        : [];
    case 'max-replicas':
      return d.workload.replicas > rule.max
        ? [{ message: `${d.component} asks for ${d.workload.replicas} replicas in ${d.environment}; at most ${rule.max} allowed`, hint: `lower deploy.env.${d.environment}.replicas` }]
        : [];
    case 'forbid-visibility':
      return d.endpoints
        .filter((e) => e.visibilities.includes(rule.visibility))
        .map((e) => ({ message: `endpoint ${e.name} of ${d.component} is ${rule.visibility}, which project ${project.name} may not expose`,
          hint: `remove ${rule.visibility} from networkVisibilities of ${e.name}` }));
    case 'require-owner':
      return project.owners.length === 0
        ? [{ message: `project ${project.name} has no owner`, hint: `add owners to projects/${project.name}.yaml in the platform repository` }]
        : [];
    case 'require-resources':
      return !d.workload.resources.cpu || !d.workload.resources.memory
        ? [{ message: `${d.component} has no ${!d.workload.resources.cpu ? 'cpu' : 'memory'} request in ${d.environment}`, hint: 'set deploy.resources.cpu and deploy.resources.memory' }]
        : [];
    case 'project-quotas': {
      const q = project.quotas;
      const out: { message: string; hint?: string }[] = [];
      if (q.maxComponents !== undefined && usage.components > q.maxComponents) {
        out.push({ message: `project ${project.name} has ${usage.components} components; its quota is ${q.maxComponents}`, hint: 'ask the platform team to raise the quota' });
      }
      if (q.maxReplicasPerEnvironment !== undefined && usage.replicas > q.maxReplicasPerEnvironment) {
        out.push({ message: `project ${project.name} runs ${usage.replicas} replicas in ${d.environment}; its quota is ${q.maxReplicasPerEnvironment}`, hint: 'lower replicas or ask for a larger quota' });
      }
      if (q.maxDatabases !== undefined && usage.databases > q.maxDatabases) {
        out.push({ message: `project ${project.name} has ${usage.databases} databases in ${d.environment}; its quota is ${q.maxDatabases}`, hint: 'share a database or ask for a larger quota' });
      }
      return out;
    }
    default:
      return assertNever(rule);
  }
}
