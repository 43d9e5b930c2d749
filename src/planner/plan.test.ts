import { describe, expect, it } from 'vitest';
import { aConnection, aDescriptor, aPlatform, byRepo, located, stateAfter } from '../../test/helpers/builders.js';
import type { Policy } from '../domain/platform.js';
import type { EnvironmentPlan } from '../domain/plan.js';
import { plan, type PlanInput } from './plan.js';

const rates = located('acme/exchange-rates', aDescriptor('exchange-rates', {
  endpoints: [{ name: 'rates-api', port: 8080, basePath: '/rates', type: 'REST', visibilities: ['Organization', 'Project'] }],
  resources: [{ name: 'rates-cache', type: 'cache', plan: 'small' }],
}));
const internalOnly = located('acme/interest-rates', aDescriptor('interest-rates', {
  endpoints: [{ name: 'interest-api', port: 9090, basePath: '/', type: 'GRPC', visibilities: ['Project'] }],
}));
const loans = located('acme/lending-backend', aDescriptor('loans-api', {
  endpoints: [{ name: 'loans', port: 8080, basePath: '/loans', type: 'REST', visibilities: ['Organization'] }],
  resources: [{ name: 'loans-db', type: 'postgresql', plan: 'small' }],
  connections: [
    aConnection('Exchange Rates', 'service:/utility/exchange-rates/v1/rates-api/ORGANIZATION',
      { kind: 'service', project: 'utility', component: 'exchange-rates', version: 'v1', endpoint: 'rates-api', visibility: 'ORGANIZATION' }),
    aConnection('loans-db', 'database:loans-db', { kind: 'database', database: 'loans-db' }),
    aConnection('market', 'thirdparty:market-data/v1', { kind: 'thirdparty', name: 'market-data', version: 'v1' }),
  ],
  env: [{ name: 'RATES_URL', source: { kind: 'connectionRef', connection: 'Exchange Rates', key: 'ServiceURL' } }],
  deploy: { replicas: 1, env: { production: { replicas: 3 } } },
}));

function input(over: Partial<PlanInput> = {}): PlanInput {
  const platform = over.platform ?? aPlatform();
  return { platform, known: [rates, internalOnly, loans], current: new Map(), projectOf: byRepo(platform), ...over };
}

function envPlan(p: ReturnType<typeof plan>, component: string, env: string): EnvironmentPlan {
  const found = p.components.find((c) => c.component === component)?.environments.find((e) => e.environment === env);
  if (!found) throw new Error(`no plan for ${component} in ${env}`);
  return found;
}

describe('plan', () => {
  it('plans every environment of the pipeline and creates everything on first apply', () => {
    const p = plan(input({ targets: [{ repo: 'acme/lending-backend', root: '' }] }));

    expect(p.ok).toBe(true);
    expect(p.components).toHaveLength(1);
    expect(p.components[0]!.environments.map((e) => e.environment)).toEqual(['development', 'staging', 'production']);
    const dev = envPlan(p, 'loans-api', 'development');
    expect(dev.status).toBe('changes');
    if (dev.status === 'invalid') return;
    expect(dev.actions.map((a) => `${a.op} ${a.resource} ${a.name}`)).toEqual([
      'create workload loans-api',
      'create endpoint loans',
      'create database loans-db',
      'create connection Exchange Rates',
      'create connection loans-db',
      'create connection market',
      'create network NetworkPolicy',
    ]);
  });

  it('names connection variables exactly as Choreo does, with connectionRef renames', () => {
    const dev = envPlan(plan(input()), 'loans-api', 'development');
    if (dev.status === 'invalid') throw new Error('invalid');

    const env = Object.assign({}, ...dev.desired.connections.map((c) => c.env));
    expect(Object.keys(env).sort()).toEqual([
      'CHOREO_EXCHANGE_RATES_CHOREOAPIKEY',
      'CHOREO_LOANS_DB_DATABASENAME',
      'CHOREO_LOANS_DB_HOSTNAME',
      'CHOREO_LOANS_DB_PASSWORD',
      'CHOREO_LOANS_DB_PORT',
      'CHOREO_LOANS_DB_USERNAME',
      'CHOREO_MARKET_APIKEY',
      'CHOREO_MARKET_SERVICEURL',
      'RATES_URL',
    ]);
    expect(env.RATES_URL).toBe('https://internal.development.apps.acme.example/utility/exchange-rates/rates-api');
    expect(env.CHOREO_LOANS_DB_HOSTNAME).toBe('pg.development.internal');
    expect(env.CHOREO_LOANS_DB_PASSWORD).toEqual({ secret: 'db/development/lending/loans-api/loans-db' });
    expect(env.CHOREO_MARKET_APIKEY).toEqual({ secret: 'env:MARKET_DATA_KEY' });
  });

  it('applies per-environment overrides over the descriptor over platform defaults', () => {
    const p = plan(input());

    const reps = ['development', 'production'].map((e) => {
      const x = envPlan(p, 'loans-api', e);
      return x.status === 'invalid' ? -1 : x.desired.workload.replicas;
    });
    expect(reps).toEqual([1, 3]);
    const r = envPlan(p, 'exchange-rates', 'development');
    expect(r.status !== 'invalid' && r.desired.workload.resources).toEqual({ cpu: '100m', memory: '128Mi' });
  });

  it('reports no changes when the state repository already holds the desired state', () => {
    const first = plan(input());
    const current = stateAfter(first);

    const second = plan(input({ current }));

    expect(second.summary.unchanged).toBe(9);
    expect(second.summary.create + second.summary.update).toBe(0);
  });

  it('updates what changed and retains a database that is no longer declared', () => {
    const first = plan(input());
    const current = stateAfter(first);
    const changed = located('acme/lending-backend', { ...loans.descriptor, resources: [], connections: loans.descriptor.connections.filter((c) => c.ref.kind !== 'database'), deploy: { replicas: 2, env: {} } });

    const p = plan(input({ current, known: [rates, internalOnly, changed] }));

    const dev = envPlan(p, 'loans-api', 'development');
    if (dev.status === 'invalid') throw new Error('invalid');
    expect(dev.actions).toEqual(expect.arrayContaining([
      { op: 'update', resource: 'workload', name: 'loans-api', changes: [{ field: 'replicas', from: 1, to: 2 }] },
      expect.objectContaining({ op: 'retain-orphan', resource: 'database', name: 'loans-db' }),
      expect.objectContaining({ op: 'remove', resource: 'connection', name: 'loans-db' }),
    ]));
    expect(dev.actions.some((a) => a.resource === 'database' && a.op !== 'retain-orphan')).toBe(false);
  });

  it('refuses a connection the target endpoint does not admit', () => {
    const sneaky = located('acme/lending-backend', aDescriptor('loans-api', {
      connections: [aConnection('interest', 'service:/utility/interest-rates/v1/interest-api',
        { kind: 'service', project: 'utility', component: 'interest-rates', version: 'v1', endpoint: 'interest-api' })],
    }));

    const p = plan(input({ known: [rates, internalOnly, sneaky] }));

    const dev = envPlan(p, 'loans-api', 'development');
    expect(p.ok).toBe(false);
    expect(dev.status).toBe('invalid');
    expect(dev.status === 'invalid' && dev.problems[0]).toMatchObject({ code: 'visibility-denied', file: '.choreo/component.yaml' });
  });

  it('reports unknown services, endpoints, databases, catalog entries and plans, all at once', () => {
    const broken = located('acme/lending-backend', aDescriptor('loans-api', {
      resources: [{ name: 'big', type: 'postgresql', plan: 'huge' }],
      connections: [
        aConnection('a', 'service:/utility/nope/v1', { kind: 'service', project: 'utility', component: 'nope', version: 'v1' }),
        aConnection('b', 'service:/utility/exchange-rates/v1/zzz', { kind: 'service', project: 'utility', component: 'exchange-rates', version: 'v1', endpoint: 'zzz' }),
        aConnection('c', 'database:missing', { kind: 'database', database: 'missing' }),
        aConnection('d', 'thirdparty:nothing/v9', { kind: 'thirdparty', name: 'nothing', version: 'v9' }),
      ],
    }));

    const dev = envPlan(plan(input({ known: [rates, internalOnly, broken] })), 'loans-api', 'development');

    expect(dev.status === 'invalid' && dev.problems.map((p) => p.code)).toEqual(['unknown-plan', 'unknown-service', 'unknown-endpoint', 'unknown-database', 'unknown-thirdparty']);
  });

  it('resolves a service reference by endpoint id as well as by name', () => {
    const ids = plan(input()).components.find((c) => c.component === 'exchange-rates')!.environments[0]!;
    const id = ids.status === 'invalid' ? '' : ids.desired.endpoints[0]!.id;
    const byId = located('acme/lending-backend', aDescriptor('loans-api', {
      connections: [aConnection('rates', `service:/utility/exchange-rates/v1/${id}/ORGANIZATION`,
        { kind: 'service', project: 'utility', component: 'exchange-rates', version: 'v1', endpoint: id, visibility: 'ORGANIZATION' })],
    }));

    const dev = envPlan(plan(input({ known: [rates, byId] })), 'loans-api', 'development');

    expect(dev.status === 'invalid' ? dev.problems : dev.desired.connections[0]!.target).toBe('utility/exchange-rates/rates-api');
  });

  it('evaluates policies in their scope only', () => {
    const policies: Policy[] = [
      { name: 'prod-replicas', description: '', severity: 'error', scope: { projects: [], environments: [], productionOnly: true }, rule: { kind: 'min-replicas', min: 2 } },
      { name: 'no-org-in-lending', description: '', severity: 'warning', scope: { projects: ['lending'], environments: [], productionOnly: false }, rule: { kind: 'forbid-visibility', visibility: 'Organization' } },
    ];

    const p = plan(input({ platform: aPlatform({ policies }) }));

    const prodRates = envPlan(p, 'exchange-rates', 'production');
    expect(prodRates.violations.map((v) => v.policy)).toEqual(['prod-replicas']);
    expect(envPlan(p, 'exchange-rates', 'development').violations).toEqual([]);
    expect(envPlan(p, 'loans-api', 'production').violations.map((v) => v.policy)).toEqual(['no-org-in-lending']);
    expect(p.ok).toBe(false);
  });

  it('reports a component that no project claims', () => {
    const stray = located('other/thing', aDescriptor('thing'));

    const p = plan(input({ known: [stray], targets: [{ repo: 'other/thing', root: '' }] }));

    expect(p.components[0]!.problems[0]).toMatchObject({ code: 'no-project' });
    expect(p.ok).toBe(false);
  });

  it('flags two components with the same name in one project', () => {
    const twin = located('acme/interest-rates', aDescriptor('exchange-rates', { root: 'twin' }));

    const p = plan(input({ known: [rates, twin] }));

    expect(p.components.find((c) => c.repo === 'acme/interest-rates')!.problems[0]).toMatchObject({ code: 'duplicate-component' });
  });

  it('requires a value for required configuration forms, per environment', () => {
    const form = located('acme/exchange-rates', aDescriptor('exchange-rates', {
      env: [{ name: 'LOG_LEVEL', source: { kind: 'configForm', required: true, type: 'string' } }],
      deploy: { vars: {}, env: { development: { vars: { LOG_LEVEL: 'debug' } } } },
    }));

    const p = plan(input({ known: [form] }));

    const dev = envPlan(p, 'exchange-rates', 'development');
    expect(dev.status !== 'invalid' && dev.desired.config).toEqual({ LOG_LEVEL: 'debug' });
    expect(envPlan(p, 'exchange-rates', 'staging')).toMatchObject({ status: 'invalid', problems: [expect.objectContaining({ code: 'missing-config-value' })] });
  });

  it('is deterministic: the same input gives the same plan and config hashes', () => {
    expect(JSON.stringify(plan(input()))).toBe(JSON.stringify(plan(input())));
  });
});
