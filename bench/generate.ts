/** Synthetic organizations for benchmarks: N components spread over projects, wired together. */
import { aConnection, aDescriptor, aPlatform, aProject, located } from '../test/helpers/builders.js';
import type { LocatedComponent } from '../src/domain/component.js';
import type { PlatformConfig, Policy } from '../src/domain/platform.js';

export interface Org {
  readonly platform: PlatformConfig;
  readonly components: readonly LocatedComponent[];
}

/** `count` components in 10 projects; each has 2 endpoints, a database and 3 connections. */
export function generateOrg(count: number): Org {
  const projects = Array.from({ length: 10 }, (_, i) => aProject(`project-${i}`, [`acme/p${i}-*`]));
  const policies: Policy[] = [
    { name: 'prod-replicas', description: '', severity: 'error', scope: { projects: [], environments: [], productionOnly: true }, rule: { kind: 'min-replicas', min: 2 } },
    { name: 'no-public', description: '', severity: 'warning', scope: { projects: ['project-1'], environments: [], productionOnly: false }, rule: { kind: 'forbid-visibility', visibility: 'Public' } },
    { name: 'quotas', description: '', severity: 'error', scope: { projects: [], environments: [], productionOnly: false }, rule: { kind: 'project-quotas' } },
  ];
  const platform = aPlatform({ projects, policies });
  const components: LocatedComponent[] = [];
  for (let i = 0; i < count; i++) {
    const p = i % 10;
    const peer = (i + 10) % count; // same project, another component
    const other = (i + 1) % count; // next project
    components.push(located(`acme/p${p}-repo-${Math.floor(i / 10)}`, aDescriptor(`svc-${i}`, {
      endpoints: [
        { name: 'api', port: 8080, basePath: '/api', type: 'REST', visibilities: ['Organization', 'Project'] },
        { name: 'grpc', port: 9090, basePath: '/', type: 'GRPC', visibilities: ['Project'] },
      ],
      resources: [{ name: 'db', type: 'postgresql', plan: 'small' }],
      connections: [
        aConnection('peer grpc', `service:/project-${p}/svc-${peer}/v1/grpc/PROJECT`, { kind: 'service', project: `project-${p}`, component: `svc-${peer}`, version: 'v1', endpoint: 'grpc', visibility: 'PROJECT' }),
        aConnection('other api', `service:/project-${(other % 10)}/svc-${other}/v1/api/ORGANIZATION`, { kind: 'service', project: `project-${other % 10}`, component: `svc-${other}`, version: 'v1', endpoint: 'api', visibility: 'ORGANIZATION' }),
        aConnection('db', 'database:db', { kind: 'database', database: 'db' }),
      ],
      deploy: { replicas: 1, env: { production: { replicas: 2 } } },
    })));
  }
  return { platform, components };
}

/** Resolve projects by the `acme/p<N>-` prefix, as the glob `acme/p<N>-*` would. */
export function projectOf(org: Org) {
  const byPrefix = new Map([...org.platform.projects.values()].map((p) => [p.repos[0]!.replace('*', ''), p]));
  return (repo: string) => byPrefix.get(repo.slice(0, repo.indexOf('-') + 1));
}
