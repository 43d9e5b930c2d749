/**
 * Apply a merge: re-plan the repository's components at the merged sha (never trusting an older
 * plan), and deploy each component to the first environment of its pipeline (see `deploy.ts`:
 * databases → connection secrets → sealed secret → manifests, release record and promotion ledger
 * in one state commit; every step idempotent, so a retry after a crash converges).
 */
import type { BuildLogLine } from '../domain/build.js';
import type { ComponentDescriptor } from '../domain/component.js';
import { ConfigError, TransientError } from '../domain/errors.js';
import type { PlatformConfig } from '../domain/platform.js';
import type { EnvironmentPlan } from '../domain/plan.js';
import type { Run } from '../domain/runs.js';
import { escapeText } from '../render/markdown.js';
import type { ApplyRepository, JobRequest } from '../queue/jobs.js';
import { DEPLOY_MARKER, type JobContext, type JobDeps } from './context.js';
import { buildComponent, type BuildOutcome } from './build.js';
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
  // A resync's apply is a run of its own (its report is not the merge's, already posted).
  return `apply-${job.repo.replace('/', '~')}-${job.sha.slice(0, 12)}${job.resync ? `-resync-${job.resync}` : ''}`;
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
  // A resync's apply is only for the head it saw: a newer merge has an apply of its own.
  if (job.resync && (await ports.reader.resolveRef(job.repo, await ports.reader.defaultBranch(job.repo))) !== job.sha) {
    ctx.logger.info({ repo: job.repo, sha: job.sha }, 'resync apply skipped: the default branch moved on (its merge is applied by its own job)');
    return;
  }
  const platformAt = await deps.platform(job.installationId).current();
  if (!platformAt.result.ok) throw new ConfigError('the platform repository is invalid; fix it before anything can be applied');
  const config = platformAt.result.config;

  const { own, result } = await planRepositoryAt(deps, ports.reader, config, job.repo, job.sha);

  const outcomes: Outcome[] = [];
  const next: JobRequest[] = [];
  const builds: { component: string; ok: boolean; summary: string }[] = [];
  const log = buildLog(deps, job);
  for (const cp of result.components) {
    const pipeline = cp.pipeline ? config.pipelines.get(cp.pipeline) : undefined;
    const first = pipeline?.environments[0];
    const envPlan = cp.environments.find((e) => e.environment === first);
    if (!first || !envPlan) continue;
    const descriptor = own.find((c) => c.descriptor.root === cp.root)!.descriptor;
    const built = await buildIfNeeded(deps, config, job, descriptor, envPlan, cp.project, log);
    if (built && !built.ok) {
      builds.push({ component: descriptor.name, ok: false, summary: built.summary });
      outcomes.push({ component: descriptor.name, environment: first, state: 'failure', summary: `not deployed: ${built.summary}`, details: built.details });
      continue;
    }
    if (built) builds.push({ component: descriptor.name, ok: true, summary: built.summary });
    const outcome = await deployToEnvironment(deps, apply, config, { repo: job.repo, sha: job.sha, ...(job.prNumber ? { prNumber: job.prNumber } : {}), actor: job.actor, receivedAt: job.receivedAt, owner: runId(job) }, descriptor, envPlan, ctx,
      { how: 'merge', ...(built ? { image: { image: built.image, source: `built from ${job.sha.slice(0, 7)} with preset ${descriptor.build!.preset}` } } : {}) })
      .catch(async (err: unknown) => {
        // A server that is down (a TransientError naming it) is retried by the queue: say so on the
        // environment's status meanwhile, so the merge does not look stuck. Best effort.
        // When the retries run out, the same status says pave gave up (it would stay pending otherwise).
        if (err instanceof TransientError) {
          const retrying = ctx.willRetry(err);
          await ports.statuses.setStatus(job.repo, job.sha, { context: `pave/deploy/${first}`, state: retrying ? 'pending' : 'error', description: `${retrying ? 'retrying' : 'gave up'}: ${err.message}`.slice(0, 140) })
            .catch((e: unknown) => ctx.logger.warn({ err: String(e) }, 'retry status not posted'));
        }
        throw err;
      });
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
    statuses: [
      ...(builds.length > 0 ? [{ context: 'pave/build', state: builds.some((b) => !b.ok) ? 'failure' as const : 'success' as const, description: builds.map((b) => `${b.component}: ${b.summary}`).join('; ') }] : []),
      ...outcomes.map((o) => ({ context: `pave/deploy/${o.environment}`, state: o.state, description: `${o.component}: ${o.summary}` })),
    ],
    ...(log.lines.length > 0 ? { log: log.lines } : {}),
    ...(outcomes.length > 0 ? { comment: deployComment(job, outcomes), fullMarkdown: deployComment(job, outcomes) } : {}),
  };
  await deps.runs.save(run);
  await deps.enqueue([{ kind: 'report', runId: id, phase: 'finished' }, ...next]);
}

/**
 * Build the component's image when its preset says how and nothing pins an image; undefined when
 * there is nothing to build (or this pave cannot build: then the preset's default image is used).
 */
async function buildIfNeeded(deps: JobDeps, config: PlatformConfig, job: ApplyRepository, descriptor: ComponentDescriptor, envPlan: EnvironmentPlan, project: string | undefined, log: BuildLog): Promise<BuildOutcome | undefined> {
  if (!deps.build || !descriptor.build || !project || envPlan.status === 'invalid') return undefined;
  if (descriptor.deploy.env[envPlan.environment]?.image ?? descriptor.deploy.image) return undefined;
  const preset = config.buildPresets.get(descriptor.build.preset);
  const environment = config.environments.get(envPlan.environment);
  if (!preset || !environment) return undefined;
  return buildComponent(deps.build, {
    repo: job.repo, sha: job.sha, ...(job.installationId ? { installationId: job.installationId } : {}), descriptor, preset, environment, project,
    log: (line) => log.add(descriptor.name, line),
  }, () => deps.clock.now().getTime());
}

interface BuildLog {
  readonly lines: { stream: string; text: string; at: number }[];
  add(component: string, line: BuildLogLine): void;
}

const MAX_LOG_LINES = 5_000;

/** The build log, kept on the run (bounded) and saved every second while it grows, so the run page shows it live. */
function buildLog(deps: JobDeps, job: ApplyRepository): BuildLog {
  const lines: { stream: string; text: string; at: number }[] = [];
  let dropped = 0;
  let saving: Promise<void> | undefined;
  let lastSave = 0;
  const save = () => {
    lastSave = deps.clock.now().getTime();
    saving = deps.runs.save({
      id: runId(job), kind: 'apply', repo: job.repo, headSha: job.sha, ...(job.prNumber ? { prNumber: job.prNumber } : {}),
      ...(job.installationId ? { installationId: job.installationId } : {}), state: 'running',
      startedAt: new Date(job.receivedAt).toISOString(), description: 'building…', log: [...lines],
    }).catch(() => undefined).finally(() => { saving = undefined; });
  };
  return {
    lines,
    add(component, line) {
      if (lines.length >= MAX_LOG_LINES) {
        dropped++;
        lines[lines.length - 1] = { stream: 'pave', text: `… ${dropped} more lines not kept`, at: line.at };
      } else lines.push({ stream: line.stream, text: `[${component}] ${line.text}`, at: line.at });
      if (!saving && deps.clock.now().getTime() - lastSave > 1_000) save();
    },
  };
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
