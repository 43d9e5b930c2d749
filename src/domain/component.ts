/**
 * The component model: what pave understands from a `.choreo/` directory, after reading
 * whichever file Choreo would read (component.yaml > component-config.yaml > endpoints.yaml)
 * and pave's own optional keys. Produced by `config/component`, consumed by the planner.
 */

import type { SourcePosition } from './diagnostic.js';

export const ENDPOINT_TYPES = ['REST', 'GraphQL', 'GRPC', 'TCP', 'UDP', 'WS'] as const;
export type EndpointType = (typeof ENDPOINT_TYPES)[number];

export const VISIBILITIES = ['Public', 'Organization', 'Project'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const COMPONENT_TYPES = ['service', 'web-app', 'scheduled-task', 'manual-task', 'api-proxy', 'event-handler'] as const;
export type ComponentType = (typeof COMPONENT_TYPES)[number];

export const DATABASE_ENGINES = ['postgresql', 'mysql', 'cache'] as const;
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number];

/** Which source file a descriptor came from. */
export type DescriptorKind = 'component.yaml' | 'component-config.yaml' | 'endpoints.yaml';

export interface Endpoint {
  /** Endpoint name; in legacy files it may contain spaces and upper case. */
  readonly name: string;
  readonly displayName?: string;
  readonly port: number;
  /** API context; `/` when absent. */
  readonly basePath: string;
  readonly type: EndpointType;
  /** Never empty: Choreo's default is `[Public]`. */
  readonly visibilities: readonly Visibility[];
  readonly schemaFilePath?: string;
}

/** A parsed `resourceRef` (or legacy `serviceReferences[].name`). */
export type ResourceRef =
  | {
      readonly kind: 'service';
      readonly org?: string;
      readonly project?: string;
      readonly component: string;
      /** Major version as written, e.g. `v1`. */
      readonly version: string;
      /** Endpoint name or 5-hex endpoint id. */
      readonly endpoint?: string;
      readonly visibility?: 'PUBLIC' | 'PROJECT' | 'ORGANIZATION';
    }
  | { readonly kind: 'thirdparty'; readonly name: string; readonly version: string }
  | { readonly kind: 'database'; readonly server?: string; readonly database: string }
  | { readonly kind: 'storage'; readonly name: string };

export interface Connection {
  /** Connection name as written (spaces allowed); env vars derive from it. */
  readonly name: string;
  readonly resourceRef: string;
  readonly ref: ResourceRef;
  /** Legacy v1.0 `serviceReferences`: explicit `{from: key, to: ENV}` renames. */
  readonly envRenames?: readonly { readonly from: string; readonly to: string }[];
  readonly legacy: boolean;
}

export type EnvSource =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'connectionRef'; readonly connection: string; readonly key: string }
  | { readonly kind: 'configGroupRef'; readonly group: string; readonly key: string }
  | {
      readonly kind: 'configForm';
      readonly displayName?: string;
      readonly required: boolean;
      readonly type: string;
    };

export interface EnvVarConfig {
  readonly name: string;
  readonly source: EnvSource;
}

export interface FileConfig {
  readonly name: string;
  readonly mountPath: string;
  readonly type: string;
  /** The `values` tree as written (form definitions). */
  readonly values: unknown;
}

/** A database this component owns: one instance per environment. */
export interface ResourceSpec {
  readonly name: string;
  readonly type: DatabaseEngine;
  /** Plan name within the engine, e.g. `small` (the platform id is `postgresql/small`). */
  readonly plan: string;
}

export interface ContainerResources {
  /** Kubernetes quantity, e.g. `250m`. */
  readonly cpu?: string;
  /** Kubernetes quantity, e.g. `256Mi`. */
  readonly memory?: string;
}

export interface DeployOverride {
  /**
   * Image reference to deploy until pave builds the component (`deploy.image`, or per environment
   * `deploy.env.<name>.image`). Pinned by digest (`name@sha256:<64 hex>`) unless the descriptor
   * drew a warning for a tag.
   */
  readonly image?: string;
  readonly replicas?: number;
  readonly resources?: ContainerResources;
  /** Cron schedule for scheduled tasks. */
  readonly schedule?: string;
  /** Literal environment values. */
  readonly vars?: Readonly<Record<string, string>>;
  /**
   * Values of `configurations.file` entries by file name: the form's value names → values, as
   * written (`deploy.files.<file>`, or per environment `deploy.env.<name>.files.<file>`, merged
   * over the former).
   */
  readonly files?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface DeploySpec extends DeployOverride {
  /** Per-environment overrides keyed by environment name. */
  readonly env: Readonly<Record<string, DeployOverride>>;
}

export interface BuildSpec {
  readonly preset: string;
  /** Relative to the component root; `.` by default. */
  readonly context: string;
}

export interface ProxySpec {
  readonly type: string;
  readonly schemaFilePath: string;
  readonly visibilities: readonly Visibility[];
}

/** One component, as read from one `<root>/.choreo/` directory. */
export interface ComponentDescriptor {
  /** The component root relative to the repository root, `''` for the repository root. */
  readonly root: string;
  /** Path of the file that was read, relative to the repository root. */
  readonly sourceFile: string;
  readonly kind: DescriptorKind;
  /** `1.0`, `1.1`, `1.2`, or the legacy file's version string. */
  readonly schemaVersion: string;
  /** From pave's `component.name`, else the directory name, else the repository name. */
  readonly name: string;
  readonly type: ComponentType;
  readonly build?: BuildSpec;
  readonly resources: readonly ResourceSpec[];
  readonly deploy: DeploySpec;
  readonly endpoints: readonly Endpoint[];
  readonly connections: readonly Connection[];
  readonly env: readonly EnvVarConfig[];
  readonly files: readonly FileConfig[];
  readonly proxy?: ProxySpec;
  /**
   * Where a part of the source file sits (path into the file as written, e.g.
   * `['dependencies', 'connectionReferences', 0, 'resourceRef']`), so later stages can report
   * `file:line:column`. Absent for descriptors built in code.
   */
  readonly locate?: (path: readonly (string | number)[]) => SourcePosition;
}

/** A component located in a repository: the planner's unit of work. */
export interface LocatedComponent {
  /** `owner/name` of the repository. */
  readonly repo: string;
  readonly descriptor: ComponentDescriptor;
}
