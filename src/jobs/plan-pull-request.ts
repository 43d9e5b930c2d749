/**
 * Plan a pull request in a component repository.
 *
 * Reads the descriptors at the head sha (never a clone), finds the components whose files the
 * pull request changes (all of them for `/pave plan`), resolves their connections against every
 * component the index knows plus this repository's own, reads the current state, plans every
 * environment of each component's pipeline, and records the run. The reports (status, sticky
 * comment) are posted by a separate report job, so a failing report never re-runs the plan.
 *
 * A pull request from a fork is planned like any other, but without secrets (the job gets no apply
 * ports) and with a note that nothing from it is applied before it is merged.
 */
import type { LocatedComponent } from '../domain/component.js';
import type { Run } from '../domain/runs.js';
import { findProject } from '../config/platform/index.js';
import { plan, type UnreadableComponent } from '../planner/plan.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import type { PlanPullRequest } from '../queue/jobs.js';
import { PLAN_MARKER, PLAN_STATUS_CONTEXT, runIdFor, type JobContext, type JobDeps } from './context.js';
import { withForkNote, withoutSecrets } from './fork.js';
import { knownComponents, platformProblemsComment, planDescription, readRepositoryAt } from './plan-support.js';
import { runPlan, type RunOutcome } from './run-lifecycle.js';

export async function planPullRequest(allDeps: JobDeps, job: PlanPullRequest, ctx: JobContext): Promise<Run> {
  // A fork's code is untrusted: its plan runs without the apply ports, so it cannot reach a secret.
  const deps = job.fromFork ? withoutSecrets(allDeps) : allDeps;
  const ports = deps.repositories(job.installationId);
  const id = runIdFor('pr', job.repo, job.prNumber, job.headSha, job.all ? '-all' : '');
  const compute = async (run: Run): Promise<RunOutcome> => {
    const platformSource = deps.platform(job.installationId);
    const platform = await platformSource.current();
    if (!platform.result.ok) {
      return { state: 'failed', description: 'The platform repository is invalid: nothing can be planned', comment: platformProblemsComment(platform.result.diagnostics, platformSource.repo) };
    }
    const config = platform.result.config;
    const discovered = await readRepositoryAt(ports.reader, job.repo, job.headSha);
    const changed = job.all ? undefined : await ports.reader.changedFiles(job.repo, job.baseSha, job.headSha);
    const touches = (root: string) => !changed || changed.some((p) => root === '' || p === root || p.startsWith(`${root}/`));
    const roots = discovered.filter((d) => touches(d.root)).map((d) => d.root);
    if (roots.length === 0) {
      return { state: 'succeeded', description: discovered.length === 0 ? 'No .choreo/ component in this repository' : 'No component changed: nothing to plan' };
    }

    const own: LocatedComponent[] = [];
    const unreadable: UnreadableComponent[] = [];
    for (const d of discovered) {
      if (d.descriptor) own.push({ repo: job.repo, descriptor: d.descriptor });
      else if (roots.includes(d.root)) unreadable.push({ repo: job.repo, root: d.root, name: d.root.split('/').pop() || job.repo.split('/')[1]!, problems: d.reports.flatMap((x) => x.errors) });
    }
    const known = [...(await knownComponents(deps, job.repo)), ...own];
    const result = plan({
      platform: config,
      known,
      targets: own.filter((c) => roots.includes(c.descriptor.root)).map((c) => ({ repo: c.repo, root: c.descriptor.root })),
      unreadable,
      current: await deps.state.snapshot(),
      projectOf: (repo, root) => findProject(config, repo, root),
    });
    const title = `${job.repo} #${job.prNumber} @ ${job.headSha.slice(0, 7)}`;
    const fullPlanUrl = `${deps.publicUrl}/runs/${run.id}`;
    return {
      state: result.ok ? 'succeeded' : 'failed',
      description: planDescription(result),
      comment: `${PLAN_MARKER}\n${renderPlanMarkdown(result, { title, fullPlanUrl })}`,
      fullMarkdown: renderPlanMarkdown(result, { title, maxChars: 20_000_000 }),
      plan: result,
    };
  };
  const identity = { id, kind: 'plan-pr', repo: job.repo, prNumber: job.prNumber, headSha: job.headSha, installationId: job.installationId } as const;
  return runPlan(deps, ports, identity, ctx, async (run) => (job.fromFork ? withForkNote(PLAN_MARKER, await compute(run)) : compute(run)));
}

export { PLAN_STATUS_CONTEXT };
