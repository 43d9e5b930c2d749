/**
 * A run's life: recorded as `running`, computed, then finished with its outcome and handed to a
 * report job. The `pending` status is posted only when the plan takes longer than a moment
 * (`pendingAfterMs`): GitHub asks integrations to space their writes by a second, and a fast plan
 * should not spend that second on a status that is replaced at once. On a final error the run is
 * recorded as `errored` and reported too, so every path ends with a report; on a retryable error
 * nothing is reported yet (the retry will).
 */
import type { Run, RunState } from '../domain/runs.js';
import { PLAN_STATUS_CONTEXT, type JobContext, type JobDeps, type RepositoryPorts } from './context.js';

export type RunIdentity = Pick<Run, 'id' | 'kind' | 'repo' | 'prNumber' | 'headSha' | 'installationId'>;

export interface RunOutcome {
  readonly state: Exclude<RunState, 'running' | 'errored'>;
  readonly description: string;
  readonly comment?: string;
  readonly fullMarkdown?: string;
  readonly plan?: Run['plan'];
}

/** How long a plan may take before its pending status is posted. */
export const PENDING_AFTER_MS = 750;

export async function runPlan(deps: JobDeps, ports: RepositoryPorts, identity: RunIdentity, ctx: JobContext, compute: (run: Run) => Promise<RunOutcome>): Promise<Run> {
  const run: Run = { ...identity, state: 'running', startedAt: deps.clock.now().toISOString(), description: 'Planning…' };
  await deps.runs.save(run);
  let pending: Promise<void> | undefined;
  const timer = setTimeout(() => {
    pending = postPending(deps, ports, run, ctx);
  }, deps.pendingAfterMs ?? PENDING_AFTER_MS);

  let finished: Run;
  try {
    const outcome = await compute(run);
    finished = { ...run, ...outcome, finishedAt: deps.clock.now().toISOString() };
  } catch (err) {
    clearTimeout(timer);
    await pending;
    if (ctx.willRetry(err)) throw err;
    const errored: Run = { ...run, state: 'errored', finishedAt: deps.clock.now().toISOString(), description: 'pave could not plan this change (see the run page)', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    await deps.runs.save(errored);
    await deps.enqueue([{ kind: 'report', runId: run.id, phase: 'finished' }]);
    throw err;
  }
  clearTimeout(timer);
  await pending;
  await deps.runs.save(finished);
  await deps.enqueue([{ kind: 'report', runId: run.id, phase: 'finished' }]);
  return finished;
}

async function postPending(deps: JobDeps, ports: RepositoryPorts, run: Run, ctx: JobContext): Promise<void> {
  try {
    await ports.statuses.setStatus(run.repo, run.headSha, {
      context: PLAN_STATUS_CONTEXT, state: 'pending', description: 'pave is planning this change…', targetUrl: `${deps.publicUrl}/runs/${run.id}`,
    });
  } catch (err) {
    // A courtesy: never fail or delay the plan for it; post it on its own (it is skipped if the run is done by then).
    ctx.logger.warn({ err: String(err), runId: run.id }, 'pending status not posted; retrying it alone');
    await deps.enqueue([{ kind: 'report', runId: run.id, phase: 'started' }]).catch(() => undefined);
  }
}
