import { loadAll, YAML11_SCHEMA } from 'js-yaml';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IService } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { aDesiredState, anInput, aSealedSecret } from '../../../test/helpers/desired-state.js';
import { kubeSchemaErrors, kubeTypeErrors } from '../../../test/helpers/kube-schemas.js';
import type { ManifestInput } from '../../domain/apply.js';
import type { DesiredEndpoint, DesiredState } from '../../domain/plan.js';
import type { KubeObject } from './kube-object.js';
import { NEVER } from './workloads.js';
import { renderManifests } from './render-manifests.js';

function find<T>(objects: readonly KubeObject[], kind: string): T {
  const found = objects.find((o) => o.kind === kind);
  if (!found) throw new Error(`no ${kind} among ${objects.map((o) => o.kind).join(', ')}`);
  return found as unknown as T;
}

function kinds(input: ManifestInput): string[] {
  return renderManifests(input).objects.map((o) => o.kind);
}

/** Every object valid against the Kubernetes schemas and types. */
function expectValid(objects: readonly KubeObject[]): void {
  expect(objects.flatMap((o) => kubeSchemaErrors(o).map((e) => `${o.kind}: ${e}`))).toEqual([]);
}

const endpoint = (name: string, type: DesiredEndpoint['type'], port: number, basePath = '/'): DesiredEndpoint =>
  ({ id: name.slice(0, 5), name, type, port, basePath, visibilities: ['Project'], urls: {} });

describe('renderManifests: what each component type gets', () => {
  it.each([
    ['service', ['Namespace', 'NetworkPolicy', 'Service', 'Deployment']],
    ['web-app', ['Namespace', 'NetworkPolicy', 'Service', 'Deployment']],
    ['event-handler', ['Namespace', 'NetworkPolicy', 'Service', 'Deployment']],
    ['scheduled-task', ['Namespace', 'NetworkPolicy', 'CronJob']],
    ['manual-task', ['Namespace', 'NetworkPolicy', 'CronJob']],
    ['api-proxy', ['Namespace']],
  ] as const)('%s → %j, sorted by kind in install order', (type, expected) => {
    const desired = aDesiredState({ workload: { type, replicas: 1, resources: {}, ...(type === 'scheduled-task' ? { schedule: '*/15 * * * *' } : {}) } });

    expect(kinds(anInput(desired))).toEqual(expected);
  });

  it('adds the SealedSecret and the ConfigMap when there are secrets and files', () => {
    const desired = aDesiredState({ config: { API_KEY: { secret: 'config/x' } } });

    const input = anInput(desired, { sealedSecret: aSealedSecret(desired, ['API_KEY']), files: [{ name: 'app.yaml', mountPath: '/etc/app', content: 'a: 1\n' }] });

    expect(kinds(input)).toEqual(['Namespace', 'NetworkPolicy', 'SealedSecret', 'ConfigMap', 'Service', 'Deployment']);
    expectValid(renderManifests(input).objects);
  });

  it('gives an event handler without endpoints no Service and no probes', () => {
    const desired = aDesiredState({ workload: { type: 'event-handler', replicas: 1, resources: {} }, endpoints: [], network: { ingress: [], egress: [] } });

    const { objects } = renderManifests(anInput(desired));

    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'NetworkPolicy', 'Deployment']);
    const container = find<IDeployment>(objects, 'Deployment').spec!.template.spec!.containers[0]!;
    expect(container.readinessProbe).toBeUndefined();
    expect(container.ports).toBeUndefined();
    expect(find<INetworkPolicy>(objects, 'NetworkPolicy').spec!.ingress).toEqual([]);
    expectValid(objects);
  });
});

describe('renderManifests: Deployment', () => {
  const { objects } = renderManifests(anInput(aDesiredState({
    config: { LOG_LEVEL: 'info', API_TOKEN: { secret: 'config/development/lending/loans-api/API_TOKEN' } },
    connections: [{ name: 'db', kind: 'database', target: 'lending/loans-api/db', env: { DB_HOST: 'pg', DB_PASSWORD: { secret: 'db/development/lending/loans-api/db' } } }],
  })));
  const deployment = find<IDeployment>(objects, 'Deployment');
  const pod = deployment.spec!.template.spec!;
  const container = pod.containers[0]!;

  it('runs one container named after the component, with the image, replicas and resources (memory limit = request)', () => {
    expect(deployment.spec!.replicas).toBe(2);
    expect(pod.containers).toHaveLength(1);
    expect(container.name).toBe('loans-api');
    expect(container.image).toBe(anInput().image);
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '256Mi' } });
  });

  it('sets literal variables as values and secrets as references into the Secret, keyed by the variable name', () => {
    expect(container.env).toEqual([
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'loans-api-secrets', key: 'API_TOKEN' } } },
      { name: 'DB_HOST', value: 'pg' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'loans-api-secrets', key: 'DB_PASSWORD' } } },
      { name: 'LOG_LEVEL', value: 'info' },
    ]);
  });

  it('probes <basePath>/healthz on the REST endpoint\'s port', () => {
    const handler = { httpGet: { path: '/loans/healthz', port: 'loans' } };

    expect(container.readinessProbe).toMatchObject(handler);
    expect(container.livenessProbe).toMatchObject(handler);
    expect(container.startupProbe).toMatchObject(handler);
    expect(container.ports).toEqual([{ name: 'loans', containerPort: 8080, protocol: 'TCP' }]);
  });

  it('is hardened: non-root, no privilege escalation, no capabilities, read-only root with a writable /tmp', () => {
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
  });

  it('selects its pods by name and instance, and labels and annotates everything', () => {
    const selector = { 'app.kubernetes.io/name': 'loans-api', 'app.kubernetes.io/instance': 'loans-api-development' };
    expect(deployment.spec!.selector.matchLabels).toEqual(selector);
    expect(deployment.spec!.template.metadata!.labels).toMatchObject(selector);
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
      expect(o.metadata.namespace).toBe('lending-development');
      expect(o.metadata.labels).toEqual({
        ...selector,
        'app.kubernetes.io/part-of': 'lending',
        'app.kubernetes.io/managed-by': 'pave',
        'app.kubernetes.io/component': 'service',
        'pave.dev/project': 'lending',
        'pave.dev/environment': 'development',
      });
      expect(o.metadata.annotations).toEqual({ 'pave.dev/config-hash': 'f'.repeat(64) });
    }
  });

  it('does not restart pods for a replica change, but does when sealed secrets or files change', () => {
    const base = aDesiredState({ config: { K: { secret: 'config/k' } } });
    const template = (input: ManifestInput) => find<IDeployment>(renderManifests(input).objects, 'Deployment').spec!.template;
    const sealedA = aSealedSecret(base, ['K']);
    const sealedB = { ...sealedA, spec: { ...(sealedA as { spec: object }).spec, encryptedData: { K: 'AgBother' } } };

    const scaled = template(anInput({ ...base, workload: { ...base.workload, replicas: 5 }, configHash: 'e'.repeat(64) }, { sealedSecret: sealedA }));

    expect(scaled).toEqual(template(anInput(base, { sealedSecret: sealedA })));
    expect(template(anInput(base, { sealedSecret: sealedB })).metadata!.annotations).not.toEqual(scaled.metadata!.annotations);
    expect(template(anInput(base, { sealedSecret: sealedA, files: [{ name: 'a', mountPath: '/x', content: '1' }] })).metadata!.annotations)
      .not.toEqual(template(anInput(base, { sealedSecret: sealedA, files: [{ name: 'a', mountPath: '/x', content: '2' }] })).metadata!.annotations);
  });

  it('omits resources the plan does not set', () => {
    const { objects: bare } = renderManifests(anInput(aDesiredState({ workload: { type: 'service', replicas: 1, resources: { cpu: '0.5' } } })));

    expect(find<IDeployment>(bare, 'Deployment').spec!.template.spec!.containers[0]!.resources).toEqual({ requests: { cpu: '0.5' } });
  });
});

describe('renderManifests: ports, Service and probes by endpoint type', () => {
  it('names ports after endpoints (DNS-1035, at most 15 characters, unique) and merges endpoints on one port', () => {
    const desired = aDesiredState({ endpoints: [
      endpoint('Portfolio API (v2)', 'REST', 8080, '/portfolio/'),
      endpoint('portfolio-graphql', 'GraphQL', 8080, '/graphql'),
      endpoint('portfolio_api_v2_admin', 'REST', 8081),
      endpoint('dns', 'UDP', 5353),
      endpoint('dns', 'TCP', 5353),
      endpoint('stream', 'WS', 9000),
      endpoint('rpc', 'GRPC', 50051),
    ] });

    const { objects } = renderManifests(anInput(desired));

    const service = find<IService>(objects, 'Service');
    expect(service.spec!.ports).toEqual([
      { name: 'portfolio-api-v', port: 8080, targetPort: 'portfolio-api-v', protocol: 'TCP', appProtocol: 'http' },
      { name: 'portfolio-api-2', port: 8081, targetPort: 'portfolio-api-2', protocol: 'TCP', appProtocol: 'http' },
      { name: 'dns', port: 5353, targetPort: 'dns', protocol: 'UDP' },
      { name: 'dns-2', port: 5353, targetPort: 'dns-2', protocol: 'TCP' },
      { name: 'stream', port: 9000, targetPort: 'stream', protocol: 'TCP', appProtocol: 'kubernetes.io/ws' },
      { name: 'rpc', port: 50051, targetPort: 'rpc', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
    ]);
    expect(service.spec!.selector).toEqual({ 'app.kubernetes.io/name': 'loans-api', 'app.kubernetes.io/instance': 'loans-api-development' });
    const container = find<IDeployment>(objects, 'Deployment').spec!.template.spec!.containers[0]!;
    expect(container.readinessProbe!.httpGet).toEqual({ path: '/portfolio/healthz', port: 'portfolio-api-v' });
    expectValid(objects);
  });

  it.each([
    ['GRPC', [endpoint('rpc', 'GRPC', 50051)], { tcpSocket: { port: 'rpc' } }],
    ['GraphQL at /', [endpoint('gql', 'GraphQL', 4000)], { httpGet: { path: '/healthz', port: 'gql' } }],
    ['TCP before REST', [endpoint('raw', 'TCP', 7000), endpoint('api', 'REST', 8080, 'api')], { httpGet: { path: '/api/healthz', port: 'api' } }],
    ['UDP only', [endpoint('syslog', 'UDP', 514)], undefined],
  ])('%s → probe %j', (_name, endpoints, handler) => {
    const { objects } = renderManifests(anInput(aDesiredState({ endpoints })));

    const probe = find<IDeployment>(objects, 'Deployment').spec!.template.spec!.containers[0]!.readinessProbe;
    if (handler === undefined) expect(probe).toBeUndefined();
    else expect(probe).toMatchObject(handler);
  });
});

describe('renderManifests: CronJob', () => {
  it('runs a scheduled task on its schedule, in UTC, never twice at once, without probes', () => {
    const desired = aDesiredState({ workload: { type: 'scheduled-task', replicas: 0, resources: {}, schedule: '0 3 * * *' }, endpoints: [], network: { ingress: [], egress: [] } });

    const { objects } = renderManifests(anInput(desired));

    const cron = find<ICronJob>(objects, 'CronJob');
    expect(cron.spec).toMatchObject({ schedule: '0 3 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    expect(cron.spec!.suspend).toBeUndefined();
    const pod = cron.spec!.jobTemplate.spec!.template.spec!;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers[0]!.livenessProbe).toBeUndefined();
    expectValid(objects);
  });

  it('makes a manual task a suspended CronJob that never fires on its own', () => {
    const desired = aDesiredState({ workload: { type: 'manual-task', replicas: 0, resources: {} }, endpoints: [], network: { ingress: [], egress: [] } });

    const cron = find<ICronJob>(renderManifests(anInput(desired)).objects, 'CronJob');

    expect(cron.spec).toMatchObject({ suspend: true, schedule: NEVER });
  });

  it('refuses a scheduled task without a schedule', () => {
    const desired = aDesiredState({ workload: { type: 'scheduled-task', replicas: 0, resources: {} } });

    expect(() => renderManifests(anInput(desired))).toThrow(/no schedule/);
  });
});

describe('renderManifests: ConfigMap', () => {
  it('holds each file under a valid key and mounts it read-only at <mountPath>/<name>', () => {
    const files = [
      { name: 'application.yaml', mountPath: '/src/resources/', content: 'logging:\n  level: info\n' },
      { name: 'settings (prod).toml', mountPath: 'etc', content: 'x = 1' },
      { name: 'application.yaml', mountPath: '/other', content: 'b: 2\n' },
      { name: 'dup.json', mountPath: '/src/resources', content: '{}' },
      { name: 'dup.json', mountPath: '/src/resources', content: '{"second": true}' },
    ];

    const { objects } = renderManifests(anInput(aDesiredState(), { files }));

    const configMap = find<IConfigMap>(objects, 'ConfigMap');
    expect(configMap.metadata!.name).toBe('loans-api-files');
    const keys = Object.keys(configMap.data!);
    expect(keys).toHaveLength(4);
    expect(keys[0]).toBe('application.yaml');
    for (const k of keys) expect(k).toMatch(/^[-._a-zA-Z0-9]+$/);
    expect(configMap.data!['dup.json']).toBe('{}');
    const pod = find<IDeployment>(objects, 'Deployment').spec!.template.spec!;
    expect(pod.volumes).toContainEqual({ name: 'files', configMap: { name: 'loans-api-files' } });
    expect(pod.containers[0]!.volumeMounts!.map((m) => m.mountPath)).toEqual(['/etc/settings (prod).toml', '/other/application.yaml', '/src/resources/application.yaml', '/src/resources/dup.json', '/tmp']);
    expect(pod.containers[0]!.volumeMounts).toContainEqual({ name: 'files', mountPath: '/src/resources/application.yaml', subPath: 'application.yaml', readOnly: true });
    expectValid(objects);
  });
});

describe('renderManifests: NetworkPolicy', () => {
  const policyOf = (desired: DesiredState) => find<INetworkPolicy>(renderManifests(anInput(desired)).objects, 'NetworkPolicy');
  const dns = { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] };

  it('denies by default and admits the peers of each endpoint\'s visibilities on its port', () => {
    const policy = policyOf(aDesiredState({
      endpoints: [endpoint('api', 'REST', 8080), endpoint('admin', 'REST', 9090), endpoint('metrics', 'UDP', 8125)],
      network: {
        ingress: [{ peer: 'project:lending', port: 8080 }, { peer: 'gateway:public', port: 8080 }, { peer: 'project:lending', port: 9090 }, { peer: 'project:lending', port: 8125 }],
        egress: [],
      },
    }));

    expect(policy.spec!.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'loans-api', 'app.kubernetes.io/instance': 'loans-api-development' } });
    expect(policy.spec!.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec!.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'pave.dev/project': 'lending', 'pave.dev/environment': 'development' } } }],
        ports: [{ port: 8080, protocol: 'TCP' }, { port: 8125, protocol: 'UDP' }, { port: 9090, protocol: 'TCP' }],
      },
      { from: [{ namespaceSelector: { matchLabels: { 'pave.dev/gateway': 'public' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
    expect(policy.spec!.egress).toEqual([dns]);
  });

  it('lets the pods reach DNS, their connections\' components, gateways, databases and public catalog services only', () => {
    const policy = policyOf(aDesiredState({
      databases: [{ name: 'db', engine: 'postgresql', plan: 'postgresql/small', connectionLimit: 5, host: 'pg.internal', port: 5432, database: 'd', user: 'u' }],
      connections: [
        { name: 'shared', kind: 'database', target: 'lending/ledger/ledger-db', env: { LEDGER_HOST: 'mysql.internal', LEDGER_PORT: '3306', LEDGER_USER: 'u', LEDGER_PASSWORD: { secret: 'db/x' } } },
        { name: 'market', kind: 'thirdparty', target: 'market-data/v1', env: { URL: 'https://md.example.com:8443/v1', KEY: { secret: 'env:K' } } },
        { name: 'legacy', kind: 'thirdparty', target: 'legacy/v1', env: { URL: 'http://legacy.example.com/api' } },
      ],
      network: {
        ingress: [],
        egress: [
          { peer: 'database:postgresql', port: 5432 },
          { peer: 'database:lending/ledger/ledger-db' },
          { peer: 'component:lending/credit-scoring' },
          { peer: 'gateway:internal' },
          { peer: 'external:market-data/v1' },
          { peer: 'external:legacy/v1' },
        ],
      },
    }));

    const internet = [
      { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] } },
      { ipBlock: { cidr: '::/0', except: ['::1/128', 'fc00::/7', 'fe80::/10'] } },
    ];
    expect(policy.spec!.egress).toEqual([
      dns,
      { to: internet, ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }, { port: 8443, protocol: 'TCP' }] },
      {
        to: [{
          namespaceSelector: { matchLabels: { 'pave.dev/project': 'lending', 'pave.dev/environment': 'development' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'credit-scoring', 'app.kubernetes.io/part-of': 'lending' } },
        }],
      },
      { to: [{ namespaceSelector: { matchLabels: { 'pave.dev/gateway': 'internal' } } }] },
      { ports: [{ port: 3306, protocol: 'TCP' }, { port: 5432, protocol: 'TCP' }] },
    ]);
  });

  it('does not depend on the order of the plan\'s rules', () => {
    const rules = [{ peer: 'gateway:internal', port: 8080 }, { peer: 'project:lending', port: 8080 }, { peer: 'gateway:public', port: 8080 }];
    const a = aDesiredState({ network: { ingress: rules, egress: [{ peer: 'gateway:public' }, { peer: 'database:cache', port: 6379 }] } });
    const b = aDesiredState({ network: { ingress: [...rules].reverse(), egress: [{ peer: 'database:cache', port: 6379 }, { peer: 'gateway:public' }] } });

    expect(renderManifests(anInput(b)).yaml).toBe(renderManifests(anInput(a)).yaml);
  });

  it('refuses a peer it does not know rather than guessing', () => {
    expect(() => policyOf(aDesiredState({ network: { ingress: [{ peer: 'cluster:all' }], egress: [] } }))).toThrow(/cluster:all/);
  });
});

describe('renderManifests: Namespace and SealedSecret', () => {
  it('emits the namespace with the labels NetworkPolicies select on, the same for every component of the project', () => {
    const ns = (component: string) => renderManifests(anInput(aDesiredState({ component, configHash: component }))).objects[0]!;

    expect(ns('loans-api')).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'lending-development',
        labels: {
          'app.kubernetes.io/managed-by': 'pave',
          'app.kubernetes.io/part-of': 'lending',
          'pave.dev/project': 'lending',
          'pave.dev/environment': 'development',
          'pod-security.kubernetes.io/enforce': 'restricted',
        },
      },
    });
    expect(ns('credit-scoring')).toEqual(ns('loans-api'));
  });

  it('passes the SealedSecret through with the standard labels, leaving the caller\'s object alone', () => {
    const desired = aDesiredState();
    const sealed = aSealedSecret(desired, ['A', 'B']);
    const before = JSON.stringify(sealed);

    const out = find<KubeObject & { spec: unknown }>(renderManifests(anInput(desired, { sealedSecret: sealed })).objects, 'SealedSecret');

    expect(out.spec).toEqual((sealed as { spec: unknown }).spec);
    expect(out.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'pave', 'pave.dev/project': 'lending' });
    expect(JSON.stringify(sealed)).toBe(before);
  });

  it('refuses a SealedSecret sealed for another name or namespace (the controller could not unseal it)', () => {
    const desired = aDesiredState();

    expect(() => renderManifests(anInput(desired, { sealedSecret: aSealedSecret(desired, ['A'], 'other') }))).toThrow(/sealed secret/);
    expect(() => renderManifests(anInput(desired, { sealedSecret: aSealedSecret({ ...desired, namespace: 'x' }, ['A']) }))).toThrow(/sealed secret/);
  });
});

describe('renderManifests: output', () => {
  const hostile = ['yes', 'no', 'on', 'null', '~', '0777', '0x10', '1e3', '12:30', '2024-01-01', ': x', '- a', '#comment', '&anchor', '*alias', '!tag', '{a: 1}', '[1]',
    '"quoted"', "'single'", 'trailing: ', ' leading', 'multi\nline\n', 'windows\r\nline', '---\nkind: Secret', '|', '>', '@', '`', '%', 'tab\tbed', 'nel\u0085', '🎉', ''];
  const desired = aDesiredState({
    config: Object.fromEntries(hostile.map((v, i) => [`V${i}`, v])),
    connections: [{ name: 'c', kind: 'thirdparty', target: 'x/v1', env: { C_URL: 'https://x.example/a?b=c#d' } }],
  });
  const input = anInput(desired, {
    sealedSecret: aSealedSecret(desired, ['S']),
    files: [{ name: 'app.yaml', mountPath: '/etc/app', content: hostile.join('\n') }, { name: 'empty', mountPath: '/etc/app', content: '' }],
  });

  it('reads back as the objects, in YAML 1.2 and YAML 1.1 readers, whatever the values', () => {
    const { objects, yaml } = renderManifests(input);

    const expected = JSON.parse(JSON.stringify(objects)) as unknown;
    expect(loadAll(yaml)).toEqual(expected);
    expect(loadAll(yaml, { schema: YAML11_SCHEMA })).toEqual(expected);
    const env = find<IDeployment>(objects, 'Deployment').spec!.template.spec!.containers[0]!.env!;
    expect(hostile.every((v, i) => env.some((e) => e.name === `V${i}` && e.value === v))).toBe(true);
  });

  it('is deterministic: same input, same bytes; configuration order does not matter', () => {
    const reordered = { ...desired, config: Object.fromEntries(Object.entries(desired.config).reverse()) };

    expect(renderManifests(input).yaml).toBe(renderManifests(input).yaml);
    expect(renderManifests({ ...input, desired: reordered }).yaml).toBe(renderManifests(input).yaml);
  });

  it('writes each object as its own document', () => {
    const { objects, yaml } = renderManifests(input);

    expect(yaml.startsWith('---\napiVersion: v1\nkind: Namespace\n')).toBe(true);
    expect(yaml.match(/^---$/gm)).toHaveLength(objects.length);
  });

  it('is valid for Kubernetes, field by field', () => {
    const { objects } = renderManifests(input);

    expectValid(objects);
    expect(kubeTypeErrors(objects)).toEqual([]);
  });
});
