/**
 * Resolve one connection of a consumer, in one environment, to the environment variables it
 * injects. Enforces visibility: Project endpoints admit only the same project, Organization
 * endpoints every project of the organization, Public endpoints anyone. Variable names follow
 * Choreo: `CHOREO_<CONNECTION>_<KEY>`, renamed by `configurations.env[].valueFrom.connectionRef`
 * (only the renamed variable is injected) or by legacy `serviceReferences[].env[]`.
 */
import type { Diagnostic } from '../domain/diagnostic.js';
import type { Connection, ResourceRef, Visibility } from '../domain/component.js';
import type { Environment, PlatformConfig, SecretRef } from '../domain/platform.js';
import type { DesiredConnection, EnvValue } from '../domain/plan.js';
import type { CatalogComponent, CatalogEndpoint, ServiceCatalog } from './catalog.js';
import { databaseIdentity } from './database-identity.js';
import { choreoEnvVar, fillPattern } from './names.js';
import { descriptorProblem } from './problem.js';

export interface ConnectionContext {
  readonly platform: PlatformConfig;
  readonly catalog: ServiceCatalog;
  readonly consumer: CatalogComponent;
  readonly environment: Environment;
}

export type ConnectionResult = { readonly ok: true; readonly connection: DesiredConnection } | { readonly ok: false; readonly problem: Diagnostic };

const SERVICE_KEYS = ['ServiceURL', 'ChoreoAPIKey'] as const;
const DATABASE_KEYS = ['HostName', 'Port', 'Username', 'Password', 'DatabaseName'] as const;

/** The keys a service connection offers at a visibility: the API key only through a gateway. */
export function serviceConnectionKeys(visibility: Visibility): readonly string[] {
  return visibility === 'Project' ? SERVICE_KEYS.filter((k) => k !== 'ChoreoAPIKey') : SERVICE_KEYS;
}

const VISIBILITY_OF = { PUBLIC: 'Public', ORGANIZATION: 'Organization', PROJECT: 'Project' } as const satisfies Record<string, Visibility>;

/** Path of a connection in its source file, for error positions. */
export function connectionPath(consumer: CatalogComponent, connection: Connection): (string | number)[] {
  const list = consumer.descriptor.connections.filter((c) => c.legacy === connection.legacy);
  const index = list.indexOf(connection);
  return connection.legacy
    ? ['dependencies', 'serviceReferences', index, 'name']
    : ['dependencies', 'connectionReferences', index, 'resourceRef'];
}

export function resolveConnection(ctx: ConnectionContext, connection: Connection): ConnectionResult {
  const ref = connection.ref;
  switch (ref.kind) {
    case 'service':
      return resolveService(ctx, connection, ref);
    case 'database':
      return resolveDatabase(ctx, connection, ref);
    case 'thirdparty':
      return resolveThirdParty(ctx, connection, ref);
    case 'storage':
      return fail(ctx, connection, 'unsupported-ref', `storage connections (${connection.resourceRef}) are not provisioned by pave yet`,
        'remove the connection or provision the storage outside pave');
  }
}

function resolveService(ctx: ConnectionContext, connection: Connection, ref: Extract<ResourceRef, { kind: 'service' }>): ConnectionResult {
  const { consumer, catalog, platform } = ctx;
  if (ref.org !== undefined && ref.org !== platform.settings.organization) {
    return fail(ctx, connection, 'unknown-organization', `connection "${connection.name}" points at organization "${ref.org}", but this platform serves "${platform.settings.organization}"`,
      `use organization "${platform.settings.organization}" or the connectionReferences form`);
  }
  const projectName = ref.project ?? consumer.project.name;
  const target = catalog.byName.get(`${projectName}/${ref.component}`);
  if (!target) {
    const known = catalog.components.filter((c) => c.project.name === projectName).map((c) => c.descriptor.name);
    return fail(ctx, connection, 'unknown-service', `connection "${connection.name}" points at ${projectName}/${ref.component}, which no known component is`,
      known.length > 0 ? `components in project ${projectName}: ${known.slice(0, 10).join(', ')}` : `check the project and component names in "${connection.resourceRef}"`);
  }
  const endpoint = pickEndpoint(target, ref.endpoint);
  if (!endpoint.ok) return fail(ctx, connection, 'unknown-endpoint', endpoint.message, endpoint.hint);
  const { endpoint: ep, id } = endpoint.value;

  const sameProject = target.project.name === consumer.project.name;
  const requested = ref.visibility ? VISIBILITY_OF[ref.visibility] : undefined;
  const admitted = ep.visibilities.filter((v) => v !== 'Project' || sameProject);
  const visibility = requested ?? (['Project', 'Organization', 'Public'] as const).find((v) => admitted.includes(v));
  if (!visibility || !ep.visibilities.includes(visibility) || (visibility === 'Project' && !sameProject)) {
    const why = visibility === 'Project' && !sameProject
      ? `is visible to project ${target.project.name} only, and ${consumer.descriptor.name} is in ${consumer.project.name}`
      : `does not offer ${requested ?? 'a'} visibility (it offers ${ep.visibilities.join(', ')})`;
    return fail(ctx, connection, 'visibility-denied', `endpoint ${target.project.name}/${target.descriptor.name}/${ep.name} ${why}`,
      `ask the owners of ${target.descriptor.name} to add ${sameProject ? 'Project' : 'Organization'} to its networkVisibilities, or connect with a visibility it offers`);
  }

  const url = serviceUrl(ctx, target, { id, endpoint: ep }, visibility);
  const values: Record<string, EnvValue> = { ServiceURL: url };
  if (serviceConnectionKeys(visibility).includes('ChoreoAPIKey')) {
    values.ChoreoAPIKey = { secret: `apikey/${ctx.environment.name}/${consumer.project.name}/${consumer.descriptor.name}/${target.project.name}/${target.descriptor.name}/${ep.name}` };
  }
  return finish(ctx, connection, 'service', `${target.project.name}/${target.descriptor.name}/${ep.name}`, values, SERVICE_KEYS, visibility);
}

function pickEndpoint(target: CatalogComponent, wanted: string | undefined):
  { ok: true; value: CatalogEndpoint } | { ok: false; message: string; hint: string } {
  const names = target.endpoints.map((e) => `${e.endpoint.name} (${e.id})`).join(', ') || 'none';
  if (wanted === undefined) {
    if (target.endpoints.length === 1) return { ok: true, value: target.endpoints[0]! };
    return { ok: false, message: `${target.descriptor.name} has ${target.endpoints.length} endpoints; the reference must name one`,
      hint: `add the endpoint name or id to the reference; endpoints: ${names}` };
  }
  const found = target.endpoints.find((e) => e.endpoint.name === wanted || e.id === wanted.toLowerCase());
  if (found) return { ok: true, value: found };
  return { ok: false, message: `${target.descriptor.name} has no endpoint "${wanted}"`, hint: `endpoints (name and id): ${names}` };
}

function serviceUrl(ctx: ConnectionContext, target: CatalogComponent, ep: CatalogEndpoint, visibility: Visibility): string {
  return endpointUrl(ctx.environment, target.project.name, target.descriptor.name, ep.endpoint, visibility);
}

/** The URL of an endpoint in an environment for one visibility. */
export function endpointUrl(env: Environment, project: string, component: string, ep: CatalogEndpoint['endpoint'], visibility: Visibility): string {
  if (visibility === 'Project') {
    const namespace = fillPattern(env.namespace, { project, component, environment: env.name });
    const host = `${component}.${namespace}.svc.cluster.local:${ep.port}`;
    const http = ep.type === 'REST' || ep.type === 'GraphQL';
    if (ep.type === 'WS') return `ws://${host}${ep.basePath === '/' ? '' : ep.basePath}`;
    return http ? `http://${host}${ep.basePath === '/' ? '' : ep.basePath}` : host;
  }
  const host = visibility === 'Organization' ? `internal.${env.gatewayHost}` : env.gatewayHost;
  const scheme = ep.type === 'WS' ? 'wss' : 'https';
  return `${scheme}://${host}/${project}/${component}/${ep.name}`;
}

function resolveDatabase(ctx: ConnectionContext, connection: Connection, ref: Extract<ResourceRef, { kind: 'database' }>): ConnectionResult {
  const { consumer, catalog, environment } = ctx;
  const own = consumer.descriptor.resources.find((r) => r.name === ref.database);
  const owners = own
    ? [{ owner: consumer, resource: own }]
    : catalog.components
        .filter((c) => c.project.name === consumer.project.name)
        .flatMap((c) => c.descriptor.resources.filter((r) => r.name === ref.database).map((resource) => ({ owner: c, resource })));
  if (owners.length === 0) {
    const mine = consumer.descriptor.resources.map((r) => r.name);
    return fail(ctx, connection, 'unknown-database', `connection "${connection.name}" points at database "${ref.database}", which neither ${consumer.descriptor.name} nor another component of project ${consumer.project.name} declares`,
      mine.length > 0 ? `declared resources: ${mine.join(', ')}` : 'declare it under `resources:` (name, type, plan) in .choreo/component.yaml');
  }
  if (owners.length > 1) {
    return fail(ctx, connection, 'ambiguous-database', `database "${ref.database}" is declared by ${owners.map((o) => o.owner.descriptor.name).join(' and ')} in project ${consumer.project.name}`,
      'rename one of the resources so the reference is unambiguous');
  }
  const { owner, resource } = owners[0]!;
  if (ref.server !== undefined && ref.server !== resource.type) {
    return fail(ctx, connection, 'database-server-mismatch', `"${connection.resourceRef}" names server "${ref.server}", but ${resource.name} is a ${resource.type} database`,
      `write database:${resource.type}/${resource.name} or database:${resource.name}`);
  }
  const server = environment.databaseServers[resource.type];
  if (!server) {
    return fail(ctx, connection, 'no-database-server', `environment ${environment.name} has no ${resource.type} server`,
      `ask the platform team to add databaseServers.${resource.type} to environments/${environment.name}.yaml`);
  }
  const id = databaseIdentity(owner.project.name, owner.descriptor.name, resource, environment.name);
  const values: Record<string, EnvValue> = {
    HostName: server.host,
    Port: String(server.port),
    Username: id.user,
    Password: { secret: `db/${environment.name}/${owner.project.name}/${owner.descriptor.name}/${resource.name}` },
    DatabaseName: id.database,
  };
  return finish(ctx, connection, 'database', `${owner.project.name}/${owner.descriptor.name}/${resource.name}`, values, DATABASE_KEYS);
}

function resolveThirdParty(ctx: ConnectionContext, connection: Connection, ref: Extract<ResourceRef, { kind: 'thirdparty' }>): ConnectionResult {
  const { platform, consumer, environment } = ctx;
  const entry = [...platform.catalog.values()].find((e) => e.name.toLowerCase() === ref.name.toLowerCase() && e.version.toLowerCase() === ref.version.toLowerCase());
  if (!entry) {
    const known = [...platform.catalog.values()].map((e) => `thirdparty:${e.name}/${e.version}`);
    return fail(ctx, connection, 'unknown-thirdparty', `connection "${connection.name}" points at ${ref.name}/${ref.version}, which the platform catalog does not list`,
      known.length > 0 ? `catalog entries: ${known.join(', ')}` : 'ask the platform team to add it under catalog/');
  }
  if (entry.projects.length > 0 && !entry.projects.includes(consumer.project.name)) {
    return fail(ctx, connection, 'visibility-denied', `catalog entry ${entry.name}/${entry.version} is open to ${entry.projects.join(', ')} only, not ${consumer.project.name}`,
      'ask the platform team to add your project to the catalog entry');
  }
  const values: Record<string, EnvValue> = {};
  for (const [key, perEnv] of Object.entries(entry.keys)) {
    const v = perEnv[environment.name] ?? perEnv['*'];
    if (v !== undefined) values[key] = typeof v === 'string' ? v : { secret: secretRefName(v) };
  }
  return finish(ctx, connection, 'thirdparty', `${entry.name}/${entry.version}`, values, Object.keys(values));
}

function secretRefName(ref: SecretRef): string {
  return 'env' in ref ? `env:${ref.env}` : `file:${ref.file}`;
}

/** Apply Choreo's naming and the renames, then build the connection. */
function finish(
  ctx: ConnectionContext,
  connection: Connection,
  kind: DesiredConnection['kind'],
  target: string,
  values: Readonly<Record<string, EnvValue>>,
  keys: readonly string[],
  visibility?: Visibility,
): ConnectionResult {
  const byUpper = new Map(Object.entries(values).map(([k, v]) => [k.toUpperCase(), { key: k, value: v }]));
  const env: Record<string, EnvValue> = {};
  const renames = new Map<string, string>();
  for (const r of connection.envRenames ?? []) renames.set(r.from.toUpperCase(), r.to);
  for (const e of ctx.consumer.descriptor.env) {
    if (e.source.kind === 'connectionRef' && e.source.connection.trim() === connection.name.trim()) renames.set(e.source.key.toUpperCase(), e.name);
  }
  for (const [upper, to] of renames) {
    if (!byUpper.has(upper)) {
      return fail(ctx, connection, 'unknown-connection-key', `connection "${connection.name}" has no key "${upper}" (it offers ${keys.join(', ')})`,
        `use one of: ${keys.join(', ')}`);
    }
    env[to] = byUpper.get(upper)!.value;
  }
  // Legacy serviceReferences inject only what env[] maps; v1.1 connections inject every key not renamed.
  if (!connection.legacy) {
    for (const [upper, { value }] of byUpper) if (!renames.has(upper)) env[choreoEnvVar(connection.name, upper)] = value;
  }
  return { ok: true, connection: { name: connection.name, kind, target, ...(visibility ? { visibility } : {}), env } };
}

function fail(ctx: ConnectionContext, connection: Connection, code: string, message: string, hint: string): ConnectionResult {
  return { ok: false, problem: descriptorProblem(ctx.consumer.descriptor, connectionPath(ctx.consumer, connection), code, message, hint) };
}
