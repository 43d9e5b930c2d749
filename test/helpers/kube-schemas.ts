/**
 * Validation of rendered Kubernetes objects against Kubernetes' published schemas, offline:
 *
 * - core kinds with `kubernetes-models` (a devDependency): validators generated from the
 *   Kubernetes OpenAPI specification (types, formats, enums, required fields) — `kubeSchemaErrors`;
 * - the same kinds against its TypeScript types, with the objects written as fresh object
 *   literals so that every unknown field is an error (OpenAPI schemas allow them; the API server
 *   drops or refuses them) — `kubeTypeErrors`;
 * - SealedSecret against the openAPIV3Schema of Bitnami's CRD
 *   (`test/fixtures/kubernetes/sealedsecret-v1alpha1.schema.json`, source in its `$comment`),
 *   with structural pruning emulated: an unknown field is an error there too.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type AnySchema } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
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
};

const sealedSecretSchema = JSON.parse(readFileSync(`${root}test/fixtures/kubernetes/sealedsecret-v1alpha1.schema.json`, 'utf8')) as Record<string, unknown>;

let sealedValidator: ReturnType<Ajv['compile']> | undefined;

/** Schema errors of one object (`[]`: valid), as `path message` strings. */
export function kubeSchemaErrors(object: KubeObject): string[] {
  if (object.kind === 'SealedSecret') {
    if (object.apiVersion !== 'bitnami.com/v1alpha1') return [`apiVersion ${object.apiVersion} is not bitnami.com/v1alpha1`];
    sealedValidator ??= sealedSecretAjv().compile(pruned(withoutComment(sealedSecretSchema)) as AnySchema);
    return sealedValidator(object) ? [] : (sealedValidator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
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
function sealedSecretAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  for (const keyword of ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource', 'x-kubernetes-list-type', 'x-kubernetes-map-type']) {
    ajv.addKeyword({ keyword, schemaType: ['boolean', 'string'] });
  }
  return ajv;
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
