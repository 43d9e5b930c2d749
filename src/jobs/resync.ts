/**
 * The resync: the safety net for webhooks that never arrived (or arrived while pave was down).
 * Scheduled every `PAVE_RESYNC_INTERVAL` (`queue/schedule.ts`), it
 *
 * 1. lists every repository pave can see (App mode: of every installation) and re-indexes its
 *    default branch head (the component index: what connections and the catalog resolve against);
 * 2. re-plans every component of every indexed repository at that head against the state
 *    repository, and compares the first environment's desired configuration with what the state
 *    repository says is deployed there (`planner/drift.ts`);
 * 3. for each repository with drift (not deployed, or another config hash), asks for the apply
 *    of its head — the same job a merge asks for, idempotent, reported the usual way (statuses on
 *    the head commit). A first environment held after a rollback is left alone.
 *
 * Bounded: at most `maxRepositories` repositories read, `concurrency` at a time, and at most
 * `maxApplies` applies asked per resync (the rest on the next one). Drift is logged; nothing
 * found is quiet (a debug line).
 */
import type { DriftOutcome, RepositoryDirectory, ResyncRepository } from '../domain/resync.js';
import type { ComponentDescriptor } from '../domain/component.js';
import type { StateSource } from '../domain/ports.js';
import { driftOf } from '../planner/drift.js';
import type { ApplyRepository, Resync } from '../queue/jobs.js';
import type { JobContext, JobDeps } from './context.js';
import { readLedger } from './ledger.js';
import { planRepositoryAt, readRepositoryAt } from './plan-support.js';

export interface ResyncPorts {
  readonly repositories: RepositoryDirectory;
  /** @defaultValue 2000 */
  readonly maxRepositories?: number;
  /** Repositories read and planned at once. @defaultValue 4 */
  readonly concurrency?: number;
  /** Applies asked per resync. @defaultValue 50 */
  readonly maxApplies?: number;
  /** Components per outcome, once per resync (`pave_resync_components_total`). */
  observe?(outcome: DriftOutcome, count: number): void;
}

/** What one resync did (returned for tests and logged). */
export interface ResyncSummary {
  readonly repositories: number;
  readonly components: Readonly<Record<DriftOutcome, number>>;
  /** Repositories whose head apply was asked for. */
  readonly applies: readonly { readonly repo: string; readonly sha: string }[];
  /** Drifted repositories left for the next resync (over `maxApplies`). */
  readonly deferred: number;
}

export const RESYNC_ACTOR = 'pave-resync';

export async function resync(deps: JobDeps, job: Resync, ctx: JobContext): Promise<ResyncSummary> {
  const counts: Record<DriftOutcome, number> = { 'in-sync': 0, drifted: 0, held: 0, invalid: 0, unmanaged: 0, error: 0 };
  const ports = deps.resync;
  if (!ports) {
    ctx.logger.info({}, 'resync: not configured');
    return { repositories: 0, components: counts, applies: [], deferred: 0 };
  }
  const maxApplies = ports.maxApplies ?? 50;
  const now = deps.clock.now();
  const id = `${job.trigger}-${now.getTime().toString(36)}`;

  // 1. Every repository's default branch head, re-indexed.
  const listed = await ports.repositories.list(ports.maxRepositories ?? 2000);
  if (!listed.complete) ctx.logger.warn({ listed: listed.repositories.length }, 'resync: more repositories than PAVE_RESYNC_MAX_REPOSITORIES; the rest are not visited');
  const heads: { repo: ResyncRepository; sha: string }[] = [];
  await forEachBounded(listed.repositories, ports.concurrency ?? 4, async (r) => {
    try {
      const head = await reindex(deps, r, now);
      if (head) heads.push({ repo: r, sha: head });
    } catch (err) {
      counts.error++;
      ctx.logger.warn({ repo: r.repo, err: describe(err) }, 'resync: could not read the repository');
    }
  });
  if (listed.complete) {
    const seen = new Set(listed.repositories.map((r) => r.repo.toLowerCase()));
    const gone = (await deps.index.all()).map((e) => e.repo).filter((repo) => !seen.has(repo.toLowerCase()));
    if (gone.length > 0) await deps.index.remove(gone);
  }

  // 2. Every component re-planned at the head against one snapshot of the state repository.
  const snapshot = await deps.state.snapshot();
  const state: StateSource = { snapshot: async () => snapshot };
  const drifted: ApplyRepository[] = [];
  await forEachBounded(heads, ports.concurrency ?? 4, async ({ repo: r, sha }) => {
    try {
      const { reader } = deps.repositories(r.installationId);
      // Forks are never applied; their changes arrive through the upstream repository.
      if (await reader.isFork(r.repo)) return;
      const platformAt = await deps.platform(r.installationId).current();
      if (!platformAt.result.ok) throw new Error('the platform repository is invalid');
      const config = platformAt.result.config;
      const { result } = await planRepositoryAt({ index: deps.index, state }, reader, config, r.repo, sha);
      let applyHead = false;
      for (const d of driftOf(result, config, snapshot)) {
        let outcome: DriftOutcome = d.outcome;
        if (outcome === 'drifted' && deps.apply && d.project && d.environment) {
          const ledger = await readLedger(deps.apply.state, d.project, d.component);
          if (ledger.holds[d.environment]) outcome = 'held';
        }
        counts[outcome]++;
        if (outcome === 'drifted') {
          applyHead = true;
          ctx.logger.info({ repo: r.repo, sha, component: d.component, environment: d.environment, reason: d.reason }, 'resync: drift found');
        } else if (outcome === 'held') {
          ctx.logger.info({ repo: r.repo, component: d.component, environment: d.environment, reason: d.reason }, 'resync: drift left alone (environment held after a rollback)');
        }
      }
      if (applyHead) {
        drifted.push({
          kind: 'apply', repo: r.repo, sha, actor: RESYNC_ACTOR, resync: id,
          ...(r.installationId ? { installationId: r.installationId } : {}),
          deliveryId: `resync-${id}`, receivedAt: now.getTime(),
        });
      }
    } catch (err) {
      counts.error++;
      ctx.logger.warn({ repo: r.repo, sha, err: describe(err) }, 'resync: could not plan the repository');
    }
  });

  // 3. Repair: the head's apply for each drifted repository, bounded.
  drifted.sort((a, b) => a.repo.localeCompare(b.repo));
  const asked = deps.apply ? drifted.slice(0, maxApplies) : [];
  if (!deps.apply && drifted.length > 0) ctx.logger.warn({ repositories: drifted.length }, 'resync: drift found, but applying is not configured (no state repository or secret key)');
  for (let i = 0; i < asked.length; i += 50) await deps.enqueue(asked.slice(i, i + 50));
  const deferred = deps.apply ? drifted.length - asked.length : 0;

  for (const [outcome, n] of Object.entries(counts)) if (n > 0) ports.observe?.(outcome as DriftOutcome, n);
  const summary: ResyncSummary = { repositories: listed.repositories.length, components: counts, applies: asked.map((a) => ({ repo: a.repo, sha: a.sha })), deferred };
  const log = { repositories: summary.repositories, ...counts, applies: asked.length, deferred };
  if (drifted.length > 0 || counts.error > 0) ctx.logger.info(log, 'resync finished');
  else ctx.logger.debug(log, 'resync finished: nothing drifted');
  return summary;
}

/** Index `r` at its default branch head (or drop it when it holds no component); the head when it has components. */
async function reindex(deps: JobDeps, r: ResyncRepository, now: Date): Promise<string | undefined> {
  const { reader } = deps.repositories(r.installationId);
  const sha = await reader.resolveRef(r.repo, await reader.defaultBranch(r.repo));
  const entries = await readRepositoryAt(reader, r.repo, sha);
  const components: ComponentDescriptor[] = entries.flatMap((e) => (e.descriptor ? [e.descriptor] : []));
  const invalidRoots = entries.filter((e) => !e.descriptor).map((e) => e.root);
  if (components.length === 0 && invalidRoots.length === 0) {
    if (await deps.index.get(r.repo)) await deps.index.remove([r.repo]);
    return undefined;
  }
  const known = await deps.index.get(r.repo);
  if (known?.sha !== sha) await deps.index.put({ repo: r.repo, sha, components, invalidRoots, indexedAt: now.toISOString() });
  return components.length > 0 ? sha : undefined;
}

async function forEachBounded<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
