/**
 * deploy/helm/pave rendered (test/helpers/helm-template.ts: the template subset the chart keeps
 * to, since no helm binary can be installed here) with its default values and with
 * values-production.yaml, every object validated against Kubernetes' schemas (kubernetes-models;
 * ServiceMonitor and ScaledObject against their vendored CRD schemas), then what matters checked:
 * non-root pods, resources, probes, selectors that match their pods, PDBs and NetworkPolicies on
 * the right pods, only variables pave reads, and queue names that exist.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/queue/jobs.js';
import type { KubeObject } from '../../src/render/manifests/index.js';
import { renderChart, TemplateError, type RenderedChart } from '../helpers/helm-template.js';
import { kubeSchemaErrors, kubeTypeErrors } from '../helpers/kube-schemas.js';
import { paveVariableNames } from '../helpers/pave-env.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const chartDir = `${root}deploy/helm/pave`;
const production = load(readFileSync(`${chartDir}/values-production.yaml`, 'utf8')) as Record<string, unknown>;

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const renders: Record<string, RenderedChart> = {
  default: renderChart(chartDir),
  production: renderChart(chartDir, production, { name: 'pave', namespace: 'platform' }),
  'production with the HPA instead of KEDA': renderChart(chartDir, mergeDeep(production, { worker: { autoscaling: { keda: { enabled: false }, hpa: { enabled: true } } } })),
};

function mergeDeep(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' ? mergeDeep(out[k] as Obj, v as Obj) : v;
  return out;
}
const objectsOf = (c: RenderedChart): Obj[] => c.objects.map((o) => o.object as Obj);
const find = (c: RenderedChart, kind: string, nameEnd = ''): Obj[] => objectsOf(c).filter((o) => o.kind === kind && String(o.metadata?.name).endsWith(nameEnd));
const one = (c: RenderedChart, kind: string, nameEnd = ''): Obj => {
  const found = find(c, kind, nameEnd);
  expect(found, `${kind} *${nameEnd}`).toHaveLength(1);
  return found[0]!;
};
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.each(Object.entries(renders))('the chart with %s values', (_label, chart) => {
  it('renders objects that are valid under their Kubernetes schemas, with no unknown fields', () => {
    const objects = objectsOf(chart) as unknown as KubeObject[];
    expect(objects.length).toBeGreaterThanOrEqual(9);
    const errors = objects.flatMap((o) => kubeSchemaErrors(o).map((e) => `${o.kind}/${String(o.metadata.name)}: ${e}`));
    expect(errors).toEqual([]);
    expect(kubeTypeErrors(objects)).toEqual([]);
    for (const o of objects) expect(o.metadata.name, `${o.kind} name`).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('runs both processes as non-root with a read-only root filesystem, resources and probes', () => {
    for (const component of ['web', 'worker']) {
      const d = one(chart, 'Deployment', `-${component}`);
      const pod = d.spec.template.spec as Obj;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.containers).toHaveLength(1);
      const c = pod.containers[0] as Obj;
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.requests.memory).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(c.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
      expect(c.env.find((e: Obj) => e.name === 'PAVE_ROLE').value).toBe(component);
      // Writable paths are volumes: the state mirror and /tmp.
      expect((c.volumeMounts as Obj[]).map((m) => m.mountPath)).toEqual(expect.arrayContaining(['/var/lib/pave', '/tmp']));
      // Every mount has its volume.
      const volumes = (pod.volumes as Obj[]).map((v) => v.name);
      for (const m of c.volumeMounts as Obj[]) expect(volumes).toContain(m.name);
    }
  });

  it('selects its own pods: Deployments, Services, PDBs, NetworkPolicies and the ServiceMonitor', () => {
    const pods: Record<string, Record<string, string>> = {};
    for (const component of ['web', 'worker']) {
      const d = one(chart, 'Deployment', `-${component}`);
      const labels = d.spec.template.metadata.labels as Record<string, string>;
      expect(matches(d.spec.selector.matchLabels, labels)).toBe(true);
      expect(labels['app.kubernetes.io/component']).toBe(component);
      pods[component] = labels;
    }
    const selects = (selector: Record<string, string>) => Object.entries(pods).filter(([, l]) => matches(selector, l)).map(([c]) => c);
    expect(selects(one(chart, 'Service', '-web').spec.selector)).toEqual(['web']);
    for (const pdb of find(chart, 'PodDisruptionBudget')) {
      expect(selects(pdb.spec.selector.matchLabels)).toEqual([String(pdb.metadata.name).endsWith('-web') ? 'web' : 'worker']);
    }
    expect(find(chart, 'PodDisruptionBudget')).toHaveLength(2);
    const policies = find(chart, 'NetworkPolicy');
    expect(policies.map((p) => selects(p.spec.podSelector.matchLabels)).sort()).toEqual([['web'], ['worker']]);
    for (const p of policies) {
      expect(p.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      // Only the http port comes in; DNS goes out.
      expect(p.spec.ingress.flatMap((r: Obj) => r.ports.map((x: Obj) => x.port))).toEqual(['http']);
      expect(p.spec.egress[0].ports).toContainEqual({ port: 53, protocol: 'UDP' });
    }
    const worker = policies.find((p) => String(p.metadata.name).endsWith('-worker'))!;
    expect(worker.spec.ingress[0].from?.length ?? 0, 'the workers are not open to everyone').toBeGreaterThan(0);
    for (const sm of find(chart, 'ServiceMonitor')) {
      const services = find(chart, 'Service').filter((s) => matches(sm.spec.selector.matchLabels, s.metadata.labels));
      expect(services.map((s) => s.metadata.name).sort()).toEqual(['pave-web', 'pave-worker-metrics']);
      for (const s of services) expect(s.spec.ports.map((p: Obj) => p.name)).toContain(sm.spec.endpoints[0].port);
    }
  });

  it('sets only variables pave reads, from the ConfigMap and the existing Secret', () => {
    const known = paveVariableNames();
    const cm = one(chart, 'ConfigMap');
    expect(Object.keys(cm.data).filter((k) => !known.has(k))).toEqual([]);
    expect(cm.data.HOST).toBe('0.0.0.0');
    for (const d of find(chart, 'Deployment')) {
      const c = d.spec.template.spec.containers[0] as Obj;
      const names = (c.env as Obj[]).map((e) => e.name as string);
      const extra = new Set(((chart.values.extraEnv ?? []) as Obj[]).map((e) => e.name as string));
      expect(names.filter((n) => !known.has(n) && !extra.has(n))).toEqual([]);
      expect(c.envFrom[0].configMapRef.name).toBe(cm.metadata.name);
      const secretName = (chart.values.secrets as Obj).existingSecret as string;
      for (const e of (c.env as Obj[]).filter((x) => x.valueFrom?.secretKeyRef && !extra.has(x.name))) expect(e.valueFrom.secretKeyRef.name).toBe(secretName);
      // The pod template changes when the configuration does (a rollout picks it up).
      expect(d.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
      // File variables point into the mounted Secret.
      const mount = (c.volumeMounts as Obj[]).find((m) => m.name === 'credentials');
      for (const e of (c.env as Obj[]).filter((x) => /_(PATH|FILE)$/.test(x.name))) expect(String(e.value).startsWith(`${mount!.mountPath}/`)).toBe(true);
    }
  });

  it('scales the workers on queue depth when autoscaling is on, and not by a fixed replica count then', () => {
    const worker = one(chart, 'Deployment', '-worker');
    const scaled = find(chart, 'ScaledObject');
    const hpa = find(chart, 'HorizontalPodAutoscaler');
    if (scaled.length + hpa.length === 0) {
      expect(worker.spec.replicas).toBe(1);
      return;
    }
    expect(worker.spec.replicas).toBeUndefined();
    for (const s of scaled) {
      expect(s.spec.scaleTargetRef.name).toBe(worker.metadata.name);
      expect(s.spec.minReplicaCount).toBeLessThanOrEqual(s.spec.maxReplicaCount); // the CRD's CEL rule
      const lists = (s.spec.triggers as Obj[]).map((t) => t.metadata.listName as string);
      expect(lists.sort()).toEqual(Object.values(QUEUE_NAMES).map((q) => `bull:${q}:wait`).sort());
      for (const t of s.spec.triggers as Obj[]) expect(t.type).toBe('redis');
    }
    for (const h of hpa) {
      expect(h.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: worker.metadata.name });
      expect(h.spec.metrics[0].external.metric.name).toBe('pave_queue_depth');
    }
  });
});

describe('the chart', () => {
  it('renders the production example with its image digest, ingress, Secret-held Redis URL and extra variables', () => {
    const chart = renders.production!;
    const web = one(chart, 'Deployment', '-web').spec.template.spec.containers[0] as Obj;
    expect(web.image).toBe('registry.acme-bank.example/platform/pave@sha256:4f9d8c0a7b3e2d1c6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e');
    expect(web.env.find((e: Obj) => e.name === 'REDIS_URL').valueFrom.secretKeyRef).toEqual({ name: 'pave-credentials', key: 'redis-url' });
    expect(one(chart, 'ConfigMap').data.REDIS_URL).toBeUndefined();
    expect(web.env.map((e: Obj) => e.name)).toContain('PAVE_PG_ADMIN_USER');
    const ingress = one(chart, 'Ingress');
    expect(ingress.spec.rules[0].host).toBe('pave.acme-bank.example');
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe(one(chart, 'Service', '-web').metadata.name);
    expect(ingress.spec.tls[0].secretName).toBe('pave-tls');
    // /metrics behind the pages' token: Prometheus sends it.
    expect(one(chart, 'ServiceMonitor').spec.endpoints[0].authorization).toEqual({ type: 'Bearer', credentials: { name: 'pave-credentials', key: 'ui-token' } });
    expect(web.env.find((e: Obj) => e.name === 'PAVE_UI_TOKEN').valueFrom.secretKeyRef).toEqual({ name: 'pave-credentials', key: 'ui-token' });
  });

  it('uses the default image tag of the chart and no Ingress, ServiceMonitor or autoscaler by default', () => {
    const chart = renders.default!;
    expect(one(chart, 'Deployment', '-web').spec.template.spec.containers[0].image).toBe('pave:0.1.0');
    for (const kind of ['Ingress', 'ServiceMonitor', 'ScaledObject', 'HorizontalPodAutoscaler']) expect(find(chart, kind)).toEqual([]);
  });

  it('refuses values it cannot deploy, with a message naming the value', () => {
    expect(() => renderChart(chartDir, { secrets: { existingSecret: '' } })).toThrow(/secrets\.existingSecret/);
    expect(() => renderChart(chartDir, { worker: { autoscaling: { keda: { enabled: true, redisAddress: '' } } } })).toThrow(/redisAddress/);
    expect(() => renderChart(chartDir, { worker: { autoscaling: { keda: { enabled: true, redisAddress: 'r:6379' }, hpa: { enabled: true } } } })).toThrow(TemplateError);
  });

  it('is validated for real: a wrong type or an unknown field in the values reaches the schemas', () => {
    const wrongType = objectsOf(renderChart(chartDir, { securityContext: { allowPrivilegeEscalation: 'no' } })) as unknown as KubeObject[];
    expect(wrongType.flatMap((o) => kubeSchemaErrors(o)).join('\n')).toMatch(/allowPrivilegeEscalation/);
    const unknownField = objectsOf(renderChart(chartDir, { securityContext: { readOnlyRootFS: true } })) as unknown as KubeObject[];
    expect(kubeTypeErrors(unknownField).join('\n')).toMatch(/readOnlyRootFS/);
    const badMonitor = renderChart(chartDir, { metrics: { serviceMonitor: { enabled: true, interval: 30 } } });
    expect(find(badMonitor, 'ServiceMonitor').flatMap((o) => kubeSchemaErrors(o as unknown as KubeObject)).join('\n')).toMatch(/interval/);
  });

  it('changes the config checksum when the configuration changes', () => {
    const sum = (c: RenderedChart) => one(c, 'Deployment', '-web').spec.template.metadata.annotations['checksum/config'] as string;
    expect(sum(renderChart(chartDir, { env: { LOG_LEVEL: 'debug' } }))).not.toBe(sum(renders.default!));
  });

  it('has values that its values.schema.json accepts, and a schema that refuses unknown keys', () => {
    const schema = JSON.parse(readFileSync(`${chartDir}/values.schema.json`, 'utf8')) as Record<string, unknown>;
    const { $schema: _dialect, ...body } = schema;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(body);
    for (const [label, chart] of Object.entries(renders)) expect(validate(chart.values) ? [] : validate.errors, label).toEqual([]);
    expect(validate({ ...renders.default!.values, wrker: {} })).toBe(false);
    expect(validate(mergeDeep(renders.default!.values as Obj, { env: { PAVE_NO_SUCH_VARIABLE: 'x' } }))).toBe(false);
    // The env keys the schema allows are variables pave reads.
    const allowed = Object.keys(((schema.properties as Obj).env as Obj).properties as Obj);
    const known = paveVariableNames();
    expect(allowed.filter((k) => !known.has(k))).toEqual([]);
  });
});
