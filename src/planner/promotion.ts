/**
 * Promotion, decided purely: which release may move to which environment now, what it waits for
 * otherwise, and the ledger updates every decision makes. No I/O: the jobs read the ledger from
 * the state repository, call these functions, and commit what they return.
 *
 * Gates (per target, from the pipeline): the release must be what runs in the source environment
 * (deployed, not marked unhealthy), for at least the soak time; it needs the approvals the gate
 * asks for; no freeze window may be open; and auto-promotion stops at a held environment (after a
 * rollback) until someone unholds it. A rejected release never moves.
 */
import type { Pipeline, PromotionGate } from '../domain/platform.js';
import type {
  Approval, Deployment, GateVerdict, Hold, PendingPromotion, PromotionLedger, Refusal, Rejection, Release, WaitReason,
} from '../domain/promotion.js';
import { sha256 } from './names.js';

/** How much history a ledger keeps: enough to roll back far, bounded so it never grows without end. */
export const MAX_RELEASES = 100;
export const MAX_DEPLOYMENTS_PER_ENVIRONMENT = 50;

/** `r-<sha7>-<digest7>`; for an image without a digest, 7 hex of the reference's hash. */
export function releaseId(sourceSha: string, image: string): string {
  const digest = /@sha256:([0-9a-f]{7,})/.exec(image)?.[1] ?? sha256(image);
  return `r-${sourceSha.slice(0, 7)}-${digest.slice(0, 7)}`;
}

export function emptyLedger(project: string, component: string): PromotionLedger {
  return { project, component, releases: [], deployments: {}, approvals: {}, holds: {}, rejected: {}, pending: {} };
}

export function findRelease(ledger: PromotionLedger, id: string): Release | undefined {
  return ledger.releases.find((r) => r.id === id);
}

/** The deployment currently running in `environment`, if any. */
export function current(ledger: PromotionLedger, environment: string): Deployment | undefined {
  const list = ledger.deployments[environment];
  return list?.[list.length - 1];
}

/** The gate that leads into `target`, and the environment it leads from. */
export function gateInto(pipeline: Pipeline, target: string): { gate: PromotionGate; source: string } | { error: string } {
  const i = pipeline.environments.indexOf(target);
  if (i < 0) return { error: `${target} is not in the ${pipeline.name} pipeline (${pipeline.environments.join(' → ')})` };
  if (i === 0) return { error: `${target} is the first environment of the ${pipeline.name} pipeline: merges deploy there, nothing is promoted into it` };
  return { gate: pipeline.promotions[i - 1]!, source: pipeline.environments[i - 1]! };
}

export interface PromotionQuestion {
  readonly pipeline: Pipeline;
  readonly ledger: PromotionLedger;
  readonly target: string;
  /** Absent: the release running in the source environment. */
  readonly releaseId?: string;
  readonly now: Date;
  /** Auto-promotion (no one asked): only through `autoPromote` gates, and never into a held environment. */
  readonly auto: boolean;
}

export interface PromotionAnswer {
  readonly release?: Release;
  readonly source?: string;
  readonly verdict: GateVerdict;
}

/** May `release` move into `target` now? */
export function evaluatePromotion(q: PromotionQuestion): PromotionAnswer {
  const into = gateInto(q.pipeline, q.target);
  if ('error' in into) return refused({ kind: 'not-next', message: into.error });
  const { gate, source } = into;
  if (q.auto && !gate.autoPromote) return { source, ...refused({ kind: 'not-next', message: `promotion from ${source} to ${q.target} is manual (\`/pave promote ${q.target}\`)` }) };

  const running = current(q.ledger, source);
  const id = q.releaseId ?? running?.releaseId;
  if (!id) return { source, verdict: { state: 'wait', reasons: [{ kind: 'source-not-deployed', source }] } };
  const release = findRelease(q.ledger, id);
  if (!release) return { source, ...refused({ kind: 'unknown-release', releaseId: id }) };
  const rejection = q.ledger.rejected[id];
  if (rejection) return { release, source, ...refused({ kind: 'rejected', by: rejection.by, reason: rejection.reason }) };
  if (current(q.ledger, q.target)?.releaseId === id) return { release, source, ...refused({ kind: 'already-deployed', releaseId: id }) };
  if (!running || running.releaseId !== id) {
    const everThere = (q.ledger.deployments[source] ?? []).some((d) => d.releaseId === id);
    if (!everThere) return { release, source, verdict: { state: 'wait', reasons: [{ kind: 'source-not-deployed', source }] } };
    return { release, source, ...refused({ kind: 'not-next', message: `${id} no longer runs in ${source} (${running?.releaseId ?? 'nothing'} does): promote what runs there, or roll ${q.target} back to an earlier release` }) };
  }

  const reasons: WaitReason[] = [];
  const times: number[] = [];
  if (running.health === 'unhealthy') reasons.push({ kind: 'source-unhealthy', source });
  const soakEnds = Date.parse(running.deployedAt) + gate.soakMinutes * 60_000;
  if (soakEnds > q.now.getTime()) {
    reasons.push({ kind: 'soak', source, remainingMs: soakEnds - q.now.getTime() });
    times.push(soakEnds);
  }
  if (gate.approvals.count > 0) {
    const have = q.ledger.approvals[id]?.[q.target]?.length ?? 0;
    if (have < gate.approvals.count) reasons.push({ kind: 'approvals', have, need: gate.approvals.count, from: gate.approvals.from });
  }
  for (const w of gate.freezeWindows) {
    const start = Date.parse(w.start);
    const end = Date.parse(w.end);
    if (start <= q.now.getTime() && q.now.getTime() < end) {
      reasons.push({ kind: 'freeze', window: w.name, until: w.end });
      times.push(end);
    }
  }
  const hold = q.ledger.holds[q.target];
  if (q.auto && hold) reasons.push({ kind: 'held', by: hold.by, reason: hold.reason });
  if (reasons.length === 0) return { release, source, verdict: { state: 'go' } };
  // Re-check when the last timed wait ends, unless something only a person can give is missing.
  const onlyTimed = reasons.every((r) => r.kind === 'soak' || r.kind === 'freeze');
  const retryAt = onlyTimed && times.length > 0 ? new Date(Math.max(...times)).toISOString() : undefined;
  return { release, source, verdict: { state: 'wait', reasons, ...(retryAt ? { retryAt } : {}) } };
}

function refused(refusal: Refusal): { verdict: GateVerdict } {
  return { verdict: { state: 'refused', refusal } };
}

/** "soak: 12 min left; approvals 1/2" — what the comment and the status say while waiting. */
export function describeWaits(reasons: readonly WaitReason[]): string {
  return reasons.map((r) => {
    switch (r.kind) {
      case 'source-not-deployed': return `not deployed in ${r.source} yet`;
      case 'source-unhealthy': return `${r.source} is unhealthy`;
      case 'soak': return `soak: ${formatDuration(r.remainingMs)} left`;
      case 'approvals': return `approvals ${r.have}/${r.need}${r.from.length > 0 ? ` (${r.from.join(', ')})` : ''}`;
      case 'freeze': return `freeze ${r.window} until ${r.until.replace('T', ' ').replace(/:00(\.000)?Z$/, ' UTC').replace(/Z$/, ' UTC')}`;
      case 'held': return `held by @${r.by} (${r.reason}); \`/pave unhold\` releases it`;
    }
  }).join('; ');
}

export function describeRefusal(r: Refusal): string {
  switch (r.kind) {
    case 'rejected': return `the release was rejected by @${r.by}: ${r.reason}`;
    case 'not-next': return r.message;
    case 'unknown-release': return `there is no release ${r.releaseId}`;
    case 'already-deployed': return `${r.releaseId} already runs there`;
  }
}

/** `1 h 05 min`, `12 min`, `40 s`: minutes rounded up, so "0 min left" never shows while waiting. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.max(1, Math.ceil(ms / 1000))} s`;
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

// ---- ledger updates (each returns a new ledger; applying one twice changes nothing the second time)

export function addRelease(ledger: PromotionLedger, release: Release): PromotionLedger {
  if (findRelease(ledger, release.id)) return ledger;
  return prune({ ...ledger, releases: [...ledger.releases, release] });
}

/** A deployment also settles a pending request for the environment. */
export function recordDeployment(ledger: PromotionLedger, environment: string, deployment: Deployment): PromotionLedger {
  const now = current(ledger, environment);
  if (now && now.releaseId === deployment.releaseId && now.configHash === deployment.configHash) return ledger;
  const list = [...(ledger.deployments[environment] ?? []), deployment].slice(-MAX_DEPLOYMENTS_PER_ENVIRONMENT);
  const { [environment]: _settled, ...pending } = ledger.pending;
  return prune({ ...ledger, deployments: { ...ledger.deployments, [environment]: list }, pending });
}

/** Remember that someone asked for `releaseId` in `environment` (the newest request wins). */
export function requestPromotion(ledger: PromotionLedger, environment: string, request: PendingPromotion): PromotionLedger {
  const existing = ledger.pending[environment];
  if (existing && existing.releaseId === request.releaseId) return ledger;
  return { ...ledger, pending: { ...ledger.pending, [environment]: request } };
}

/** Mark the health of what runs in `environment` (only when it is still `releaseId`). */
export function recordHealth(ledger: PromotionLedger, environment: string, releaseId: string, health: Deployment['health']): PromotionLedger {
  const list = ledger.deployments[environment];
  const last = list?.[list.length - 1];
  if (!list || !last || last.releaseId !== releaseId || last.health === health) return ledger;
  return { ...ledger, deployments: { ...ledger.deployments, [environment]: [...list.slice(0, -1), { ...last, health }] } };
}

/** Count one approval per person (case-insensitive login), per release and target environment. */
export function approve(ledger: PromotionLedger, releaseId: string, environment: string, approval: Approval): PromotionLedger {
  const forRelease = ledger.approvals[releaseId] ?? {};
  const list = forRelease[environment] ?? [];
  if (list.some((a) => a.by.toLowerCase() === approval.by.toLowerCase())) return ledger;
  return { ...ledger, approvals: { ...ledger.approvals, [releaseId]: { ...forRelease, [environment]: [...list, approval] } } };
}

export function hold(ledger: PromotionLedger, environment: string, h: Hold): PromotionLedger {
  if (ledger.holds[environment]) return ledger;
  return { ...ledger, holds: { ...ledger.holds, [environment]: h } };
}

export function unhold(ledger: PromotionLedger, environment: string): PromotionLedger {
  if (!ledger.holds[environment]) return ledger;
  const { [environment]: _gone, ...rest } = ledger.holds;
  return { ...ledger, holds: rest };
}

export function reject(ledger: PromotionLedger, releaseId: string, r: Rejection): PromotionLedger {
  if (ledger.rejected[releaseId]) return ledger;
  return { ...ledger, rejected: { ...ledger.rejected, [releaseId]: r } };
}

/**
 * The release a rollback of `environment` pins: `releaseId` when given (it must have run there
 * before and not be rejected), else the newest earlier release that ran there and was not rejected.
 */
export function rollbackTarget(ledger: PromotionLedger, environment: string, releaseId?: string): { release: Release } | { error: string } {
  const history = ledger.deployments[environment] ?? [];
  const running = history[history.length - 1];
  if (!running) return { error: `nothing runs in ${environment} yet` };
  if (releaseId) {
    if (releaseId === running.releaseId) return { error: `${releaseId} already runs in ${environment}` };
    if (!history.some((d) => d.releaseId === releaseId)) return { error: `${releaseId} never ran in ${environment}; releases that did: ${[...new Set(history.map((d) => d.releaseId))].reverse().join(', ')}` };
    if (ledger.rejected[releaseId]) return { error: `${releaseId} was rejected by @${ledger.rejected[releaseId]!.by}` };
    const release = findRelease(ledger, releaseId);
    return release ? { release } : { error: `${releaseId} is too old: its record was pruned` };
  }
  for (let i = history.length - 2; i >= 0; i--) {
    const id = history[i]!.releaseId;
    if (id === running.releaseId || ledger.rejected[id]) continue;
    const release = findRelease(ledger, id);
    if (release) return { release };
  }
  return { error: `there is no earlier release of ${ledger.component} in ${environment} to roll back to` };
}

/** Keep the newest releases, but never one that a kept deployment still refers to. */
function prune(ledger: PromotionLedger): PromotionLedger {
  if (ledger.releases.length <= MAX_RELEASES) return ledger;
  const used = new Set(Object.values(ledger.deployments).flatMap((list) => list.map((d) => d.releaseId)));
  const excess = ledger.releases.length - MAX_RELEASES;
  const dropped = new Set<string>();
  for (const r of ledger.releases) {
    if (dropped.size >= excess) break;
    if (!used.has(r.id)) dropped.add(r.id);
  }
  if (dropped.size === 0) return ledger;
  const approvals = Object.fromEntries(Object.entries(ledger.approvals).filter(([id]) => !dropped.has(id)));
  const rejected = Object.fromEntries(Object.entries(ledger.rejected).filter(([id]) => !dropped.has(id)));
  return { ...ledger, releases: ledger.releases.filter((r) => !dropped.has(r.id)), approvals, rejected };
}
