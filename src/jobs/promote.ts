/**
 * Promote a release into an environment (or roll an environment back): check the gates from the
 * platform repository's default branch, then deploy the *same image* with the target environment's
 * configuration — databases and connections of the target provisioned like a merge's.
 *
 * - go: deploy (see `deploy.ts`), report `pave/deploy/<target>` success on the release's commit,
 *   and offer the release to the next environment (auto-promotion, which its gate may refuse).
 * - wait: report what is waited for ("soak: 12 min left; approvals 1/2") as a pending status and
 *   in the comment; a person's request is remembered in the ledger (an approval re-checks it);
 *   a wait only for time (soak, freeze) delays this job until then — waiting is not failure.
 * - refused: report why (a rejected release, an unknown one …); an auto-promotion through a
 *   manual gate is simply not offered.
 *
 * One promotion at a time per (component, environment): the deploy lease; first come, first served.
 */
import { ConfigError, NotReadyError, TerminalError } from '../domain/errors.js';
import type { PlatformConfig } from '../domain/platform.js';
import type { GateVerdict, PromotionLedger, Release } from '../domain/promotion.js';
import type { Run } from '../domain/runs.js';
import {
  current, describeRefusal, describeWaits, evaluatePromotion, findRelease, requestPromotion,
} from '../planner/promotion.js';
import { escapeText } from '../render/markdown.js';
import type { JobRequest, Promote } from '../queue/jobs.js';
import { DEPLOY_MARKER, type JobContext, type JobDeps } from './context.js';
import { deployToEnvironment } from './deploy.js';
import { readLedger, updateLedger } from './ledger.js';
import { planRepositoryAt } from './plan-support.js';

/**
 * One run per (request, outcome): a request that waited and later went reports twice, and each
 * report is its own job (report job ids are per run).
 */
export function promotionRunId(project: string, component: string, target: string, releaseId: string, deliveryId: string, state: string): string {
  return `promote-${project}~${component}-${target}-${releaseId}-${deliveryId.slice(0, 8)}-${state}`.replace(/[^A-Za-z0-9_.~-]/g, '_');
}

export async function promote(deps: JobDeps, job: Promote, ctx: JobContext): Promise<void> {
  const apply = deps.apply;
  if (!apply) throw new ConfigError('promotion is not configured (no state repository or secret key)');
  const platformAt = await deps.platform(job.installationId).current();
  if (!platformAt.result.ok) throw new ConfigError('the platform repository is invalid; fix it before anything can be promoted');
  const config = platformAt.result.config;
  const project = config.projects.get(job.project);
  const pipeline = project ? config.pipelines.get(project.pipeline) : undefined;
  if (!project || !pipeline) throw new ConfigError(`project ${job.project} (or its pipeline) is not defined by the platform repository`);

  const ledger = await readLedger(apply.state, job.project, job.component);
  const now = deps.clock.now();
  let release: Release | undefined;
  let verdict: GateVerdict;
  if (job.how === 'rollback') {
    // Authorized when asked (`/pave rollback`); a rollback skips the gates: it is how one gets out of trouble.
    release = job.releaseId ? findRelease(ledger, job.releaseId) : undefined;
    verdict = !release ? { state: 'refused', refusal: { kind: 'unknown-release', releaseId: job.releaseId ?? '(none)' } }
      : current(ledger, job.target)?.releaseId === release.id ? { state: 'refused', refusal: { kind: 'already-deployed', releaseId: release.id } }
        : { state: 'go' };
  } else {
    const answer = evaluatePromotion({ pipeline, ledger, target: job.target, ...(job.releaseId ? { releaseId: job.releaseId } : {}), now, auto: job.how === 'auto-promotion' });
    release = answer.release;
    verdict = answer.verdict;
  }

  if (verdict.state === 'refused') {
    if (job.how === 'auto-promotion') {
      ctx.logger.info({ component: job.component, target: job.target, why: describeRefusal(verdict.refusal) }, 'not auto-promoted');
      return;
    }
    const done = verdict.refusal.kind === 'already-deployed';
    await report(deps, job, release, ledger, done ? 'success' : 'failure',
      done ? `${release!.id} runs in ${job.target}` : `not promoted: ${describeRefusal(verdict.refusal)}`);
    return;
  }

  if (verdict.state === 'wait') {
    const waits = describeWaits(verdict.reasons);
    let after = ledger;
    if (job.how === 'promotion' && release) {
      after = (await updateLedger(apply, job.project, job.component, owner(job),
        `promotion of ${job.project}/${job.component} ${release.id} to ${job.target} requested by ${job.requestedBy}\n\nWaiting: ${waits}\n`,
        (l) => requestPromotion(l, job.target, { releaseId: release!.id, by: job.requestedBy, at: now.toISOString() }))).ledger;
    }
    if (release || job.how !== 'auto-promotion') await report(deps, job, release, after, 'pending', `waiting: ${waits}`);
    if (verdict.retryAt) {
      const delay = Math.max(1_000, Date.parse(verdict.retryAt) - now.getTime());
      throw new NotReadyError(`promotion of ${job.component} to ${job.target} waits: ${waits}`, delay);
    }
    ctx.logger.info({ component: job.component, target: job.target, waits }, 'promotion waiting for people');
    return;
  }

  // Go: deploy the release's image with the target's configuration, planned at the release's commit.
  const r = release!;
  const ports = deps.repositories(job.installationId);
  const { own, result } = await planRepositoryAt(deps, ports.reader, config, r.repo, r.sourceSha);
  const cp = result.components.find((c) => c.component === job.component && c.project === job.project);
  const envPlan = cp?.environments.find((e) => e.environment === job.target);
  const descriptor = own.find((c) => c.descriptor.name === job.component && c.descriptor.root === cp?.root)?.descriptor;
  if (!cp || !envPlan || !descriptor) throw new TerminalError(`${job.component} is not in ${r.repo} at ${r.sourceSha.slice(0, 7)} (or not in ${job.target})`);
  const outcome = await deployToEnvironment(deps, apply, config, {
    repo: r.repo, sha: r.sourceSha, ...(r.pullRequest ? { prNumber: r.pullRequest } : {}), actor: job.requestedBy,
    receivedAt: job.receivedAt, owner: owner(job),
  }, descriptor, envPlan, ctx, { image: { image: r.image, source: `release ${r.id}` }, how: job.how, releaseCreatedAt: r.createdAt });
  const after = await readLedger(apply.state, job.project, job.component);
  await report(deps, job, r, after, outcome.state, `${outcome.summary}${outcome.state === 'success' ? ` · ${r.id}` : ''}`, outcome.details);
  if (outcome.state === 'success') await deps.enqueue(nextAutoPromotion(config, job, project.pipeline));
}

/** After a deploy to `environment`, offer the release to the next environment when its gate auto-promotes. */
export function autoPromotionAfter(config: PlatformConfig, pipelineName: string, environment: string, base: Omit<Promote, 'kind' | 'target' | 'how' | 'releaseId'>): JobRequest[] {
  const pipeline = config.pipelines.get(pipelineName);
  const i = pipeline ? pipeline.environments.indexOf(environment) : -1;
  const gate = pipeline && i >= 0 ? pipeline.promotions[i] : undefined;
  if (!pipeline || !gate || !gate.autoPromote) return [];
  return [{ ...base, kind: 'promote', target: pipeline.environments[i + 1]!, how: 'auto-promotion' }];
}

function nextAutoPromotion(config: PlatformConfig, job: Promote, pipelineName: string): JobRequest[] {
  if (job.how === 'rollback') return []; // a rollback holds auto-promotion
  const { kind: _k, target, how: _h, releaseId: _r, ...base } = job;
  return autoPromotionAfter(config, pipelineName, target, { ...base, requestedBy: 'pave' });
}

function owner(job: Promote): string {
  return `promote-${job.project}-${job.component}-${job.target}-${job.deliveryId}`;
}

/** Statuses on the release's commit and the sticky deploy comment on its pull request (or commit). */
async function report(deps: JobDeps, job: Promote, release: Release | undefined, ledger: PromotionLedger, state: 'success' | 'failure' | 'pending', summary: string, details: readonly string[] = []): Promise<void> {
  if (!release) {
    deps.logger.warn({ component: job.component, target: job.target, summary }, 'promotion without a release: nothing to report on');
    return;
  }
  const id = promotionRunId(job.project, job.component, job.target, release.id, job.deliveryId, state);
  const comment = releaseComment(deps, release, ledger, job.target, summary, details, id);
  const run: Run = {
    id, kind: 'promote', repo: release.repo, headSha: release.sourceSha,
    ...(release.pullRequest ? { prNumber: release.pullRequest } : {}),
    ...(job.installationId ? { installationId: job.installationId } : {}),
    state: state === 'success' ? 'succeeded' : state === 'failure' ? 'failed' : 'waiting',
    startedAt: new Date(job.receivedAt).toISOString(),
    ...(state === 'pending' ? {} : { finishedAt: deps.clock.now().toISOString() }),
    description: `${job.component} → ${job.target}: ${summary}`,
    statuses: [{ context: `pave/deploy/${job.target}`, state, description: `${job.component}: ${summary}` }],
    comment, fullMarkdown: comment,
  };
  await deps.runs.save(run);
  await deps.enqueue([{ kind: 'report', runId: id, phase: 'finished' }]);
}

/** Where the release is in its pipeline: one row per environment, the latest step's details folded. */
export function releaseComment(deps: Pick<JobDeps, 'publicUrl'>, release: Release, ledger: PromotionLedger, target: string, summary: string, details: readonly string[], runId: string): string {
  const envs = Object.keys(ledger.deployments);
  const lines = [DEPLOY_MARKER, `### pave release \`${release.id}\` · ${escapeText(ledger.project)}/${escapeText(ledger.component)}`, '',
    `Image \`${release.image}\` built from \`${release.sourceSha.slice(0, 7)}\`.`, '',
    '| environment | running | since | how |', '|---|---|---|---|'];
  for (const env of envs) {
    const d = current(ledger, env)!;
    const mark = d.releaseId === release.id ? '✅' : '·';
    lines.push(`| ${escapeText(env)} | ${mark} \`${d.releaseId}\` | ${d.deployedAt.replace('T', ' ').slice(0, 16)} UTC | ${d.how} by @${escapeText(d.by)} |`);
  }
  lines.push('', `**${escapeText(target)}**: ${escapeText(summary)}`);
  const pending = ledger.pending[target];
  if (pending) lines.push('', `_Requested by @${escapeText(pending.by)}; \`/pave approve ${target}\` by an approver re-checks it._`);
  if (ledger.holds[target]) lines.push('', `⏸ Auto-promotion into ${escapeText(target)} is held by @${escapeText(ledger.holds[target]!.by)} (\`/pave unhold ${target}\`).`);
  if (details.length > 0) lines.push('', `<details><summary>${escapeText(target)} details</summary>`, '', ...details.map((d) => `- ${d}`), '', '</details>');
  lines.push('', `[run page](${deps.publicUrl}/runs/${runId})`);
  return lines.join('\n');
}
