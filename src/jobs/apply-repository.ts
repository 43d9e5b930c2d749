/**
 * Apply a merge: re-plan the repository's components at the merged sha (never trusting an older
 * plan), and deploy each component to the first environment of its pipeline (see `deploy.ts`:
 * databases → connection secrets → sealed secret → manifests, release record and promotion ledger
 * in one state commit; every step idempotent, so a retry after a crash converges).
 */
import { ConfigError } from '../domain/errors.js';
import type { Run } from '../domain/runs.js';
import { escapeText } from '../render/markdown.js';
import type { ApplyRepository, JobRequest } from '../queue/jobs.js';
import { DEPLOY_MARKER, type JobContext, type JobDeps } from './context.js';
import { deployToEnvironment, type Outcome } from './deploy.js';
import { planRepositoryAt } from './plan-support.js';
import { autoPromotionAfter } from './promote.js';

export async function applyRepository(deps: JobDeps, job: ApplyRepository, ctx: JobContext): Promise<void> {
  try {
    await applyMerge(deps, job, ctx);
  } catch (err) {
    if (ctx.willRetry(err)) throw err;
    // Every path ends with a report: a final error is posted as an `error` status and comment.
    const id = runId(job);
    const why = err instanceof Error ? err.message : String(err);
    await deps.runs.save({
      id, kind: 'apply', repo: job.repo, ...(job.prNumber ? { prNumber: job.prNumber } : {}), headSha: job.sha,
      ...(job.installationId ? { installationId: job.installationId } : {}), state: 'errored',
      startedAt: new Date(job.receivedAt).toISOString(), finishedAt: deps.clock.now().toISOString(),
      description: 'pave could not apply this commit', error: why,
      statuses: [{ context: 'pave/deploy', state: 'error', description: why.slice(0, 140) }],
      comment: `${DEPLOY_MARKER}\n### pave apply · ${escapeText(job.repo)} @ ${job.sha.slice(0, 7)}\n\n⚠️ **Not applied**: ${escapeText(why)}`,
    });
    await deps.enqueue([{ kind: 'report', runId: id, phase: 'finished' }]);
    throw err;
  }
}

function runId(job: ApplyRepository): string {
  return `apply-${job.repo.replace('/', '~')}-${job.sha.slice(0, 12)}`;
}

async function applyMerge(deps: JobDeps, job: ApplyRepository, ctx: JobContext): Promise<void> {
  const apply = deps.apply;
  if (!apply) throw new ConfigError('applying is not configured (no state repository or secret key)');
  const ports = deps.repositories(job.installationId);
  // The router never sends a fork's push here; the worker checks the truth all the same.
  if (await ports.reader.isFork(job.repo)) {
    ctx.logger.warn({ repo: job.repo, sha: job.sha }, 'not applied: the repository is a fork (its changes are applied once merged upstream)');
    return;
  }
  const platformAt = await deps.platform(job.installationId).current();
  if (!platformAt.result.ok) throw new ConfigError('the platform repository is invalid; fix it before anything can be applied');
  const config = platformAt.result.config;

  const { own, result } = await planRepositoryAt(deps, ports.reader, config, job.repo, job.sha);

  const outcomes: Outcome[] = [];
  const next: JobRequest[] = [];
  for (const cp of result.components) {
    const pipeline = cp.pipeline ? config.pipelines.get(cp.pipeline) : undefined;
    const first = pipeline?.environments[0];
    const envPlan = cp.environments.find((e) => e.environment === first);
    if (!first || !envPlan) continue;
    const descriptor = own.find((c) => c.descriptor.root === cp.root)!.descriptor;
    const outcome = await deployToEnvironment(deps, apply, config, { repo: job.repo, sha: job.sha, ...(job.prNumber ? { prNumber: job.prNumber } : {}), actor: job.actor, receivedAt: job.receivedAt, owner: runId(job) }, descriptor, envPlan, ctx, { how: 'merge' });
    outcomes.push(outcome);
    if (outcome.state === 'success' && cp.project && cp.pipeline) {
      next.push(...autoPromotionAfter(config, cp.pipeline, first, {
        ...(job.installationId ? { installationId: job.installationId } : {}), deliveryId: job.deliveryId, receivedAt: job.receivedAt,
        repo: job.repo, project: cp.project, component: cp.component, requestedBy: 'pave',
      }));
    }
  }

  const id = runId(job);
  const failed = outcomes.filter((o) => o.state === 'failure').length;
  const run: Run = {
    id,
    kind: 'apply',
    repo: job.repo,
    ...(job.prNumber ? { prNumber: job.prNumber } : {}),
    headSha: job.sha,
    ...(job.installationId ? { installationId: job.installationId } : {}),
    state: failed > 0 ? 'failed' : 'succeeded',
    startedAt: new Date(job.receivedAt).toISOString(),
    finishedAt: deps.clock.now().toISOString(),
    description: outcomes.length === 0 ? 'No component to apply' : `${outcomes.length - failed}/${outcomes.length} applied`,
    statuses: outcomes.map((o) => ({ context: `pave/deploy/${o.environment}`, state: o.state, description: `${o.component}: ${o.summary}` })),
    ...(outcomes.length > 0 ? { comment: deployComment(job, outcomes), fullMarkdown: deployComment(job, outcomes) } : {}),
  };
  await deps.runs.save(run);
  await deps.enqueue([{ kind: 'report', runId: id, phase: 'finished' }, ...next]);
}

function deployComment(job: ApplyRepository, outcomes: readonly Outcome[]): string {
  const lines = [DEPLOY_MARKER, `### pave apply · ${escapeText(job.repo)} @ ${job.sha.slice(0, 7)}`, ''];
  const failed = outcomes.filter((o) => o.state === 'failure');
  lines.push(failed.length > 0 ? `❌ **${failed.length} of ${outcomes.length} not applied**` : `✅ **Applied ${outcomes.length} component${outcomes.length === 1 ? '' : 's'}**`, '');
  lines.push('| component | environment | result |', '|---|---|---|');
  for (const o of [...failed, ...outcomes.filter((x) => x.state === 'success')]) {
    lines.push(`| \`${o.component}\` | ${o.environment} | ${o.state === 'success' ? '✅' : '❌'} ${escapeText(o.summary)} |`);
  }
  for (const o of outcomes) {
    if (o.details.length === 0) continue;
    lines.push('', `<details><summary><b>${escapeText(o.component)}</b> · ${o.environment}</summary>`, '', ...o.details.map((d) => `- ${d}`), '', '</details>');
  }
  return lines.join('\n');
}
