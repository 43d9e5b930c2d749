/**
 * Plan a pull request in the platform repository: load the platform at the base and at the head
 * sha, plan every component the index knows with each, and report what the change touches —
 * which components, which environments, which policies it would break — on the platform PR.
 * From a fork: without secrets, and saying that nothing is applied before the merge.
 */
import { findProject } from '../config/platform/index.js';
import type { Run } from '../domain/runs.js';
import { platformImpact } from '../planner/impact.js';
import { plan } from '../planner/plan.js';
import { renderPlatformImpactMarkdown } from '../render/platform-markdown.js';
import type { PlanPlatformPullRequest } from '../queue/jobs.js';
import { PLATFORM_PLAN_MARKER, runIdFor, type JobContext, type JobDeps } from './context.js';
import { withForkNote, withoutSecrets } from './fork.js';
import { knownComponents, platformProblemsComment } from './plan-support.js';
import { runPlan, type RunOutcome } from './run-lifecycle.js';

export async function planPlatformPullRequest(allDeps: JobDeps, job: PlanPlatformPullRequest, ctx: JobContext): Promise<Run> {
  // A fork's change is untrusted: its plan runs without the apply ports, so it cannot reach a secret.
  const deps = job.fromFork ? withoutSecrets(allDeps) : allDeps;
  const ports = deps.repositories(job.installationId);
  const id = runIdFor('platform-pr', job.repo, job.prNumber, job.headSha);
  const compute = async (run: Run): Promise<RunOutcome> => {
    const source = deps.platform(job.installationId);
    const [base, head] = await Promise.all([source.at(job.baseSha), source.at(job.headSha)]);
    if (!head.result.ok) {
      const errors = head.result.diagnostics.filter((d) => d.severity === 'error').length;
      return {
        state: 'failed',
        description: `The platform repository would be invalid: ${errors} error${errors === 1 ? '' : 's'}`,
        comment: platformProblemsComment(head.result.diagnostics, job.repo, PLATFORM_PLAN_MARKER),
      };
    }
    const known = await knownComponents(deps);
    const current = await deps.state.snapshot();
    const planWith = (config: typeof head.result.config) =>
      plan({ platform: config, known, current, projectOf: (repo, root) => findProject(config, repo, root) });
    const after = planWith(head.result.config);
    // An invalid base (being fixed by this PR) compares against nothing: everything is touched.
    const before = base.result.ok ? planWith(base.result.config) : undefined;
    const impact = platformImpact(before, after);

    const title = `${job.repo} #${job.prNumber} @ ${job.headSha.slice(0, 7)}`;
    const breaks = [...impact.newErrorViolations.values()].reduce((a, b) => a + b, 0) + impact.newlyInvalid;
    const n = impact.touched.length;
    return {
      state: breaks > 0 ? 'failed' : 'succeeded',
      description: n === 0
        ? `Touches no component (${impact.known} known)`
        : `Touches ${n} component${n === 1 ? '' : 's'} in ${impact.environments.length} env${impact.environments.length === 1 ? '' : 's'}${breaks > 0 ? ` · ${breaks} would break` : ''}`,
      comment: `${PLATFORM_PLAN_MARKER}\n${renderPlatformImpactMarkdown(impact, { title, fullPlanUrl: `${deps.publicUrl}/runs/${run.id}` })}`,
      fullMarkdown: renderPlatformImpactMarkdown(impact, { title, maxChars: 20_000_000 }),
      plan: after,
    };
  };
  const identity = { id, kind: 'plan-platform-pr', repo: job.repo, prNumber: job.prNumber, headSha: job.headSha, installationId: job.installationId } as const;
  return runPlan(deps, ports, identity, ctx, async (run) => (job.fromFork ? withForkNote(PLATFORM_PLAN_MARKER, await compute(run)) : compute(run)));
}
