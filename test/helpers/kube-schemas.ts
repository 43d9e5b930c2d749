/**
 * Validation of rendered Kubernetes objects against Kubernetes' published schemas, offline:
 *
 * - core kinds with `kubernetes-models` (a devDependency): validators generated from the
 *   Kubernetes OpenAPI specification (types, formats, enums, required fields) — `kubeSchemaErrors`;
 * - the same kinds against its TypeScript types, with the objects written as fresh object
 *   literals so that every unknown field is an error (OpenAPI schemas allow them; the API server
 *   drops or refuses them) — `kubeTypeErrors`;
 * - custom resources against the openAPIV3Schema of their CRDs (`CRD_SCHEMAS`: SealedSecret,
 *   ServiceMonitor, ScaledObject, Argo CD Application, Flux Kustomization and GitRepository, each
 *   vendored in `test/fixtures/kubernetes/` with its source in its `$comment`), with structural
 *   pruning emulated: an unknown field is an error there too.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type AnySchema } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import ts from 'typescript';
import type { KubeObject } from '../../src/render/manifests/index.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Model { validate(): void }
type ModelClass = (new (data: never) => Model) & { apiVersion: string; kind: string };

/** The kinds pave renders, by kind: the model class and its TypeScript interface's module. */
export const CORE_KINDS: Readonly<Record<string, { model: ModelClass; types: string }>> = {
  Deployment: { model: Deployment as unknown as ModelClass, types: 'kubernetes-models/apps/v1/Deployment' },
  CronJob: { model: CronJob as unknown as ModelClass, types: 'kubernetes-models/batch/v1/CronJob' },
  NetworkPolicy: { model: NetworkPolicy as unknown as ModelClass, types: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy' },
  ConfigMap: { model: ConfigMap as unknown as ModelClass, types: 'kubernetes-models/v1/ConfigMap' },
  Namespace: { model: Namespace as unknown as ModelClass, types: 'kubernetes-models/v1/Namespace' },
  Service: { model: Service as unknown as ModelClass, types: 'kubernetes-models/v1/Service' },
  ServiceAccount: { model: ServiceAccount as unknown as ModelClass, types: 'kubernetes-models/v1/ServiceAccount' },
  Ingress: { model: Ingress as unknown as ModelClass, types: 'kubernetes-models/networking.k8s.io/v1/Ingress' },
  PodDisruptionBudget: { model: PodDisruptionBudget as unknown as ModelClass, types: 'kubernetes-models/policy/v1/PodDisruptionBudget' },
  HorizontalPodAutoscaler: { model: HorizontalPodAutoscaler as unknown as ModelClass, types: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler' },
};

/** Custom resources by kind: their apiVersion and the vendored openAPIV3Schema of their CRD. */
export const CRD_SCHEMAS: Readonly<Record<string, { apiVersion: string; file: string }>> = {
  SealedSecret: { apiVersion: 'bitnami.com/v1alpha1', file: 'sealedsecret-v1alpha1.schema.json' },
  ServiceMonitor: { apiVersion: 'monitoring.coreos.com/v1', file: 'servicemonitor-v1.schema.json' },
  ScaledObject: { apiVersion: 'keda.sh/v1alpha1', file: 'scaledobject-v1alpha1.schema.json' },
  Application: { apiVersion: 'argoproj.io/v1alpha1', file: 'argocd-application-v1alpha1.schema.json' },
  Kustomization: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', file: 'flux-kustomization-v1.schema.json' },
  GitRepository: { apiVersion: 'source.toolkit.fluxcd.io/v1', file: 'flux-gitrepository-v1.schema.json' },
};

const crdValidators = new Map<string, ReturnType<Ajv['compile']>>();
let crdAjv: Ajv | undefined;

/** Schema errors of one object (`[]`: valid), as `path message` strings. */
export function kubeSchemaErrors(object: KubeObject): string[] {
  const crd = CRD_SCHEMAS[object.kind];
  if (crd) {
    if (object.apiVersion !== crd.apiVersion) return [`apiVersion ${object.apiVersion} is not ${crd.apiVersion}`];
    let validate = crdValidators.get(object.kind);
    if (!validate) {
      const schema = JSON.parse(readFileSync(`${root}test/fixtures/kubernetes/${crd.file}`, 'utf8')) as Record<string, unknown>;
      crdAjv ??= structuralAjv();
      validate = crdAjv.compile(pruned(withMetadata(withoutComment(schema))) as AnySchema);
      crdValidators.set(object.kind, validate);
    }
    return validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  }
  const kind = CORE_KINDS[object.kind];
  if (!kind) return [`no schema for kind ${object.kind}`];
  if (object.apiVersion !== kind.model.apiVersion) return [`apiVersion ${object.apiVersion} is not ${kind.model.apiVersion}`];
  try {
    new kind.model(object as never).validate();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

/**
 * Type errors of `objects` written as literals of their kinds' Kubernetes API types: unknown
 * fields anywhere in the tree, wrong types, wrong enums. One TypeScript program for all of them.
 */
export function kubeTypeErrors(objects: readonly KubeObject[]): string[] {
  const core = objects.filter((o) => CORE_KINDS[o.kind]);
  const kinds = [...new Set(core.map((o) => o.kind))];
  const source = [
    ...kinds.map((k) => `import type { I${k} } from '${CORE_KINDS[k]!.types}';`),
    ...core.map((o, i) => `export const o${i}: I${o.kind} = ${JSON.stringify(o, null, 1)};`),
  ].join('\n');
  const file = `${root}test/.virtual-kube-objects.ts`;
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, skipLibCheck: true, types: [],
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => (name === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const line = where ? source.split('\n')[where.line]?.trim() : '';
    return `${ts.flattenDiagnosticMessageText(d.messageText, '\n')}${line ? ` (at ${line})` : ''}`;
  });
}

/** ajv for a Kubernetes structural schema: OpenAPI's `nullable` and Kubernetes' `x-kubernetes-*`. */
function structuralAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  for (const keyword of ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource', 'x-kubernetes-list-type', 'x-kubernetes-map-type']) {
    ajv.addKeyword({ keyword, schemaType: ['boolean', 'string'] });
  }
  // Annotations only here: list map keys, and CEL rules (not evaluated: the deploy tests check
  // the few rules of the vendored CRDs — KEDA's min ≤ max replicas, Flux's kubeConfig and
  // serviceAccountName — by assertions of their own).
  ajv.addKeyword({ keyword: 'x-kubernetes-list-map-keys', schemaType: 'array' });
  ajv.addKeyword({ keyword: 'x-kubernetes-validations', schemaType: 'array' });
  return ajv;
}

/**
 * A CRD's schema says only `metadata: { type: object }`; the API server checks metadata as
 * ObjectMeta. Name and labels are checked here (a name is required, labels are strings).
 */
function withMetadata(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
  return {
    ...schema,
    required: [...new Set([...((schema.required as string[] | undefined) ?? []), 'apiVersion', 'kind', 'metadata'])],
    properties: {
      ...properties,
      metadata: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 }, namespace: { type: 'string' }, labels: stringMap, annotations: stringMap },
        'x-kubernetes-preserve-unknown-fields': true,
      },
    },
  };
}

function withoutComment(schema: Record<string, unknown>): Record<string, unknown> {
  const { $comment: _comment, ...rest } = schema;
  return rest;
}

/**
 * The API server prunes fields a structural schema does not name (unless
 * `x-kubernetes-preserve-unknown-fields`): make them errors, so a misspelt field is caught here
 * instead of silently dropped in the cluster.
 */
function pruned(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(pruned);
  if (!schema || typeof schema !== 'object') return schema;
  const s = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'properties'
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([p, c]) => [p, pruned(c)]))
    : pruned(v)]));
  if (s.properties && s.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) s.additionalProperties = false;
  return s;
}
