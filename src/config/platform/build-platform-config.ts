/**
 * Turn validated platform files into the {@link PlatformConfig} model: defaults filled in,
 * `soak: 30m` as minutes, one promotion gate per consecutive pair of a pipeline, command
 * strings as lists, catalog values per environment, sealing certificates read from the tree.
 * Called only when no file had an error, so every value has its schema's shape.
 */
import type { DatabaseEngine } from '../../domain/component.js';
import type {
  BuildPreset,
  CatalogEntry,
  DatabasePlan,
  DatabaseServer,
  Environment,
  Pipeline,
  PlatformConfig,
  PlatformSettings,
  Policy,
  Project,
  PromotionGate,
  SecretRef,
} from '../../domain/platform.js';
import type { SourceTree } from '../../domain/source-tree.js';
import { parseDurationMinutes } from './parse-duration.js';
import type {
  BuildPresetFile,
  CatalogEntryFile,
  DatabasePlansFile,
  EnvironmentFile,
  PipelineFile,
  PlatformFile,
  PolicyFile,
  ProjectFile,
  PromotionFile,
} from './platform-file-shapes.js';
import type { PlatformDocument } from './platform-document.js';
import { readSealingCertificate } from './read-sealing-certificate.js';

/** Namespace pattern when an environment gives none. */
export const DEFAULT_NAMESPACE = '{project}-{environment}';

/**
 * Build the model from the (error-free) documents. Maps keep file order (alphabetical paths),
 * except environments, which follow the default pipeline's order.
 */
export function buildPlatformConfig(documents: readonly PlatformDocument[], tree: SourceTree): PlatformConfig {
  const of = <T>(kind: PlatformDocument['kind']): T[] => documents.filter((d) => d.kind === kind).map((d) => d.doc.value as T);
  const platformFile = of<PlatformFile>('platform')[0];
  if (!platformFile) throw new Error('buildPlatformConfig: platform.yaml is missing; the loader reports this before building');
  const settings = toSettings(platformFile);
  const pipelines = byName(of<PipelineFile>('pipeline').map(toPipeline));
  // Environments in the default pipeline's order (development, staging, production), then the rest.
  const order = pipelines.get(settings.defaults.pipeline)?.environments ?? [];
  const rank = (name: string): number => (order.includes(name) ? order.indexOf(name) : order.length);
  const environments = of<EnvironmentFile>('environment')
    .map((e) => toEnvironment(e, settings, tree))
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e.name) - rank(b.e.name) || a.i - b.i)
    .map(({ e }) => e);
  return {
    settings,
    environments: byName(environments),
    pipelines,
    projects: byName(of<ProjectFile>('project').map((p) => toProject(p, settings))),
    databasePlans: new Map(of<DatabasePlansFile>('database-plans').flatMap(toPlans).map((p) => [p.id, p])),
    buildPresets: byName(of<BuildPresetFile>('build-preset').map(toBuildPreset)),
    policies: of<PolicyFile>('policy').map(toPolicy),
    catalog: new Map(of<CatalogEntryFile>('catalog-entry').map(toCatalogEntry).map((c) => [`${c.name}/${c.version}`, c])),
  };
}

function byName<T extends { readonly name: string }>(items: readonly T[]): ReadonlyMap<string, T> {
  return new Map(items.map((i) => [i.name, i]));
}

function toSettings(f: PlatformFile): PlatformSettings {
  return {
    organization: f.organization,
    githubOwners: f.githubOwners,
    defaultBranch: f.defaultBranch ?? 'main',
    stateRepository: f.stateRepository,
    ...(f.admins ? { admins: f.admins } : {}),
    defaults: { pipeline: f.defaults.pipeline, replicas: f.defaults.replicas ?? 1, resources: f.defaults.resources ?? {} },
  };
}

function toEnvironment(f: EnvironmentFile, settings: PlatformSettings, tree: SourceTree): Environment {
  const servers: Partial<Record<DatabaseEngine, DatabaseServer>> = {};
  for (const [engine, s] of Object.entries(f.databaseServers ?? {}) as [DatabaseEngine, DatabaseServer][]) {
    servers[engine] = { host: s.host, port: s.port, adminUser: s.adminUser, adminPassword: s.adminPassword };
  }
  const certificate = f.sealingCertificate === undefined ? undefined : readSealingCertificate(tree, f.sealingCertificate);
  return {
    name: f.name,
    displayName: f.displayName ?? f.name,
    production: f.production ?? false,
    namespace: f.namespace ?? DEFAULT_NAMESPACE,
    gatewayHost: f.gatewayHost,
    databaseServers: servers,
    registry: { url: f.registry.url, repositoryPrefix: f.registry.repositoryPrefix ?? settings.organization },
    ...(certificate?.ok ? { sealingCertificate: certificate.pem } : {}),
  };
}

function toPipeline(f: PipelineFile): Pipeline {
  const promotions: PromotionGate[] = [];
  for (let i = 0; i + 1 < f.environments.length; i++) {
    const from = f.environments[i]!;
    const to = f.environments[i + 1]!;
    const written = f.promotions?.find((p) => p.from === from && p.to === to);
    promotions.push(toGate(from, to, written));
  }
  return { name: f.name, environments: f.environments, promotions };
}

function toGate(from: string, to: string, f: PromotionFile | undefined): PromotionGate {
  return {
    from,
    to,
    autoPromote: f?.autoPromote ?? false,
    approvals: { count: f?.approvals?.count ?? 0, from: f?.approvals?.from ?? [] },
    soakMinutes: f?.soakMinutes ?? (f?.soak !== undefined ? (parseDurationMinutes(f.soak) ?? 0) : 0),
    freezeWindows: (f?.freezeWindows ?? []).map((w) => ({ name: w.name, start: w.start, end: w.end })),
  };
}

function toProject(f: ProjectFile, settings: PlatformSettings): Project {
  return {
    name: f.name,
    displayName: f.displayName ?? f.name,
    owners: f.owners ?? [],
    repos: f.repos,
    pipeline: f.pipeline ?? settings.defaults.pipeline,
    quotas: { ...f.quotas },
    databasePlans: f.databasePlans ?? [],
  };
}

function toPlans(f: DatabasePlansFile): DatabasePlan[] {
  return f.plans.map((p) => ({
    id: `${f.engine}/${p.name}`,
    engine: f.engine,
    name: p.name,
    connectionLimit: p.connectionLimit,
    ...(p.storageGb !== undefined ? { storageGb: p.storageGb } : {}),
    ...(p.maxMemoryMb !== undefined ? { maxMemoryMb: p.maxMemoryMb } : {}),
  }));
}

function toBuildPreset(f: BuildPresetFile): BuildPreset {
  const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);
  return {
    name: f.name,
    baseImage: f.baseImage,
    ...(f.runtimeImage !== undefined ? { runtimeImage: f.runtimeImage } : {}),
    build: list(f.build),
    test: list(f.test),
    output: f.output ?? '.',
    entrypoint: f.entrypoint ?? [],
    scans: { secrets: f.scans?.secrets ?? true },
  };
}

function toPolicy(f: PolicyFile): Policy {
  return {
    name: f.name,
    description: f.description ?? '',
    severity: f.severity ?? 'error',
    scope: {
      projects: f.scope?.projects ?? [],
      environments: f.scope?.environments ?? [],
      productionOnly: f.scope?.productionOnly ?? false,
    },
    rule: f.rule,
  };
}

function toCatalogEntry(f: CatalogEntryFile): CatalogEntry {
  const keys: Record<string, Record<string, string | SecretRef>> = {};
  for (const [key, value] of Object.entries(f.keys)) keys[key] = typeof value === 'string' ? { '*': value } : { ...value };
  return { name: f.name, version: f.version, description: f.description ?? '', projects: f.projects ?? [], keys };
}
