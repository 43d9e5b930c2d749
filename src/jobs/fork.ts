/**
 * Pull requests from forks: their code is untrusted, so their plans run without the apply side
 * (no secret key, no sealing, no database provider, no state write) and say that nothing from them
 * is applied before they are merged.
 */
import type { JobDeps } from './context.js';
import type { RunOutcome } from './run-lifecycle.js';

/** What a fork pull request's plan says before the plan itself. */
export const FORK_NOTE = '> 🍴 **This pull request comes from a fork.** pave planned it without secrets (no credential was read, ' +
  'no database touched, nothing sealed) and applies nothing from it: its changes are applied only after it is merged.';

/** The job's dependencies without the apply side (secret cipher, sealing, database providers, state writes). */
export function withoutSecrets(deps: JobDeps): JobDeps {
  const rest: { -readonly [K in keyof JobDeps]: JobDeps[K] } = { ...deps };
  delete rest.apply;
  return rest;
}

/** Every report of a fork's plan starts by saying so (after the hidden `marker`, which stays first). */
export function withForkNote(marker: string, outcome: RunOutcome): RunOutcome {
  const comment = outcome.comment?.startsWith(`${marker}\n`)
    ? `${marker}\n${FORK_NOTE}\n\n${outcome.comment.slice(marker.length + 1)}`
    : outcome.comment !== undefined ? `${FORK_NOTE}\n\n${outcome.comment}` : undefined;
  return {
    ...outcome,
    ...(comment !== undefined ? { comment } : {}),
    ...(outcome.fullMarkdown !== undefined ? { fullMarkdown: `${FORK_NOTE}\n\n${outcome.fullMarkdown}` } : {}),
  };
}
