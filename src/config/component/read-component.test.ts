import { describe, expect, it } from 'vitest';
import { descriptorTree } from '../../../test/helpers/descriptor-tree.js';
import { readComponent } from './read-component.js';

const options = { repoName: 'acme/banking', fileChecks: true };

const componentYaml = `schemaVersion: 1.2
component: {name: loans-api}
build: {preset: nodejs, context: ./app/}
resources:
  - {name: loans-db, type: postgresql, plan: small}
deploy:
  replicas: 2
  env:
    production: {replicas: 3, vars: {MODE: 1}}
endpoints:
  - name: loans
    displayName: Loans API
    service: {port: "8080", basePath: /loans}
    type: REST
    networkVisibilities: [Organization, Public]
    schemaFilePath: openapi.yaml
  - name: grpc
    service: {port: 9090}
    type: GRPC
    networkVisibilities: [Project]
dependencies:
  connectionReferences:
    - name: "Customer Service "
      resourceRef: service:/retail/customers/v1/ad088/PROJECT
    - name: loans-db
      resourceRef: database:loans-db
  serviceReferences:
    - name: thirdparty:Credit Bureau/v2
      connectionConfig: 19d2648b-d29c-4452-afdd-1b9311e81412
      env: [{from: ServiceURL, to: BUREAU_URL}]
configuration:
  env:
    - {name: CUSTOMERS_URL, valueFrom: {connectionRef: {name: Customer Service, key: ServiceURL}}}
    - {name: REGION, value: eu}
    - {name: TOKEN, valueFrom: {configGroupRef: {name: secrets, key: token}}}
    - {name: FEATURE, valueFrom: {configForm: {displayName: Feature flag, type: boolean, required: "false"}}}
  file:
    - name: app.yaml
      mountPath: /app/config
      type: yaml
      values: [{name: level, valueFrom: {configForm: {type: string}}}]
`;

describe('readComponent', () => {
  it('normalizes a complete component.yaml', () => {
    const tree = descriptorTree({ 'services/loans/.choreo/component.yaml': componentYaml }, ['services/loans/openapi.yaml']);

    const { descriptor, reports } = readComponent(tree, 'services/loans', options);

    expect(reports.map((r) => [r.path, r.valid, r.errors])).toEqual([['services/loans/.choreo/component.yaml', true, []]]);
    expect(descriptor).toMatchObject({
      root: 'services/loans',
      sourceFile: 'services/loans/.choreo/component.yaml',
      kind: 'component.yaml',
      schemaVersion: '1.2',
      name: 'loans-api',
      type: 'service',
      build: { preset: 'nodejs', context: 'app' },
      resources: [{ name: 'loans-db', type: 'postgresql', plan: 'small' }],
      deploy: { replicas: 2, env: { production: { replicas: 3, vars: { MODE: '1' } } } },
      endpoints: [
        { name: 'loans', displayName: 'Loans API', port: 8080, basePath: '/loans', type: 'REST', visibilities: ['Organization', 'Public'], schemaFilePath: 'openapi.yaml' },
        { name: 'grpc', port: 9090, basePath: '/', type: 'GRPC', visibilities: ['Project'] },
      ],
      connections: [
        {
          name: 'Customer Service', resourceRef: 'service:/retail/customers/v1/ad088/PROJECT', legacy: false,
          ref: { kind: 'service', project: 'retail', component: 'customers', version: 'v1', endpoint: 'ad088', visibility: 'PROJECT' },
        },
        { name: 'loans-db', legacy: false, ref: { kind: 'database', database: 'loans-db' } },
        {
          name: 'thirdparty:Credit Bureau/v2', legacy: true, ref: { kind: 'thirdparty', name: 'Credit Bureau', version: 'v2' },
          envRenames: [{ from: 'ServiceURL', to: 'BUREAU_URL' }],
        },
      ],
      env: [
        { name: 'CUSTOMERS_URL', source: { kind: 'connectionRef', connection: 'Customer Service', key: 'ServiceURL' } },
        { name: 'REGION', source: { kind: 'value', value: 'eu' } },
        { name: 'TOKEN', source: { kind: 'configGroupRef', group: 'secrets', key: 'token' } },
        { name: 'FEATURE', source: { kind: 'configForm', displayName: 'Feature flag', required: false, type: 'boolean' } },
      ],
      files: [{ name: 'app.yaml', mountPath: '/app/config', type: 'yaml', values: [{ name: 'level', valueFrom: { configForm: { type: 'string' } } }] }],
    });
    expect(descriptor?.deploy).not.toHaveProperty('resources');
    expect(descriptor?.locate?.(['configurations', 'env', 1, 'value'])).toEqual({ line: 34, column: 29 });
    expect(descriptor?.locate?.(['dependencies', 'connectionReferences', 1, 'resourceRef'])).toEqual({ line: 26, column: 20 });
  });

  it('defaults name, type, visibilities, base path and leaves replicas to the platform', () => {
    const tree = descriptorTree({ '.choreo/component.yaml': 'schemaVersion: 1.1\nendpoints:\n  - {name: api, service: {port: 8080}, type: REST}\n' });

    const { descriptor } = readComponent(tree, '', options);

    expect(descriptor).toMatchObject({
      name: 'banking', type: 'service', resources: [], deploy: { env: {} }, connections: [], env: [], files: [],
      endpoints: [{ name: 'api', port: 8080, basePath: '/', type: 'REST', visibilities: ['Public'] }],
    });
    expect(descriptor?.deploy.replicas).toBeUndefined();
    expect(descriptor?.build).toBeUndefined();
  });

  it('uses component.yaml over the legacy files and says the others are shadowed', () => {
    const tree = descriptorTree({
      'svc/.choreo/component.yaml': 'schemaVersion: 1.2\n',
      'svc/.choreo/endpoints.yaml': 'this is: [not, read\n',
      'svc/.choreo/component-config.yaml': 'apiVersion: nope\n',
    });

    const { descriptor, reports } = readComponent(tree, 'svc', options);

    expect(descriptor?.kind).toBe('component.yaml');
    expect(reports.map((r) => [r.kind, r.valid, r.shadowedBy, r.warnings.map((d) => d.code)])).toEqual([
      ['component.yaml', true, undefined, []],
      ['component-config.yaml', true, 'component.yaml', ['shadowed-descriptor']],
      ['endpoints.yaml', true, 'component.yaml', ['shadowed-descriptor']],
    ]);
  });

  it('normalizes endpoints.yaml: context → basePath, networkVisibility → [it], name kept as written', () => {
    const tree = descriptorTree({
      'greeter/.choreo/endpoints.yaml': 'version: 0.1\nendpoints:\n  - {name: Greeting Service, port: 9090, type: REST, networkVisibility: Organization, context: /greet}\n  - {name: raw, port: 7000, type: TCP}\n',
    });

    const { descriptor, reports } = readComponent(tree, 'greeter', options);

    expect(reports[0]?.warnings.map((d) => d.code)).toEqual(['outdated-source-config']);
    expect(descriptor).toMatchObject({
      kind: 'endpoints.yaml', schemaVersion: '0.1', name: 'greeter',
      endpoints: [
        { name: 'Greeting Service', port: 9090, basePath: '/greet', type: 'REST', visibilities: ['Organization'] },
        { name: 'raw', port: 7000, basePath: '/', type: 'TCP', visibilities: ['Public'] },
      ],
    });
    expect(descriptor?.locate?.(['endpoints', 0, 'service', 'basePath'])).toEqual({ line: 3, column: 96 });
  });

  it('normalizes component-config.yaml and locates its references under spec.outbound', () => {
    const text = `apiVersion: core.choreo.dev/v1beta1
kind: ComponentConfig
spec:
  inbound:
    - {name: Pets, port: 9090, type: REST, context: /}
  outbound:
    serviceReferences:
      - name: choreo:///acme/shop/pets/5c69c/v1.0/PUBLIC
        connectionConfig: 01eea090-0da9-1550-ba7c-e54e4f4e56be
        env: [{from: ServiceURL, to: PETS_URL}]
`;
    const tree = descriptorTree({ 'shop/.choreo/component-config.yaml': text });

    const { descriptor } = readComponent(tree, 'shop', options);

    expect(descriptor?.connections).toEqual([{
      name: 'choreo:///acme/shop/pets/5c69c/v1.0/PUBLIC', resourceRef: 'choreo:///acme/shop/pets/5c69c/v1.0/PUBLIC', legacy: true,
      ref: { kind: 'service', org: 'acme', project: 'shop', component: 'pets', endpoint: '5c69c', version: 'v1.0', visibility: 'PUBLIC' },
      envRenames: [{ from: 'ServiceURL', to: 'PETS_URL' }],
    }]);
    expect(descriptor?.locate?.(['dependencies', 'serviceReferences', 0, 'name'])).toEqual({ line: 8, column: 15 });
    expect(descriptor?.locate?.(['endpoints', 0, 'service', 'port'])).toEqual({ line: 5, column: 26 });
  });

  it('produces no descriptor when the winning file has errors, Choreo\'s or pave\'s', () => {
    const choreo = descriptorTree({ '.choreo/component.yaml': 'schemaVersion: 1.2\nendpoints:\n  - {name: a, service: {port: 80}, type: REST}\n' });
    const pave = descriptorTree({ '.choreo/component.yaml': 'schemaVersion: 1.2\ncomponent: {type: Service}\n' });

    expect(readComponent(choreo, '', options).descriptor).toBeUndefined();
    const result = readComponent(pave, '', options);
    expect(result.descriptor).toBeUndefined();
    expect(result.reports[0]).toMatchObject({ valid: false, choreoValid: true });
  });

  it('skips schema file checks when asked to', () => {
    const tree = descriptorTree({ '.choreo/component.yaml': 'schemaVersion: 1.2\nendpoints:\n  - {name: a, service: {port: 8080}, type: REST, schemaFilePath: gone.yaml}\n' });

    expect(readComponent(tree, '', options).descriptor).toBeUndefined();
    expect(readComponent(tree, '', { ...options, fileChecks: false }).descriptor?.endpoints[0]?.schemaFilePath).toBe('gone.yaml');
  });

  it('warns when the default name had to be cleaned up', () => {
    const tree = descriptorTree({ 'apps/Loans_API/.choreo/component.yaml': 'schemaVersion: 1.2\n' });

    const { descriptor, reports } = readComponent(tree, 'apps/Loans_API', options);

    expect(descriptor?.name).toBe('loans-api');
    expect(reports[0]?.warnings.map((d) => d.code)).toEqual(['derived-component-name']);
  });

  it('reads a proxy', () => {
    const tree = descriptorTree({ '.choreo/component.yaml': 'schemaVersion: 1.2\ncomponent: {type: api-proxy}\nproxy: {type: REST, schemaFilePath: api.yaml, networkVisibilities: [Organization]}\n' }, ['api.yaml']);

    expect(readComponent(tree, '', options).descriptor).toMatchObject({
      type: 'api-proxy', proxy: { type: 'REST', schemaFilePath: 'api.yaml', visibilities: ['Organization'] },
    });
  });

  it('returns nothing for a directory without descriptors', () => {
    expect(readComponent(descriptorTree({ 'x.txt': '' }), '', options)).toEqual({ reports: [] });
  });
});
