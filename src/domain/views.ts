/**
 * Read models for the web pages: what runs where (the matrix) and which endpoints exist (the
 * service catalog). Ports only: the state repository adapter answers the first, the planner
 * builds the second (it owns the naming rules), main wires both into the pages.
 */
import type { ReleaseRecord } from './apply.js';
import type { Deployment } from './promotion.js';

/** One cell of the component × environment matrix. */
export interface EnvironmentRelease {
  readonly environment: string;
  readonly project: string;
  readonly component: string;
  /** The release record (`release.json`); absent when only a desired state exists (never applied). */
  readonly release?: ReleaseRecord;
  /** The newest deployment in the component's promotion ledger for that environment (health, how, by). */
  readonly deployment?: Deployment;
}

/** Reads the releases of every component in every environment from the durable record. */
export interface ReleaseReader {
  releases(): Promise<readonly EnvironmentRelease[]>;
}

/** One endpoint of the service catalog as the catalog page shows it. */
export interface CatalogEndpointView {
  readonly project: string;
  readonly component: string;
  /** `owner/name` of the repository that declares it (`platform` for catalog entries). */
  readonly repo: string;
  /** `service` for component endpoints, `thirdparty` for the platform's catalog entries. */
  readonly source: 'service' | 'thirdparty';
  readonly endpoint: string;
  readonly id: string;
  /** `REST`, `GraphQL`, `GRPC`, `TCP`, `UDP`, `WS`; `thirdparty` for catalog entries. */
  readonly type: string;
  readonly visibilities: readonly string[];
  readonly port?: number;
  readonly basePath?: string;
  /** Per visibility a consumer may use: the snippet and the variable names it then gets. */
  readonly snippets: readonly ConnectionSnippet[];
}

export interface ConnectionSnippet {
  /** `Project`, `Organization`, `Public`, or `any` for catalog entries. */
  readonly visibility: string;
  /** Projects that may use this form (`*` for every project). */
  readonly audience: string;
  /** YAML to paste under `dependencies:` of `.choreo/component.yaml`. */
  readonly yaml: string;
  /** Environment variables the consumer gets with the connection name of the snippet. */
  readonly envVars: readonly string[];
}

export interface CatalogView {
  readonly endpoints: readonly CatalogEndpointView[];
  /** Why the catalog may be incomplete (the platform repository did not load …). */
  readonly problems: readonly string[];
}

/** Builds the catalog page's data on demand (main: platform repository + component index). */
export type CatalogViewSource = () => Promise<CatalogView>;
