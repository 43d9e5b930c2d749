/**
 * Resync and redelivery: the ports of the two scheduled jobs that repair what webhooks missed.
 *
 * - The **resync** re-reads every installation repository's default branch, re-plans each
 *   component against it and the state repository, and asks for an apply where the first
 *   environment's deployed configuration differs from the head's ({@link DriftOutcome}).
 * - The **delivery sweeper** reads the GitHub App's webhook delivery log ({@link DeliveryLog}) and
 *   asks GitHub to redeliver the failed deliveries pave never processed.
 */

/** A repository the resync visits, and the installation that reads it (App mode). */
export interface ResyncRepository {
  readonly repo: string;
  readonly installationId?: number;
}

/** Every repository pave can see (App mode: of every installation), at most `max`. */
export interface RepositoryDirectory {
  list(max: number): Promise<{ readonly repositories: readonly ResyncRepository[]; readonly complete: boolean }>;
}

/**
 * What the resync found for one component:
 * - `in-sync`: the first environment runs the head's configuration (same config hash);
 * - `drifted`: it does not (`not-deployed` or `config-changed`) → an apply at the head;
 * - `held`: drifted, but its first environment is held after a rollback (left alone);
 * - `invalid`: the head does not plan (or a blocking policy); an apply would fail the same way;
 * - `unmanaged`: no project or pipeline claims it, nothing to deploy;
 * - `error`: reading or planning the repository failed (retried on the next resync).
 */
export type DriftOutcome = 'in-sync' | 'drifted' | 'held' | 'invalid' | 'unmanaged' | 'error';
export const DRIFT_OUTCOMES: readonly DriftOutcome[] = ['in-sync', 'drifted', 'held', 'invalid', 'unmanaged', 'error'];

/** One webhook delivery attempt as GitHub's delivery log lists it. */
export interface HookDelivery {
  /** The attempt's id (what a redelivery request names). */
  readonly id: number;
  /** The `X-GitHub-Delivery` id; redeliveries keep it. */
  readonly guid: string;
  readonly deliveredAt: Date;
  readonly redelivery: boolean;
  /** HTTP status pave answered with (0 when GitHub got no answer: a timeout). */
  readonly statusCode: number;
  readonly event: string;
  readonly action: string | null;
  readonly installationId: number | null;
  readonly repositoryId: number | null;
}

/** The GitHub App's webhook delivery log. */
export interface DeliveryLog {
  /**
   * Attempts delivered at or after `since`, newest first, reading at most `maxPages` pages;
   * `complete` is false when the pages ran out before reaching `since`.
   */
  recent(since: Date, maxPages: number): Promise<{ readonly deliveries: readonly HookDelivery[]; readonly complete: boolean }>;
  /** Ask GitHub to send the delivery of attempt `deliveryId` again. */
  redeliver(deliveryId: number): Promise<void>;
}

/** Which delivery ids (`X-GitHub-Delivery`) pave has accepted (its webhook dedupe keys). */
export interface ProcessedDeliveries {
  processed(guids: readonly string[]): Promise<ReadonlySet<string>>;
}

/** Where the last sweep stopped reading the delivery log. */
export interface SweepWatermark {
  get(): Promise<Date | undefined>;
  set(at: Date): Promise<void>;
}
