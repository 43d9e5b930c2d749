/**
 * A merge to the platform repository reconciles every component it touches.
 *
 * 1. `reconcile-platform`: plan every indexed component with the platform before and after the
 *    merge (the blast radius the platform PR showed), keep the touched components that run in a
 *    touched environment, and fan out one `reconcile-component` each — a BullMQ flow whose parent
 *    `reconcile-finish` runs when all children are done.
 * 2. `reconcile-component`: in each touched environment, re-deploy what runs there (the same
 *    release: source sha and image) with the platform as it is now — databases, connections,
 *    manifests. Its outcome is recorded per component (a retry overwrites its own entry), and the
 *    platform commit's `pave/reconcile` status and the PR comment show progress ("12/37 reconciled").
 * 3. `reconcile-finish`: the final report ("37/37 reconciled, 1 failed: …").
 *
 * A child never fails the flow: a final error is recorded as that component's failure.
 */
import { findProject } from '../config/platform/index.js';
import type { ReleaseRecord } from '../domain/apply.js';
import { ConfigError } from '../domain/errors.js';
import type { ItemOutcome, Run } from '../domain/runs.js';
import { platformImpact } from '../planner/impact.js';
import { plan, stateKey } from '../planner/plan.js';
import { renderReconcileMarkdown } from '../render/reconcile-markdown.js';
import type { ReconcileComponent, ReconcileFinish, ReconcilePlatform } from '../queue/jobs.js';
import { RECONCILE_MARKER, type JobContext, type JobDeps } from './context.js';
import { deployToEnvironment } from './deploy.js';
import { knownComponents, planRepositoryAt } from './plan-support.js';

export const RECONCILE_STATUS = 'pave/reconcile';

export function reconcileRunId(repo: string, sha: string): string {
  return `reconcile-${repo.replace('/', '~')}-${sha.slice(0, 12)}`;
}

export async function reconcilePlatform(deps: JobDeps, job: ReconcilePlatform, ctx: JobContext): Promise<void> {
  if (!deps.apply) throw new ConfigError('reconciling is not configured (no state repository or secret key)');
  const source = deps.platform(job.installationId);
  const [base, head] = await Promise.all([/^0+$/.test(job.before) ? undefined : source.at(job.before), source.at(job.sha)]);
  const id = reconcileRunId(job.repo, job.sha);
  const run: Omit<Run, 'state' | 'description'> = {
    id, kind: 'reconcile', repo: job.repo, headSha: job.sha,
    ...(job.prNumber ? { prNumber: job.prNumber } : {}), ...(job.installationId ? { installationId: job.installationId } : {}),
    startedAt: new Date(job.receivedAt).toISOString(),
  };
  if (!head.result.ok) {
    const description = 'The platform repository is invalid at this commit: nothing reconciled';
    await finish(deps, { ...run, state: 'failed', description, finishedAt: deps.clock.now().toISOString(), statuses: [{ context: RECONCILE_STATUS, state: 'failure', description }] }, 0);
    return;
  }
  const known = await knownComponents(deps);
  const current = await deps.state.snapshot();
  const planWith = (config: typeof head.result.config) => plan({ platform: config, known, current, projectOf: (repo, root) => findProject(config, repo, root) });
  const after = planWith(head.result.config);
  const before = base?.result.ok ? planWith(base.result.config) : undefined;
  const impact = platformImpact(before, after);

  // Only what runs somewhere is reconciled; a touched component not deployed yet gets the change with its next merge.
  const children: ReconcileComponent[] = [];
  for (const t of impact.touched) {
    if (!t.project) continue;
    const running = t.environments.map((e) => e.environment).filter((env) => current.has(stateKey(env, t.project!, t.component)));
    if (running.length === 0) continue;
    children.push({
      kind: 'reconcile-component', ...(job.installationId ? { installationId: job.installationId } : {}), deliveryId: job.deliveryId, receivedAt: job.receivedAt,
      runId: id, repo: t.repo, root: t.root, component: t.component, environments: running,
    });
  }
  ctx.logger.info({ touched: impact.touched.length, deployed: children.length }, 'platform change fans out');
  const total = children.length;
  if (total === 0) {
    const description = `Touches ${impact.touched.length} component${impact.touched.length === 1 ? '' : 's'}, none deployed in a touched environment: nothing to reconcile`;
    await finish(deps, { ...run, state: 'succeeded', description, finishedAt: deps.clock.now().toISOString(), statuses: [{ context: RECONCILE_STATUS, state: 'success', description }], comment: renderReconcileMarkdown({ marker: RECONCILE_MARKER, repo: job.repo, sha: job.sha, total: 0, items: new Map(), touched: impact.touched.length, done: true }) }, 0);
    return;
  }
  await progress(deps, { ...run, total, touched: impact.touched.length }, new Map());
  if (!deps.enqueueFlow) throw new ConfigError('this pave cannot fan out (no flow producer)');
  await deps.enqueueFlow({ kind: 'reconcile-finish', ...(job.installationId ? { installationId: job.installationId } : {}), deliveryId: job.deliveryId, receivedAt: job.receivedAt, runId: id }, children);
}

export async function reconcileComponent(deps: JobDeps, job: ReconcileComponent, ctx: JobContext): Promise<void> {
  const item = `${job.repo}${job.root ? `/${job.root}` : ''}`;
  let outcome: ItemOutcome;
  try {
    outcome = await reconcileOne(deps, job, ctx);
  } catch (err) {
    if (ctx.willRetry(err)) throw err;
    outcome = { state: 'failed', detail: err instanceof Error ? err.message : String(err) };
  }
  const items = await deps.runs.recordItem(job.runId, item, outcome);
  const run = await deps.runs.get(job.runId);
  if (run && run.state === 'running') await progress(deps, { ...run, total: run.total ?? items.size, touched: run.touched ?? items.size }, items);
}

async function reconcileOne(deps: JobDeps, job: ReconcileComponent, ctx: JobContext): Promise<ItemOutcome> {
  const apply = deps.apply;
  if (!apply) throw new ConfigError('reconciling is not configured');
  const platformAt = await deps.platform(job.installationId).current();
  if (!platformAt.result.ok) throw new ConfigError('the platform repository is invalid now');
  const config = platformAt.result.config;
  const project = findProject(config, job.repo, job.root);
  if (!project) return { state: 'skipped', detail: 'no project claims it any more' };
  const ports = deps.repositories(job.installationId);
  const done: string[] = [];
  const failed: string[] = [];
  for (const env of job.environments) {
    // What runs there: the release record the last deploy committed.
    const path = `environments/${env}/${project.name}/${job.component}/release.json`;
    const text = (await apply.state.readFiles(path)).get(path);
    if (!text) { done.push(`${env}: not deployed`); continue; }
    const release = JSON.parse(text) as ReleaseRecord;
    const { own, result } = await planRepositoryAt(deps, ports.reader, config, release.repo, release.sourceSha);
    const cp = result.components.find((c) => c.component === job.component && c.root === job.root);
    const envPlan = cp?.environments.find((e) => e.environment === env);
    const descriptor = own.find((c) => c.descriptor.root === job.root)?.descriptor;
    if (!cp || !envPlan || !descriptor) { failed.push(`${env}: ${job.component} is no longer in ${release.repo} at ${release.sourceSha.slice(0, 7)}`); continue; }
    const outcome = await deployToEnvironment(deps, apply, config, {
      repo: release.repo, sha: release.sourceSha, ...(release.pullRequest ? { prNumber: release.pullRequest } : {}), actor: release.actor,
      receivedAt: job.receivedAt, owner: `${job.runId}-${job.component}`,
    }, descriptor, envPlan, ctx, { image: { image: release.image, source: `running release${release.releaseId ? ` ${release.releaseId}` : ''}` }, how: 'reconcile' });
    (outcome.state === 'success' ? done : failed).push(`${env}: ${outcome.summary}`);
  }
  return failed.length > 0 ? { state: 'failed', detail: [...failed, ...done].join('; ') } : { state: 'succeeded', detail: done.join('; ') };
}

export async function reconcileFinish(deps: JobDeps, job: ReconcileFinish): Promise<void> {
  const run = await deps.runs.get(job.runId);
  if (!run) return;
  const items = await deps.runs.items(job.runId);
  const total = run.total ?? items.size;
  const failed = [...items.values()].filter((o) => o.state === 'failed').length;
  const description = summaryLine(total, items);
  await finish(deps, {
    ...run, state: failed > 0 ? 'failed' : 'succeeded', description, finishedAt: deps.clock.now().toISOString(),
    statuses: [{ context: RECONCILE_STATUS, state: failed > 0 ? 'failure' : 'success', description }],
    comment: renderReconcileMarkdown({ marker: RECONCILE_MARKER, repo: run.repo, sha: run.headSha, total, items, touched: run.touched ?? total, done: true }),
  }, total + 1);
}

function summaryLine(total: number, items: ReadonlyMap<string, ItemOutcome>): string {
  const failures = [...items.entries()].filter(([, o]) => o.state === 'failed');
  const ok = [...items.values()].filter((o) => o.state !== 'failed').length;
  return `${ok}/${total} reconciled${failures.length > 0 ? `, ${failures.length} failed: ${failures.slice(0, 3).map(([k]) => k).join(', ')}${failures.length > 3 ? ', …' : ''}` : ''}`;
}

async function progress(deps: JobDeps, run: Omit<Run, 'state' | 'description'> & { total: number; touched: number }, items: ReadonlyMap<string, ItemOutcome>): Promise<void> {
  const description = summaryLine(run.total, items);
  await deps.runs.save({
    ...run, state: 'running', description,
    statuses: [{ context: RECONCILE_STATUS, state: 'pending', description }],
    comment: renderReconcileMarkdown({ marker: RECONCILE_MARKER, repo: run.repo, sha: run.headSha, total: run.total, items, touched: run.touched, done: false }),
  });
  await deps.enqueue([{ kind: 'report', runId: run.id, phase: 'progress', revision: items.size }]);
}

async function finish(deps: JobDeps, run: Run, revision: number): Promise<void> {
  await deps.runs.save(run);
  await deps.enqueue([{ kind: 'report', runId: run.id, phase: 'finished', revision }]);
}
