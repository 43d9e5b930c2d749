/**
 * The platform model: what the platform team's repository says, after every file was
 * validated against its JSON Schema and the cross-file rules held. Produced by
 * `config/platform`, consumed by the planner. Everything here is trusted data.
 */
import type { ContainerResources, DatabaseEngine } from './component.js';

/** A reference to a secret held outside the platform repository. Never the secret itself. */
export type SecretRef = { readonly env: string } | { readonly file: string };

export interface PlatformSettings {
  readonly organization: string;
  /** GitHub owners whose repositories pave serves. */
  readonly githubOwners: readonly string[];
  readonly defaultBranch: string;
  /** `owner/name` of the state repository, or a local path for the embedded default. */
  readonly stateRepository: string;
  /**
   * Platform administrators (`@login`, `@org/team`): who may delete orphaned databases. Absent:
   * users with admin permission on the platform repository.
   */
  readonly admins?: readonly string[];
  /** Values used when neither the descriptor nor an override says otherwise. */
  readonly defaults: {
    readonly pipeline: string;
    readonly replicas: number;
    readonly resources: ContainerResources;
  };
}

export interface DatabaseServer {
  readonly host: string;
  readonly port: number;
  readonly adminUser: SecretRef;
  readonly adminPassword: SecretRef;
}

export interface Environment {
  readonly name: string;
  readonly displayName: string;
  readonly production: boolean;
  /** Namespace pattern with `{project}`, `{component}` and `{environment}` placeholders. */
  readonly namespace: string;
  /** Gateway host for Organization/Public URLs, e.g. `dev.apps.acme-bank.example`. */
  readonly gatewayHost: string;
  readonly databaseServers: Partial<Readonly<Record<DatabaseEngine, DatabaseServer>>>;
  readonly registry: { readonly url: string; readonly repositoryPrefix: string };
  /**
   * PEM of the cluster's sealing certificate (public). The YAML may give a path in the platform
   * repository instead; the loader reads the file, so this is always PEM text.
   */
  readonly sealingCertificate?: string;
}

export interface FreezeWindow {
  readonly name: string;
  /** ISO-8601 instants. */
  readonly start: string;
  readonly end: string;
}

export interface PromotionGate {
  readonly from: string;
  readonly to: string;
  readonly autoPromote: boolean;
  readonly approvals: { readonly count: number; readonly from: readonly string[] };
  /** Minutes the release must have run in `from` before promotion. */
  readonly soakMinutes: number;
  readonly freezeWindows: readonly FreezeWindow[];
}

export interface Pipeline {
  readonly name: string;
  /** Environments in promotion order; the first receives merges. */
  readonly environments: readonly string[];
  /**
   * Exactly one gate per consecutive pair of {@link environments}, in order (`promotions[i]` leads
   * from `environments[i]` to `environments[i + 1]`). A pair the YAML does not mention gets the
   * default gate: manual, no approvals, no soak, no freeze.
   */
  readonly promotions: readonly PromotionGate[];
}

export interface ProjectQuotas {
  readonly maxComponents?: number;
  readonly maxReplicasPerEnvironment?: number;
  readonly maxDatabases?: number;
}

export interface Project {
  readonly name: string;
  readonly displayName: string;
  readonly owners: readonly string[];
  /** `owner/name[/path]` globs (picomatch); see `findProject` in config/platform for the matching rule. */
  readonly repos: readonly string[];
  /** Always set: the loader fills in the platform's `defaults.pipeline`. */
  readonly pipeline: string;
  readonly quotas: ProjectQuotas;
  /** Plan ids `engine/plan` this project may use. */
  readonly databasePlans: readonly string[];
}

export interface DatabasePlan {
  /** `engine/name`, e.g. `postgresql/small`. */
  readonly id: string;
  readonly engine: DatabaseEngine;
  readonly name: string;
  readonly connectionLimit: number;
  readonly storageGb?: number;
  readonly maxMemoryMb?: number;
}

export interface BuildPreset {
  readonly name: string;
  /** Image the build runs in, pinned by digest (`name[:tag]@sha256:…`). */
  readonly baseImage: string;
  /** Image the output runs on, pinned by digest; `baseImage` when absent. */
  readonly runtimeImage?: string;
  readonly build: readonly string[];
  readonly test: readonly string[];
  readonly output: string;
  readonly entrypoint: readonly string[];
  readonly scans: { readonly secrets: boolean };
}

export type PolicyRule =
  | { readonly kind: 'min-replicas'; readonly min: number }
  | { readonly kind: 'max-replicas'; readonly max: number }
  | { readonly kind: 'forbid-visibility'; readonly visibility: 'Public' | 'Organization' }
  | { readonly kind: 'require-owner' }
  | { readonly kind: 'require-resources' }
  | { readonly kind: 'project-quotas' };

export interface Policy {
  readonly name: string;
  readonly description: string;
  /** `error` blocks the plan; `warning` is reported only. */
  readonly severity: 'error' | 'warning';
  /** Empty lists mean "all". */
  readonly scope: {
    readonly projects: readonly string[];
    readonly environments: readonly string[];
    readonly productionOnly: boolean;
  };
  readonly rule: PolicyRule;
}

export interface CatalogEntry {
  readonly name: string;
  /** `v1`, `v2.1` … as used in `thirdparty:<name>/<version>`. */
  readonly version: string;
  readonly description: string;
  /** Projects whose components may connect; empty means every project. */
  readonly projects: readonly string[];
  /**
   * Connection key → environment name (or `*` for every other environment) → a literal value or a
   * secret reference. A single value in the YAML arrives here as `{ '*': value }`.
   */
  readonly keys: Readonly<Record<string, Readonly<Record<string, string | SecretRef>>>>;
}

/** The whole platform repository, validated. */
export interface PlatformConfig {
  readonly settings: PlatformSettings;
  readonly environments: ReadonlyMap<string, Environment>;
  readonly pipelines: ReadonlyMap<string, Pipeline>;
  readonly projects: ReadonlyMap<string, Project>;
  readonly databasePlans: ReadonlyMap<string, DatabasePlan>;
  readonly buildPresets: ReadonlyMap<string, BuildPreset>;
  readonly policies: readonly Policy[];
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
}
