/**
 * Kubernetes manifests of the example organization (platform-repo-example/ + examples/), planned
 * as the apply job plans them: committed golden YAML per (component, environment), every object
 * valid against Kubernetes' published schemas, and no secret value in the output even when the
 * SealedSecret is sealed for real.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { sealSecret } from '../src/adapters/secrets/index.js';
import { isSecret, type DesiredState } from '../src/domain/plan.js';
import { renderManifests, type KubeObject } from '../src/render/manifests/index.js';
import { aDesiredState, anInput, aSealedSecret, DIGEST } from './helpers/desired-state.js';
import { desiredStates, planExamples } from './helpers/example-plan.js';
import { kubeSchemaErrors, kubeTypeErrors } from './helpers/kube-schemas.js';

const goldenDir = fileURLToPath(new URL('./golden/manifests/', import.meta.url));

/** Compare with a committed golden file; `UPDATE_GOLDEN=1` rewrites it (review the diff). */
function expectGolden(name: string, actual: string): void {
  const file = `${goldenDir}${name}`;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(existsSync(file), `golden file manifests/${name} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const { platform, plan } = await planExamples();
const states = desiredStates(plan);

/** The variables of `d` that hold secrets: the keys of its Secret. */
function secretKeys(d: DesiredState): string[] {
  const all = { ...d.config, ...Object.assign({}, ...d.connections.map((c) => c.env)) } as DesiredState['config'];
  return Object.keys(all).filter((k) => isSecret(all[k]!));
}

function render(d: DesiredState, sealedSecret?: object) {
  const keys = secretKeys(d);
  return renderManifests({
    desired: d,
    image: `registry.example/acme-bank/${d.component}@${DIGEST}`,
    secretName: `${d.component}-secrets`,
    ...(keys.length > 0 ? { sealedSecret: sealedSecret ?? aSealedSecret(d, keys) } : {}),
    files: d.files ?? [],
  });
}

describe('manifests of the example components', () => {
  it('plans every example component in every environment', () => {
    expect(states.map((d) => `${d.component}/${d.environment}`).sort()).toHaveLength(15);
  });

  it.each(states.filter((d) => d.environment !== 'staging').map((d) => [`${d.component}.${d.environment}`, d] as const))('%s (golden)', (name, d) => {
    expectGolden(`${name}.yaml`, render(d).yaml);
  });

  it('are valid against the Kubernetes schemas (kubernetes-models) and the SealedSecret CRD, in every environment', () => {
    const objects = states.flatMap((d) => render(d).objects);

    expect(new Set(objects.map((o) => o.kind))).toEqual(new Set(['Namespace', 'NetworkPolicy', 'SealedSecret', 'ConfigMap', 'Service', 'Deployment']));
    expect(objects.flatMap((o) => kubeSchemaErrors(o).map((e) => `${o.kind} ${o.metadata.name}: ${e}`))).toEqual([]);
    expect(kubeTypeErrors(objects)).toEqual([]);
  });

  it('carry a configuration file (configurations.file) as a ConfigMap the Deployment mounts, with its values per environment', () => {
    const rendered = (env: string) => {
      const d = states.find((s) => s.component === 'interest-rates' && s.environment === env)!;
      const { objects } = render(d);
      const configMap = objects.find((o) => o.kind === 'ConfigMap') as unknown as { metadata: { name: string }; data: Record<string, string> };
      const pod = (objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: {
        volumes: { name: string; configMap?: { name: string; items?: { key: string; path: string }[] } }[];
        containers: { volumeMounts: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[] }[];
      } } } }).spec.template.spec;
      return { d, configMap, pod };
    };
    const dev = rendered('development');
    const prod = rendered('production');

    expect(parseToml(dev.configMap.data['rates.toml']!)).toEqual({
      'margins-bps': { 'mortgage-fixed-10y': 145, 'mortgage-variable': 110, 'personal-loan': 520, 'business-loan': 310 },
      feed: { 'timeout-seconds': 15 },
    });
    expect(parseToml(prod.configMap.data['rates.toml']!)).toMatchObject({ feed: { 'timeout-seconds': 5 } });
    expect(dev.d.configHash).not.toBe(prod.d.configHash);
    const volume = dev.pod.volumes.find((v) => v.configMap?.name === dev.configMap.metadata.name);
    expect(volume).toBeDefined();
    expect(dev.pod.containers[0]!.volumeMounts).toContainEqual(expect.objectContaining({ name: volume!.name, mountPath: '/app/config/rates.toml' }));
  });

  it('render the same bytes twice', () => {
    for (const d of states) expect(render(d).yaml).toBe(render(d).yaml);
  });
});

describe('manifests of kinds the examples do not have (golden)', () => {
  it('a scheduled task with files, secrets and values YAML could misread', () => {
    const desired = aDesiredState({
      component: 'nightly-report',
      workload: { type: 'scheduled-task', replicas: 0, resources: { cpu: '0.5', memory: '1Gi' }, schedule: '30 2 * * 1-5' },
      endpoints: [],
      config: { ENABLED: 'yes', MODE: '0777', SEPARATOR: ': ', LIST: '- a', BANNER: 'Nightly\nreport\n', API_TOKEN: { secret: 'config/development/lending/nightly-report/API_TOKEN' } },
      network: { ingress: [], egress: [{ peer: 'component:lending/loans-api' }, { peer: 'database:postgresql', port: 5432 }] },
    });
    const files = [{ name: 'report.toml', mountPath: '/etc/report', content: '[report]\ntitle = "Loans: nightly"\nrecipients = ["ops@example.com"]\n' }];

    const { objects, yaml } = renderManifests(anInput(desired, { sealedSecret: aSealedSecret(desired, ['API_TOKEN']), files }));

    expectGolden('nightly-report.scheduled-task.yaml', yaml);
    expect(objects.flatMap((o) => kubeSchemaErrors(o))).toEqual([]);
  });

  it('a manual task', () => {
    const desired = aDesiredState({ component: 'reindex', workload: { type: 'manual-task', replicas: 0, resources: {} }, endpoints: [], network: { ingress: [], egress: [] } });

    expectGolden('reindex.manual-task.yaml', renderManifests(anInput(desired)).yaml);
  });
});

describe('manifests with a SealedSecret sealed for real', () => {
  const d = states.find((s) => s.component === 'loans-api' && s.environment === 'development')!;
  const certificatePem = platform.environments.get('development')!.sealingCertificate!;
  const plaintexts: Record<string, string> = Object.fromEntries(secretKeys(d).map((k, i) => [k, `s3cr3t-${i}-Zq8xV1pL`]));
  const sealed = sealSecret({ certificatePem, namespace: d.namespace, name: `${d.component}-secrets`, data: plaintexts });
  const { objects, yaml } = render(d, sealed);

  it('validates against the SealedSecret CRD', () => {
    const out = objects.find((o) => o.kind === 'SealedSecret')!;

    expect(kubeSchemaErrors(out)).toEqual([]);
    expect(Object.keys((out as unknown as { spec: { encryptedData: object } }).spec.encryptedData)).toEqual(Object.keys(plaintexts).sort());
  });

  it('holds no secret value, in plain text or base64, and only references for secret variables', () => {
    expect(Object.keys(plaintexts).length).toBeGreaterThan(0);
    for (const value of Object.values(plaintexts)) {
      expect(yaml).not.toContain(value);
      expect(yaml).not.toContain(Buffer.from(value).toString('base64'));
    }
    const env = (objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: { env: { name: string; value?: string; valueFrom?: unknown }[] }[] } } } })
      .spec.template.spec.containers[0]!.env;
    for (const key of Object.keys(plaintexts)) {
      expect(env.find((e) => e.name === key)).toEqual({ name: key, valueFrom: { secretKeyRef: { name: `${d.component}-secrets`, key } } });
    }
  });
});

describe('the schema checks themselves', () => {
  const deployment = (container: Record<string, unknown>): KubeObject => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'x', image: 'y', ...container }] } } },
  } as KubeObject);

  it('catch wrong types and enums', () => {
    expect(kubeSchemaErrors(deployment({ ports: [{ containerPort: '8080' }] }))).not.toEqual([]);
    expect(kubeSchemaErrors(deployment({ ports: [{ containerPort: 8080, protocol: 'HTTP' }] }))).not.toEqual([]);
    expect(kubeSchemaErrors({ apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'x' } })).not.toEqual([]);
    expect(kubeSchemaErrors(deployment({}))).toEqual([]);
  });

  it('catch unknown fields', () => {
    expect(kubeTypeErrors([deployment({ readinesProbe: {} })]).join('\n')).toMatch(/readinesProbe/);
    expect(kubeTypeErrors([deployment({})])).toEqual([]);
  });

  it('hold a SealedSecret to Bitnami\'s CRD', () => {
    const base = { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 's', namespace: 'n' } };

    expect(kubeSchemaErrors({ ...base, spec: { encryptedData: { A: 'AgB' } } } as KubeObject)).toEqual([]);
    expect(kubeSchemaErrors({ ...base, spec: {} } as KubeObject)).not.toEqual([]);
    expect(kubeSchemaErrors({ ...base, spec: { encryptedData: { A: 1 } } } as KubeObject)).not.toEqual([]);
    expect(kubeSchemaErrors({ ...base, spec: { encryptedData: {}, templat: {} } } as KubeObject)).not.toEqual([]);
  });
});
