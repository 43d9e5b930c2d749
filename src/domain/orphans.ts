/**
 * Orphaned databases: databases a component no longer declares. pave never drops data on an
 * apply; it records the database here instead (`environments/<env>/<project>/<component>/orphans.json`
 * in the state repository, in the apply's own commit) and keeps its encrypted password, so that
 *
 * - every later plan still shows it, as retained, with the date it was orphaned;
 * - a resource declared again under the same name is adopted again, data intact;
 * - `/pave delete-database` — an explicit, authorized action — can delete it for good.
 */
import type { DesiredDatabase, DesiredState } from './plan.js';

/** A database no longer declared, with the apply that stopped declaring it. */
export interface OrphanedDatabase extends DesiredDatabase {
  /** When that apply's triggering event arrived (ISO-8601). */
  readonly since: string;
  /** The merged commit that no longer declared it. */
  readonly sourceSha: string;
  /** Who pushed it. */
  readonly actor: string;
}

/** An orphan that was deleted: the audit trail, and what a retried deletion replies with. */
export interface DeletedDatabase extends OrphanedDatabase {
  /** ISO-8601. */
  readonly deletedAt: string;
  readonly deletedBy: string;
  /** The comment that asked for it (`https://github.com/…#issuecomment-…`). */
  readonly request: string;
  /** That comment's id: a retried deletion of the same request finds its record here. */
  readonly requestId: number;
  /** What the provider removed, in words (empty when it was already gone). */
  readonly changed: readonly string[];
}

/** `orphans.json`. */
export interface OrphanFile {
  /** Current orphans, by name. */
  readonly databases: readonly OrphanedDatabase[];
  /** The most recent deletions, newest last (bounded). */
  readonly deleted: readonly DeletedDatabase[];
}

/** What the state repository recorded for one (component, environment): the last applied desired state and its orphans. */
export interface CurrentState extends DesiredState {
  readonly orphans?: readonly OrphanedDatabase[];
}
