import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { aConnection, aDescriptor, aPlatform, byRepo, located } from '../../test/helpers/builders.js';
import { parseResourceRef } from '../config/component/resource-ref.js';
import type { LocatedComponent } from '../domain/component.js';
import { buildCatalog } from './catalog.js';
import { catalogView, connectionName } from './catalog-view.js';
import { plan } from './plan.js';

const rates = located('acme/exchange-rates', aDescriptor('exchange-rates', {
  endpoints: [{ name: 'rates-api', port: 8080, basePath: '/rates', type: 'REST', visibilities: ['Organization', 'Project'] }],
}));
const internalOnly = located('acme/interest-rates', aDescriptor('interest-rates', {
  endpoints: [{ name: 'interest-api', port: 9090, basePath: '/', type: 'GRPC', visibilities: ['Project'] }],
}));

function view() {
  const platform = aPlatform();
  return { platform, view: catalogView(platform, buildCatalog(platform, [rates, internalOnly], byRepo(platform))) };
}

/** Plan a consumer that pastes `yaml` and return the variables the planner injects. */
function injected(yaml: string, consumerRepo: string): string[] {
  const platform = aPlatform();
  const entry = (load(yaml) as { dependencies: { connectionReferences: { name: string; resourceRef: string }[] } }).dependencies.connectionReferences[0]!;
  const parsed = parseResourceRef(entry.resourceRef);
  if (!parsed.ok) throw new Error(`snippet resourceRef does not parse: ${entry.resourceRef}`);
  const consumer: LocatedComponent = located(consumerRepo, aDescriptor('consumer', { connections: [aConnection(entry.name, entry.resourceRef, parsed.ref)] }));
  const result = plan({ platform, known: [...[rates, internalOnly].filter((c) => c.repo !== consumerRepo), consumer], current: new Map(), projectOf: byRepo(platform), targets: [{ repo: consumerRepo, root: '' }] });
  const dev = result.components[0]!.environments.find((e) => e.environment === 'development')!;
  if (dev.status === 'invalid') throw new Error(`consumer is invalid: ${JSON.stringify(dev)}`);
  return dev.desired.connections.flatMap((c) => Object.keys(c.env)).sort();
}

describe('catalogView', () => {
  it('lists every endpoint with one snippet per visibility, and the platform catalog entries', () => {
    const { view: v } = view();
    expect(v.endpoints.map((e) => `${e.project}/${e.component}/${e.endpoint} ${e.type}`)).toEqual([
      'utility/exchange-rates/rates-api REST',
      'utility/interest-rates/interest-api GRPC',
      'platform/market-data/v1 thirdparty',
    ]);
    expect(v.endpoints[0]!.snippets.map((s) => s.visibility)).toEqual(['Organization', 'Project']);
    expect(v.endpoints[0]!.snippets[1]!.audience).toBe('utility');
  });

  it('gives the variable names the planner injects for the pasted snippet (same project and other project)', () => {
    const { view: v } = view();
    const [org, project] = v.endpoints[0]!.snippets;
    // acme/lending-backend is in project "lending"; acme/interest-rates shares "utility" with the target.
    expect(injected(org!.yaml, 'acme/lending-backend')).toEqual([...org!.envVars].sort());
    expect(org!.envVars).toEqual(['CHOREO_EXCHANGE_RATES_RATES_API_SERVICEURL', 'CHOREO_EXCHANGE_RATES_RATES_API_CHOREOAPIKEY']);
    expect(injected(project!.yaml, 'acme/interest-rates')).toEqual([...project!.envVars].sort());
    expect(project!.envVars).toEqual(['CHOREO_EXCHANGE_RATES_RATES_API_SERVICEURL']);
    const market = v.endpoints.find((e) => e.source === 'thirdparty')!.snippets[0]!;
    expect(injected(market.yaml, 'acme/lending-backend')).toEqual([...market.envVars].sort());
  });

  it('makes valid connection names from any parts', () => {
    expect(connectionName('a', 'b')).toBe('a-b');
    expect(connectionName('x')).toBe('x-conn');
    expect(connectionName('Some  Service', '--weird..name--')).toBe('Some-Service-weird-name');
    const long = connectionName('c'.repeat(40), 'e'.repeat(40));
    expect(long.length).toBeLessThanOrEqual(50);
    expect(long).toMatch(/^[a-zA-Z0-9](?:[a-zA-Z0-9]|[ _.-](?=[a-zA-Z0-9]))*$/);
  });
});
