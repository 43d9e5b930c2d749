/**
 * The new image's config and manifest, from the base image's and the spec (pure, deterministic:
 * fixed key order, sorted maps, a fixed `created`).
 */
import type { ImageConfigSpec, ImagePlatform } from '../../domain/build.js';
import { TerminalError } from '../../domain/errors.js';
import { MEDIA_TYPES } from './registry-client.js';
import { LAYER_MEDIA_TYPE } from './layer.js';

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly os?: string; readonly architecture?: string; readonly variant?: string };
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The parts of an image config pave reads or writes; anything else in the base is kept. */
export interface ImageConfig {
  readonly architecture?: string;
  readonly os?: string;
  readonly variant?: string;
  readonly created?: string;
  readonly config?: Readonly<Record<string, unknown>>;
  readonly rootfs?: { readonly type: string; readonly diff_ids: readonly string[] };
  readonly history?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly [key: string]: unknown;
}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

/** Docker's layer media types have OCI equivalents with the same bytes. */
const LAYER_TYPE_MAP: Readonly<Record<string, string>> = {
  'application/vnd.docker.image.rootfs.diff.tar.gzip': LAYER_MEDIA_TYPE,
  'application/vnd.docker.image.rootfs.diff.tar': 'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
};

/** Parse and check a single-platform manifest (OCI or Docker schema 2). */
export function parseImageManifest(bytes: Buffer, where: string): ImageManifest {
  const json = parseJson(bytes, where) as Partial<ImageManifest>;
  if (json.schemaVersion !== 2 || typeof json.config !== 'object' || !Array.isArray(json.layers)) {
    throw new TerminalError(`${where}: not an image manifest (schemaVersion 2 with config and layers)`);
  }
  for (const d of [json.config, ...json.layers]) checkDescriptor(d, where);
  return json as ImageManifest;
}

/** From an image index or manifest list, the descriptor of `platform`'s manifest. */
export function selectPlatform(bytes: Buffer, platform: ImagePlatform, where: string): Descriptor {
  const json = parseJson(bytes, where) as { manifests?: unknown };
  if (!Array.isArray(json.manifests)) throw new TerminalError(`${where}: an image index without manifests`);
  const manifests = json.manifests as Descriptor[];
  for (const d of manifests) checkDescriptor(d, where);
  const matches = manifests.filter(
    (d) => d.platform?.os === platform.os && d.platform?.architecture === platform.architecture
      && (platform.variant === undefined || d.platform?.variant === platform.variant),
  );
  const chosen = matches.find((d) => d.platform?.variant === platform.variant) ?? matches[0];
  if (!chosen) {
    const have = manifests.map((d) => [d.platform?.os, d.platform?.architecture, d.platform?.variant].filter(Boolean).join('/')).join(', ');
    throw new TerminalError(`${where}: no manifest for ${platformName(platform)} in the index (it has: ${have || 'none'})`);
  }
  return chosen;
}

export function platformName(platform: ImagePlatform): string {
  return [platform.os, platform.architecture, platform.variant].filter((p) => p !== undefined).join('/');
}

export interface ComposeInput {
  readonly base: ImageConfig;
  readonly spec: ImageConfigSpec;
  readonly created: string;
  readonly layerDiffId: string;
  readonly layerDigest: string;
}

/** The new image config: the base's, with the spec applied and one more layer. */
export function composeConfig(input: ComposeInput): ImageConfig {
  const { base, spec } = input;
  const baseConfig = (base.config ?? {}) as Record<string, unknown>;
  const env = mergeEnv(asStringArray(baseConfig['Env']), spec.env);
  const ports = sortedKeys({ ...(asObject(baseConfig['ExposedPorts']) ?? {}), ...Object.fromEntries(spec.exposedPorts.map((p) => [normalizePort(p), {}])) });
  const labels = sortedKeys({ ...(asStringRecord(baseConfig['Labels']) ?? {}), ...spec.labels });
  const { Env: _e, Entrypoint: _ep, Cmd: _c, ExposedPorts: _p, WorkingDir: _w, User: _u, Labels: _l, ...restConfig } = baseConfig;
  const config: Record<string, unknown> = {
    ...sortedKeys(restConfig),
    User: spec.user,
    ExposedPorts: ports,
    Env: env,
    Entrypoint: [...spec.entrypoint],
    ...(spec.cmd !== undefined ? { Cmd: [...spec.cmd] } : {}),
    WorkingDir: spec.workingDir,
    Labels: labels,
  };
  const diffIds = [...(base.rootfs?.diff_ids ?? []), input.layerDiffId];
  const history = [
    ...(base.history ?? []),
    { created: input.created, created_by: `pave: ${spec.workingDir} from the build output`, comment: input.layerDigest },
  ];
  const { created: _cr, config: _cf, rootfs: _r, history: _h, architecture, os, variant, ...rest } = base;
  return {
    ...sortedKeys(rest),
    created: input.created,
    architecture: architecture ?? 'amd64',
    os: os ?? 'linux',
    ...(variant !== undefined ? { variant } : {}),
    config,
    rootfs: { type: 'layers', diff_ids: diffIds },
    history,
  };
}

/** The new manifest: the base's layers (Docker media types mapped to OCI) plus the new layer. */
export function composeManifest(
  base: ImageManifest, config: { digest: string; size: number }, layer: { digest: string; size: number },
  annotations: Readonly<Record<string, string>>,
): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, digest: config.digest, size: config.size },
    layers: [
      ...base.layers.map((l) => ({ mediaType: LAYER_TYPE_MAP[l.mediaType] ?? l.mediaType, digest: l.digest, size: l.size })),
      { mediaType: LAYER_MEDIA_TYPE, digest: layer.digest, size: layer.size },
    ],
    ...(Object.keys(annotations).length > 0 ? { annotations: sortedKeys(annotations) } : {}),
  };
}

/** Canonical bytes: JSON without whitespace, in the key order built above. */
export function toBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function mergeEnv(base: readonly string[], overrides: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const item of base) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(Object.hasOwn(overrides, key) ? `${key}=${overrides[key]}` : item);
  }
  for (const key of Object.keys(overrides).sort()) {
    if (!seen.has(key)) out.push(`${key}=${overrides[key]}`);
  }
  return out;
}

function normalizePort(port: string): string {
  return port.includes('/') ? port : `${port}/tcp`;
}

function sortedKeys<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k] as T]));
}

function asStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function asStringRecord(value: unknown): Record<string, string> | undefined {
  const o = asObject(value);
  return o ? Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => typeof e[1] === 'string')) : undefined;
}

function parseJson(bytes: Buffer, where: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new TerminalError(`${where}: not JSON`);
  }
}

function checkDescriptor(d: unknown, where: string): void {
  const desc = d as Partial<Descriptor> | null;
  if (typeof desc !== 'object' || desc === null || typeof desc.mediaType !== 'string' || typeof desc.digest !== 'string'
    || !DIGEST_RE.test(desc.digest) || typeof desc.size !== 'number' || !Number.isSafeInteger(desc.size) || desc.size < 0) {
    throw new TerminalError(`${where}: a descriptor without a valid mediaType, sha256 digest and size`);
  }
}
