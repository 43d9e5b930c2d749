/**
 * Turn a descriptor file that passed validation into the {@link ComponentDescriptor} model: one
 * endpoint shape for every file kind (legacy `context` → `basePath`, `networkVisibility` →
 * `[it]`, missing visibilities → `[Public]`, missing base path → `/`), parsed connection
 * references, env sources and configuration files, and pave's own keys with their defaults.
 * Values are cast as Choreo casts them (`port: "8080"` is 8080).
 */
import type {
  ComponentDescriptor, Connection, DescriptorKind, Endpoint, EndpointType, EnvSource, EnvVarConfig, FileConfig, ProxySpec, Visibility,
} from '../../domain/component.js';
import type { SourcePosition } from '../../domain/diagnostic.js';
import type { YamlDocument } from '../yaml/parse-yaml.js';
import { PROXY_TYPES } from './check-proxy.js';
import type { PaveExtensions } from './pave-extensions.js';
import { parseResourceRef, parseServiceReferenceName } from './resource-ref.js';
import type { SchemaVersion } from './validate-component-yaml.js';
import { castBoolean, castNumber, castString, isPlainMap } from './yup-coercion.js';

export interface NormalizeInput {
  readonly doc: YamlDocument;
  readonly kind: DescriptorKind;
  readonly root: string;
  readonly sourceFile: string;
  readonly schemaVersion: string;
  /** component.yaml only. */
  readonly version?: SchemaVersion;
  readonly pave: PaveExtensions;
}

type Path = readonly (string | number)[];

/** Build the descriptor of a file that has no errors. */
export function normalizeDescriptor(input: NormalizeInput): ComponentDescriptor {
  const { doc, kind, pave } = input;
  const map = isPlainMap(doc.value) ? doc.value : {};
  const spec = isPlainMap(map.spec) ? map.spec : {};
  const outbound = isPlainMap(spec.outbound) ? spec.outbound : {};
  const dependencies = isPlainMap(map.dependencies) ? map.dependencies : {};
  const version = input.version ?? 1;

  const endpoints =
    kind === 'component.yaml' ? list(map.endpoints).map(readEndpoint)
    : kind === 'endpoints.yaml' ? list(map.endpoints).map(readLegacyEndpoint)
    : list(spec.inbound).map(readLegacyEndpoint);

  const connections: Connection[] = [];
  if (kind === 'component.yaml' && version !== 1) connections.push(...list(dependencies.connectionReferences).map(readConnectionReference));
  const serviceReferences = kind === 'component-config.yaml' ? outbound.serviceReferences : kind === 'component.yaml' ? dependencies.serviceReferences : undefined;
  connections.push(...list(serviceReferences).map(readServiceReference));

  const configKey = map.configurations !== undefined ? 'configurations' : 'configuration';
  const config = kind === 'component.yaml' && version !== 1 && isPlainMap(map[configKey]) ? map[configKey] : {};
  const env = list(config.env).map(readEnv);
  const files = version === 1.2 ? list(config.file).flatMap(readFile) : [];
  const proxy = kind === 'component.yaml' ? readProxy(map.proxy) : undefined;

  return {
    root: input.root,
    sourceFile: input.sourceFile,
    kind,
    schemaVersion: input.schemaVersion,
    name: pave.name,
    type: pave.type,
    ...(pave.build ? { build: pave.build } : {}),
    resources: pave.resources,
    deploy: pave.deploy,
    endpoints,
    connections,
    env,
    files,
    ...(proxy ? { proxy } : {}),
    locate: locator(doc, kind, configKey),
  };
}

function list(raw: unknown): Record<string, unknown>[] {
  return Array.isArray(raw) ? raw.filter(isPlainMap) : [];
}

function text(raw: unknown): string | undefined {
  const cast = castString(raw);
  return cast.kind === 'ok' ? cast.value : undefined;
}

function readEndpoint(ep: Record<string, unknown>): Endpoint {
  const service = isPlainMap(ep.service) ? ep.service : {};
  const port = castNumber(service.port);
  const displayName = text(ep.displayName);
  const schemaFilePath = text(ep.schemaFilePath);
  const visibilities = Array.isArray(ep.networkVisibilities) ? unique(ep.networkVisibilities.map((v) => String(v) as Visibility)) : [];
  return {
    name: text(ep.name) ?? '',
    ...(displayName !== undefined ? { displayName } : {}),
    port: port.kind === 'ok' ? port.value : 0,
    basePath: text(service.basePath) || '/',
    type: text(ep.type) as EndpointType,
    visibilities: visibilities.length > 0 ? visibilities : ['Public'],
    ...(schemaFilePath ? { schemaFilePath } : {}),
  };
}

function readLegacyEndpoint(ep: Record<string, unknown>): Endpoint {
  const port = castNumber(ep.port);
  const schemaFilePath = text(ep.schemaFilePath);
  const visibility = text(ep.networkVisibility) as Visibility | undefined;
  return {
    name: text(ep.name) ?? '',
    port: port.kind === 'ok' ? port.value : 0,
    basePath: text(ep.context) || '/',
    type: text(ep.type) as EndpointType,
    visibilities: [visibility ?? 'Public'],
    ...(schemaFilePath ? { schemaFilePath } : {}),
  };
}

// Only files without errors are normalized, so every reference parses; the fallbacks below only
// keep the types total.
function readConnectionReference(ref: Record<string, unknown>): Connection {
  const resourceRef = text(ref.resourceRef) ?? '';
  const parsed = parseResourceRef(resourceRef);
  return {
    name: (text(ref.name) ?? '').trim(),
    resourceRef,
    ref: parsed.ok ? parsed.ref : { kind: 'storage', name: resourceRef },
    legacy: false,
  };
}

function readServiceReference(ref: Record<string, unknown>): Connection {
  const name = text(ref.name) ?? '';
  const parsed = parseServiceReferenceName(name);
  return {
    name,
    resourceRef: name,
    ref: parsed.ok ? parsed.ref : { kind: 'storage', name },
    envRenames: list(ref.env).map((e) => ({ from: text(e.from) ?? '', to: text(e.to) ?? '' })),
    legacy: true,
  };
}

function readEnv(env: Record<string, unknown>): EnvVarConfig {
  return { name: text(env.name) ?? '', source: readSource(env) };
}

// One source per variable; with several (pave warns), the first of value, connectionRef,
// configGroupRef, configForm wins.
function readSource(env: Record<string, unknown>): EnvSource {
  const value = text(env.value);
  if (value) return { kind: 'value', value };
  const from = isPlainMap(env.valueFrom) ? env.valueFrom : {};
  if (isPlainMap(from.connectionRef)) {
    return { kind: 'connectionRef', connection: (text(from.connectionRef.name) ?? '').trim(), key: text(from.connectionRef.key) ?? '' };
  }
  if (isPlainMap(from.configGroupRef)) {
    return { kind: 'configGroupRef', group: text(from.configGroupRef.name) ?? '', key: text(from.configGroupRef.key) ?? '' };
  }
  const form = isPlainMap(from.configForm) ? from.configForm : {};
  const required = castBoolean(form.required);
  const displayName = text(form.displayName);
  return {
    kind: 'configForm',
    ...(displayName !== undefined ? { displayName } : {}),
    required: required.kind === 'ok' ? required.value : true,
    type: text(form.type) ?? 'string',
  };
}

function readFile(file: Record<string, unknown>): FileConfig[] {
  const name = text(file.name);
  const mountPath = text(file.mountPath);
  const type = text(file.type);
  if (!name || !mountPath || !type) return [];
  return [{ name, mountPath, type, values: file.values ?? [] }];
}

function readProxy(raw: unknown): ProxySpec | undefined {
  if (!isPlainMap(raw)) return undefined;
  const type = text(raw.type);
  const schemaFilePath = text(raw.schemaFilePath);
  if (!type || !PROXY_TYPES.includes(type) || !schemaFilePath) return undefined;
  const visibilities = Array.isArray(raw.networkVisibilities)
    ? unique(raw.networkVisibilities.filter((v): v is Visibility => v === 'Public' || v === 'Organization'))
    : [];
  return { type, schemaFilePath, visibilities: visibilities.length > 0 ? visibilities : ['Public'] };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/**
 * The descriptor's `locate` takes paths in component.yaml's shape and finds them in the file as
 * written: legacy endpoints keep `port` and `context` beside the name, component-config.yaml nests
 * endpoints in `spec.inbound` and references in `spec.outbound`, and `configuration` may stand
 * for `configurations`.
 */
function locator(doc: YamlDocument, kind: DescriptorKind, configKey: string): (path: Path) => SourcePosition {
  return (path) => doc.locate(translate(path, kind, configKey));
}

function translate(path: Path, kind: DescriptorKind, configKey: string): Path {
  const [head, ...rest] = path;
  if (kind === 'component.yaml') return head === 'configurations' ? [configKey, ...rest] : path;
  if (head === 'endpoints') {
    const [index, field, sub, ...more] = rest;
    const legacyField =
      field === 'service' ? (sub === 'basePath' ? 'context' : sub === 'port' ? 'port' : undefined)
      : field === 'networkVisibilities' ? 'networkVisibility'
      : field;
    const inner: Path = index === undefined ? [] : legacyField === undefined ? [index] : field === 'service' ? [index, legacyField, ...more] : [index, legacyField, ...(sub === undefined ? [] : [sub]), ...more];
    return kind === 'endpoints.yaml' ? ['endpoints', ...inner] : ['spec', 'inbound', ...inner];
  }
  if (kind === 'component-config.yaml' && head === 'dependencies' && rest[0] === 'serviceReferences') {
    return ['spec', 'outbound', ...rest];
  }
  return path;
}
