/**
 * Releases and promotion. A release is one build of one component: (source sha, image digest).
 * It is deployed to the first environment of the component's pipeline on merge and then moves,
 * unchanged, to the next environments — each with its own configuration (so its own config hash)
 * — through the gates the platform team defined (`PromotionGate`).
 *
 * The ledger of one component is the durable record of everything promotion decides: which
 * releases exist, what was deployed where and when, who approved what, which environments are
 * held after a rollback, and which releases were rejected. It lives in the state repository
 * (git), next to the manifests, so the history is the audit trail.
 */

export interface Release {
  /** `r-<sha7>-<digest7>`: stable for the same (source sha, image digest). */
  readonly id: string;
  readonly repo: string;
  readonly sourceSha: string;
  /** `registry/repository@sha256:…`, or an unbuilt placeholder reference. */
  readonly image: string;
  /** ISO-8601, when the release was created (the merge's build). */
  readonly createdAt: string;
  readonly pullRequest?: number;
  /** Who merged (or pushed) the change the release was built from. */
  readonly actor: string;
}

/** One deployment of a release to an environment (the newest is last). */
export interface Deployment {
  readonly releaseId: string;
  readonly configHash: string;
  /** ISO-8601. */
  readonly deployedAt: string;
  readonly by: string;
  readonly how: 'merge' | 'promotion' | 'auto-promotion' | 'rollback' | 'reconcile';
  /**
   * Health of the deployment as last known to pave. `unknown` until something reports it; only
   * `unhealthy` blocks promotion out of the environment (pave cannot see every cluster).
   */
  readonly health: 'healthy' | 'unhealthy' | 'unknown';
}

export interface Approval {
  readonly by: string;
  /** ISO-8601. */
  readonly at: string;
}

export interface Hold {
  readonly by: string;
  readonly at: string;
  readonly reason: string;
}

export interface Rejection {
  readonly by: string;
  readonly at: string;
  readonly reason: string;
}

export interface PromotionLedger {
  readonly project: string;
  readonly component: string;
  /** Oldest first. */
  readonly releases: readonly Release[];
  /** Per environment, deployments oldest first. */
  readonly deployments: Readonly<Record<string, readonly Deployment[]>>;
  /** `approvals[releaseId][environment]`: distinct approvers of promoting that release there. */
  readonly approvals: Readonly<Record<string, Readonly<Record<string, readonly Approval[]>>>>;
  /** Environments where auto-promotion is held (after a rollback) until `/pave unhold`. */
  readonly holds: Readonly<Record<string, Hold>>;
  readonly rejected: Readonly<Record<string, Rejection>>;
  /**
   * Promotions someone asked for that wait for something only a person gives (approvals), per
   * target environment: an approval re-checks them. Cleared when the target gets a deployment.
   */
  readonly pending: Readonly<Record<string, PendingPromotion>>;
}

export interface PendingPromotion {
  readonly releaseId: string;
  readonly by: string;
  readonly at: string;
}

/** What a promotion waits for (none: it may go). */
export type WaitReason =
  | { readonly kind: 'source-not-deployed'; readonly source: string }
  | { readonly kind: 'source-unhealthy'; readonly source: string }
  | { readonly kind: 'soak'; readonly source: string; readonly remainingMs: number }
  | { readonly kind: 'approvals'; readonly have: number; readonly need: number; readonly from: readonly string[] }
  | { readonly kind: 'freeze'; readonly window: string; readonly until: string }
  | { readonly kind: 'held'; readonly by: string; readonly reason: string };

/** Why a promotion can never go (as opposed to waiting). */
export type Refusal =
  | { readonly kind: 'rejected'; readonly by: string; readonly reason: string }
  | { readonly kind: 'not-next'; readonly message: string }
  | { readonly kind: 'unknown-release'; readonly releaseId: string }
  | { readonly kind: 'already-deployed'; readonly releaseId: string };

export type GateVerdict =
  | { readonly state: 'go' }
  | { readonly state: 'wait'; readonly reasons: readonly WaitReason[]; readonly retryAt?: string }
  | { readonly state: 'refused'; readonly refusal: Refusal };
