/**
 * The desired state of one component in one environment. Precedence, lowest first: platform
 * defaults → the descriptor → the descriptor's per-environment `deploy.env.<name>` overrides.
 * Every problem is collected (not only the first) and positioned in the descriptor.
 */
import type { Diagnostic } from '../domain/diagnostic.js';
import type { ContainerResources } from '../domain/component.js';
import type { Environment, PlatformConfig } from '../domain/platform.js';
import type { DesiredConnection, DesiredDatabase, DesiredEndpoint, DesiredState, EnvValue, NetworkRule } from '../domain/plan.js';
import { canonicalJson } from '../lib/canonical-json.js';
import type { CatalogComponent, ServiceCatalog } from './catalog.js';
import { desiredFiles } from './config-files.js';
import { databaseIdentity } from './database-identity.js';
import { fillPattern, sha256 } from './names.js';
import { descriptorProblem } from './problem.js';
import { endpointUrl, resolveConnection } from './resolve-connection.js';

export type DesiredResult =
  | { readonly ok: true; readonly desired: DesiredState; readonly warnings: readonly Diagnostic[] }
  | { readonly ok: false; readonly problems: readonly Diagnostic[]; readonly warnings: readonly Diagnostic[] };

export function computeDesiredState(
  platform: PlatformConfig,
  catalog: ServiceCatalog,
  consumer: CatalogComponent,
  environment: Environment,
): DesiredResult {
  const { descriptor: d, project } = consumer;
  const problems: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const env = environment.name;
  const override = d.deploy.env[env] ?? {};
  const defaults = platform.settings.defaults;

  for (const name of Object.keys(d.deploy.env)) {
    if (!platform.environments.has(name)) {
      warnings.push(descriptorProblem(d, ['deploy', 'env', name], 'unknown-environment',
        `deploy.env.${name} names an environment the platform does not define`,
        `environments: ${[...platform.environments.keys()].join(', ')}`, 'warning'));
    }
  }

  const isTask = d.type === 'scheduled-task' || d.type === 'manual-task';
  const replicas = isTask ? 0 : (override.replicas ?? d.deploy.replicas ?? defaults.replicas);
  const resources: ContainerResources = { ...defaults.resources, ...d.deploy.resources, ...override.resources };
  const schedule = override.schedule ?? d.deploy.schedule;
  if (d.type === 'scheduled-task' && !schedule) {
    problems.push(descriptorProblem(d, ['component', 'type'], 'missing-schedule', `scheduled task ${d.name} has no schedule for ${env}`,
      'set deploy.schedule (cron, e.g. "*/15 * * * *") or deploy.env.<environment>.schedule'));
  }
  if (d.build && !platform.buildPresets.has(d.build.preset)) {
    problems.push(descriptorProblem(d, ['build', 'preset'], 'unknown-preset', `build preset "${d.build.preset}" is not defined by the platform`,
      `presets: ${[...platform.buildPresets.keys()].join(', ')}`));
  }

  const endpoints: DesiredEndpoint[] = consumer.endpoints.map(({ id, endpoint }) => ({
    id,
    name: endpoint.name,
    type: endpoint.type,
    port: endpoint.port,
    basePath: endpoint.basePath,
    visibilities: endpoint.visibilities,
    urls: Object.fromEntries(endpoint.visibilities.map((v) => [v, endpointUrl(environment, project.name, d.name, endpoint, v)])),
  }));

  const databases: DesiredDatabase[] = [];
  d.resources.forEach((resource, i) => {
    const planId = `${resource.type}/${resource.plan}`;
    const plan = platform.databasePlans.get(planId);
    const at = ['resources', i, 'plan'];
    if (!plan) {
      const offered = [...platform.databasePlans.keys()].filter((p) => p.startsWith(`${resource.type}/`));
      problems.push(descriptorProblem(d, at, 'unknown-plan', `database plan ${planId} is not defined by the platform`, `plans for ${resource.type}: ${offered.join(', ') || 'none'}`));
      return;
    }
    if (project.databasePlans.length > 0 && !project.databasePlans.includes(planId)) {
      problems.push(descriptorProblem(d, at, 'plan-not-allowed', `project ${project.name} may not use database plan ${planId}`,
        `allowed: ${project.databasePlans.join(', ')}`));
      return;
    }
    const server = environment.databaseServers[resource.type];
    if (!server) {
      problems.push(descriptorProblem(d, ['resources', i, 'type'], 'no-database-server', `environment ${env} has no ${resource.type} server`,
        `ask the platform team to add databaseServers.${resource.type} to environments/${env}.yaml`));
      return;
    }
    const id = databaseIdentity(project.name, d.name, resource, env);
    databases.push({ name: resource.name, engine: resource.type, plan: planId, connectionLimit: plan.connectionLimit, host: server.host, port: server.port, ...id });
  });

  const connections: DesiredConnection[] = [];
  for (const connection of d.connections) {
    const r = resolveConnection({ platform, catalog, consumer, environment }, connection);
    if (r.ok) connections.push(r.connection);
    else problems.push(r.problem);
  }

  const config: Record<string, EnvValue> = {};
  d.env.forEach((e, i) => {
    const at = ['configurations', 'env', i];
    switch (e.source.kind) {
      case 'value':
        config[e.name] = e.source.value;
        break;
      case 'connectionRef':
        break; // injected by the connection under this name
      case 'configGroupRef':
        warnings.push(descriptorProblem(d, at, 'config-group-unsupported', `${e.name} reads Choreo configuration group "${e.source.group}", which pave does not manage`,
          `give it a value with deploy.vars.${e.name} or deploy.env.${env}.vars.${e.name}`, 'warning'));
        break;
      case 'configForm': {
        const literal = override.vars?.[e.name] ?? d.deploy.vars?.[e.name];
        if (e.source.type === 'secret') config[e.name] = { secret: `config/${env}/${project.name}/${d.name}/${e.name}` };
        else if (literal !== undefined) config[e.name] = literal;
        else if (e.source.required) {
          problems.push(descriptorProblem(d, at, 'missing-config-value', `required configuration ${e.name} has no value in ${env}`,
            `set deploy.env.${env}.vars.${e.name} (or deploy.vars.${e.name} for every environment)`));
        }
        break;
      }
    }
  });
  for (const [k, v] of Object.entries({ ...d.deploy.vars, ...override.vars })) if (!(k in config)) config[k] = v;
  const injected = new Set(connections.flatMap((c) => Object.keys(c.env)));
  for (const name of Object.keys(config)) {
    if (injected.has(name)) {
      warnings.push(descriptorProblem(d, ['configurations', 'env'], 'env-clash', `${name} is set both by configuration and by a connection; the connection wins`,
        'rename one of them', 'warning'));
      delete config[name];
    }
  }

  const files = desiredFiles(d, env);
  problems.push(...files.problems);

  if (problems.length > 0) return { ok: false, problems, warnings };

  const desiredWithoutHash: Omit<DesiredState, 'configHash'> = {
    project: project.name,
    component: d.name,
    environment: env,
    repo: consumer.repo,
    root: d.root,
    namespace: fillPattern(environment.namespace, { project: project.name, component: d.name, environment: env }),
    workload: { type: d.type, replicas, resources, ...(schedule ? { schedule } : {}), ...(d.build ? { buildPreset: d.build.preset } : {}) },
    endpoints,
    databases,
    connections,
    config,
    // Absent rather than empty: the config hash of a component without files stays what it was.
    ...(files.files.length > 0 ? { files: files.files } : {}),
    network: networkRules(endpoints, databases, connections, project.name),
  };
  return { ok: true, desired: { ...desiredWithoutHash, configHash: sha256(canonicalJson(desiredWithoutHash)) }, warnings };
}

/** Who may reach the component (from its endpoints' visibilities) and what it reaches. */
function networkRules(endpoints: readonly DesiredEndpoint[], databases: readonly DesiredDatabase[], connections: readonly DesiredConnection[], project: string) {
  const ingress: NetworkRule[] = [];
  for (const ep of endpoints) {
    for (const v of ep.visibilities) {
      const peer = v === 'Project' ? `project:${project}` : v === 'Organization' ? 'gateway:internal' : 'gateway:public';
      ingress.push({ peer, port: ep.port });
    }
  }
  const egress: NetworkRule[] = [];
  for (const db of databases) egress.push({ peer: `database:${db.engine}`, port: db.port });
  for (const c of connections) {
    if (c.kind === 'service') {
      egress.push({ peer: c.visibility === 'Project' ? `component:${c.target.split('/').slice(0, 2).join('/')}` : c.visibility === 'Public' ? 'gateway:public' : 'gateway:internal' });
    } else if (c.kind === 'database') {
      // Own databases are covered above (by engine and port); a database shared by another
      // component of the project is reached on the same servers, named for the record.
      if (!databases.some((db) => c.target.endsWith(`/${db.name}`) && c.target.startsWith(`${project}/`))) egress.push({ peer: `database:${c.target}` });
    } else {
      egress.push({ peer: `external:${c.target}` });
    }
  }
  const uniq = (rules: NetworkRule[]) => [...new Map(rules.map((r) => [`${r.peer}|${r.port ?? ''}`, r])).values()];
  return { ingress: uniq(ingress), egress: uniq(egress) };
}
