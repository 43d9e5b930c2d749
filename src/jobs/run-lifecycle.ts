/**
 * A run's life: recorded as `running` with a pending status, then finished with its outcome and
 * handed to a report job. On a final error the run is recorded as `errored` and reported too, so
 * every path ends with a report; on a retryable error nothing is reported yet (the retry will).
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

export async function startRun(deps: JobDeps, ports: RepositoryPorts, identity: RunIdentity, ctx: JobContext): Promise<Run> {
  const run: Run = { ...identity, state: 'running', startedAt: deps.clock.now().toISOString(), description: 'Planning…' };
  await deps.runs.save(run);
  try {
    await ports.statuses.setStatus(run.repo, run.headSha, {
      context: PLAN_STATUS_CONTEXT, state: 'pending', description: 'pave is planning this change…', targetUrl: `${deps.publicUrl}/runs/${run.id}`,
    });
  } catch (err) {
    // The pending status is a courtesy: never fail or delay the plan for it; post it on its own.
    ctx.logger.warn({ err: String(err), runId: run.id }, 'pending status not posted; retrying it alone');
    await deps.enqueue([{ kind: 'report', runId: run.id, phase: 'started' }]);
  }
  return run;
}

export async function finishRun(deps: JobDeps, run: Run, ctx: JobContext, compute: () => Promise<RunOutcome>): Promise<Run> {
  let finished: Run;
  try {
    const outcome = await compute();
    finished = { ...run, ...outcome, finishedAt: deps.clock.now().toISOString() };
  } catch (err) {
    if (ctx.willRetry(err)) throw err;
    const errored: Run = { ...run, state: 'errored', finishedAt: deps.clock.now().toISOString(), description: 'pave could not plan this change (see the run page)', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    await deps.runs.save(errored);
    await deps.enqueue([{ kind: 'report', runId: run.id, phase: 'finished' }]);
    throw err;
  }
  await deps.runs.save(finished);
  await deps.enqueue([{ kind: 'report', runId: run.id, phase: 'finished' }]);
  return finished;
}
