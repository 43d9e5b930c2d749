/**
 * The service catalog as the catalog page shows it: every endpoint of every known component and
 * every third-party entry of the platform, each with the `connectionReferences` entry a consumer
 * pastes into `.choreo/component.yaml` and the environment variables it then gets. The names come
 * from the same functions the planner resolves connections with (`choreoEnvVar`,
 * `serviceConnectionKeys`), so the page cannot drift from what pave injects.
 */
import type { Visibility } from '../domain/component.js';
import type { PlatformConfig } from '../domain/platform.js';
import type { CatalogEndpointView, CatalogView, ConnectionSnippet } from '../domain/views.js';
import type { CatalogComponent, ServiceCatalog } from './catalog.js';
import { choreoEnvVar } from './names.js';
import { serviceConnectionKeys } from './resolve-connection.js';

const WORD: Record<Visibility, string> = { Project: 'PROJECT', Organization: 'ORGANIZATION', Public: 'PUBLIC' };

/**
 * A valid Choreo connection name from parts: 3–50 characters of `[a-zA-Z0-9 _.-]`, starting and
 * ending alphanumeric, no two delimiters in a row.
 */
export function connectionName(...parts: readonly string[]): string {
  let name = parts.join('-').replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (name.length > 50) name = name.slice(0, 50).replace(/-+$/, '');
  while (name.length < 3) name = `${name}${name ? '-' : ''}conn`;
  return name;
}

function snippetYaml(name: string, resourceRef: string): string {
  return `dependencies:\n  connectionReferences:\n    - name: ${name}\n      resourceRef: ${resourceRef}\n`;
}

function serviceEndpoints(c: CatalogComponent): CatalogEndpointView[] {
  const project = c.project.name;
  const component = c.descriptor.name;
  return c.endpoints.map(({ id, endpoint }) => {
    const name = connectionName(component, endpoint.name);
    const snippets: ConnectionSnippet[] = endpoint.visibilities.map((v) => ({
      visibility: v,
      audience: v === 'Project' ? project : '*',
      yaml: snippetYaml(name, `service:/${project}/${component}/v1/${id}/${WORD[v]}`),
      envVars: serviceConnectionKeys(v).map((k) => choreoEnvVar(name, k)),
    }));
    return {
      project,
      component,
      repo: c.repo,
      source: 'service' as const,
      endpoint: endpoint.name,
      id,
      type: endpoint.type,
      visibilities: endpoint.visibilities,
      port: endpoint.port,
      basePath: endpoint.basePath,
      snippets,
    };
  });
}

/** Build the catalog page's data: components sorted by project, component, endpoint; then catalog entries. */
export function catalogView(platform: Pick<PlatformConfig, 'catalog'>, catalog: Pick<ServiceCatalog, 'components'>, problems: readonly string[] = []): CatalogView {
  const services = catalog.components.flatMap(serviceEndpoints).sort((a, b) =>
    a.project.localeCompare(b.project) || a.component.localeCompare(b.component) || a.endpoint.localeCompare(b.endpoint));
  const thirdParty: CatalogEndpointView[] = [...platform.catalog.values()].map((entry) => {
    const name = connectionName(entry.name, entry.version);
    const keys = Object.keys(entry.keys);
    return {
      project: 'platform',
      component: entry.name,
      repo: 'platform',
      source: 'thirdparty' as const,
      endpoint: entry.version,
      id: `${entry.name}/${entry.version}`,
      type: 'thirdparty',
      visibilities: ['Organization'],
      snippets: [{
        visibility: 'any',
        audience: entry.projects.length > 0 ? entry.projects.join(', ') : '*',
        yaml: snippetYaml(name, `thirdparty:${entry.name}/${entry.version}`),
        envVars: keys.map((k) => choreoEnvVar(name, k)),
      }],
    };
  });
  return { endpoints: [...services, ...thirdParty], problems };
}
