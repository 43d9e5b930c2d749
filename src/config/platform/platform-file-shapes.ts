/**
 * The shapes of platform files as written, after their JSON Schema accepted them. These mirror
 * `schemas/*.schema.json`; optional keys are where the YAML lets the author rely on a default.
 */
import type { ContainerResources, DatabaseEngine } from '../../domain/component.js';
import type { PolicyRule, SecretRef } from '../../domain/platform.js';

export interface PlatformFile {
  organization: string;
  githubOwners: string[];
  defaultBranch?: string;
  stateRepository: string;
  admins?: string[];
  defaults: { pipeline: string; replicas?: number; resources?: ContainerResources };
}

export interface DatabaseServerFile {
  host: string;
  port: number;
  adminUser: SecretRef;
  adminPassword: SecretRef;
}

export interface EnvironmentFile {
  name: string;
  displayName?: string;
  production?: boolean;
  namespace?: string;
  gatewayHost: string;
  databaseServers?: Partial<Record<DatabaseEngine, DatabaseServerFile>>;
  registry: { url: string; repositoryPrefix?: string };
  sealingCertificate?: string;
}

export interface PromotionFile {
  from: string;
  to: string;
  autoPromote?: boolean;
  approvals?: { count?: number; from?: string[] };
  soak?: string;
  soakMinutes?: number;
  freezeWindows?: { name: string; start: string; end: string }[];
}

export interface PipelineFile {
  name: string;
  environments: string[];
  promotions?: PromotionFile[];
}

export interface ProjectFile {
  name: string;
  displayName?: string;
  owners?: string[];
  repos: string[];
  pipeline?: string;
  quotas?: { maxComponents?: number; maxReplicasPerEnvironment?: number; maxDatabases?: number };
  databasePlans?: string[];
}

export interface DatabasePlansFile {
  engine: DatabaseEngine;
  plans: { name: string; connectionLimit: number; storageGb?: number; maxMemoryMb?: number }[];
}

export interface BuildPresetFile {
  name: string;
  baseImage: string;
  runtimeImage?: string;
  build?: string | string[];
  test?: string | string[];
  output?: string;
  entrypoint?: string[];
  scans?: { secrets?: boolean };
}

export interface PolicyFile {
  name: string;
  description?: string;
  severity?: 'error' | 'warning';
  scope?: { projects?: string[]; environments?: string[]; productionOnly?: boolean };
  rule: PolicyRule;
}

export interface CatalogEntryFile {
  name: string;
  version: string;
  description?: string;
  projects?: string[];
  keys: Record<string, string | Record<string, string | SecretRef>>;
}
