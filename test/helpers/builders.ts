/** Builders for planner tests: a small valid platform and components, overridable per test. */
import type { ComponentDescriptor, Connection, LocatedComponent } from '../../src/domain/component.js';
import type { Environment, PlatformConfig, Policy, Project } from '../../src/domain/platform.js';
import type { Plan } from '../../src/domain/plan.js';
import { stateKey, type StateSnapshot } from '../../src/planner/plan.js';

export function anEnvironment(name: string, over: Partial<Environment> = {}): Environment {
  return {
    name,
    displayName: name,
    production: name === 'production',
    namespace: '{project}-{environment}',
    gatewayHost: `${name}.apps.acme.example`,
    databaseServers: {
      postgresql: { host: `pg.${name}.internal`, port: 5432, adminUser: { env: 'PG_USER' }, adminPassword: { env: 'PG_PASSWORD' } },
      mysql: { host: `mysql.${name}.internal`, port: 3306, adminUser: { env: 'MY_USER' }, adminPassword: { env: 'MY_PASSWORD' } },
      cache: { host: `redis.${name}.internal`, port: 6379, adminUser: { env: 'R_USER' }, adminPassword: { env: 'R_PASSWORD' } },
    },
    registry: { url: 'registry.acme.example', repositoryPrefix: 'acme' },
    ...over,
  };
}

export function aProject(name: string, repos: string[], over: Partial<Project> = {}): Project {
  return { name, displayName: name, owners: ['@acme/' + name], repos, pipeline: 'default', quotas: {}, databasePlans: [], ...over };
}

export function aPlatform(over: { projects?: Project[]; policies?: Policy[]; environments?: Environment[] } = {}): PlatformConfig {
  const environments = over.environments ?? [anEnvironment('development'), anEnvironment('staging'), anEnvironment('production')];
  const projects = over.projects ?? [
    aProject('utility', ['acme/exchange-rates', 'acme/interest-rates']),
    aProject('lending', ['acme/lending-backend']),
  ];
  return {
    settings: {
      organization: 'acme',
      githubOwners: ['acme'],
      defaultBranch: 'main',
      stateRepository: 'acme/pave-state',
      defaults: { pipeline: 'default', replicas: 1, resources: { cpu: '100m', memory: '128Mi' } },
    },
    environments: new Map(environments.map((e) => [e.name, e])),
    pipelines: new Map([['default', {
      name: 'default',
      environments: environments.map((e) => e.name),
      promotions: [],
    }]]),
    projects: new Map(projects.map((p) => [p.name, p])),
    databasePlans: new Map([
      ['postgresql/small', { id: 'postgresql/small', engine: 'postgresql', name: 'small', connectionLimit: 20 }],
      ['mysql/small', { id: 'mysql/small', engine: 'mysql', name: 'small', connectionLimit: 20 }],
      ['cache/small', { id: 'cache/small', engine: 'cache', name: 'small', connectionLimit: 50 }],
    ]),
    buildPresets: new Map([['nodejs', { name: 'nodejs', baseImage: 'node@sha256:' + 'a'.repeat(64), build: ['npm ci'], test: ['npm test'], output: '.', entrypoint: ['node', 'index.js'], scans: { secrets: true } }]]),
    policies: over.policies ?? [],
    catalog: new Map([['market-data/v1', {
      name: 'market-data', version: 'v1', description: 'feed', projects: [],
      keys: { ServiceURL: { '*': 'https://feed.example/v1' }, ApiKey: { '*': { env: 'MARKET_DATA_KEY' } } },
    }]]),
  };
}

export function aDescriptor(name: string, over: Partial<ComponentDescriptor> = {}): ComponentDescriptor {
  return {
    root: '',
    sourceFile: '.choreo/component.yaml',
    kind: 'component.yaml',
    schemaVersion: '1.2',
    name,
    type: 'service',
    resources: [],
    deploy: { env: {} },
    endpoints: [],
    connections: [],
    env: [],
    files: [],
    ...over,
  };
}

export function aConnection(name: string, resourceRef: string, ref: Connection['ref']): Connection {
  return { name, resourceRef, ref, legacy: false };
}

export function located(repo: string, descriptor: ComponentDescriptor): LocatedComponent {
  return { repo, descriptor };
}

/** A project resolver over exact repo names (the real one uses globs). */
export function byRepo(platform: PlatformConfig) {
  return (repo: string) => [...platform.projects.values()].find((p) => p.repos.includes(repo));
}

/** The state a successful apply of `p` would record: every valid desired state, keyed as the planner reads it. */
export function stateAfter(p: Plan): StateSnapshot {
  return new Map(p.components.flatMap((c) => c.environments.flatMap((e) =>
    e.status === 'invalid' ? [] : [[stateKey(e.environment, e.desired.project, e.desired.component), e.desired] as const])));
}
