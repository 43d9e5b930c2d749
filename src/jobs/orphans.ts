/**
 * The orphans file of one (component, environment) in the state repository
 * (`environments/<env>/<project>/<component>/orphans.json`, see `domain/orphans.ts`): read, and
 * updated by an apply in its own commit.
 */
import { parseOrphanFile } from '../config/state/read-state-snapshot.js';
import type { StateChange, StateRepository } from '../domain/apply.js';
import { ConfigError } from '../domain/errors.js';
import type { OrphanFile } from '../domain/orphans.js';
import type { DesiredDatabase, DesiredState } from '../domain/plan.js';
import { applyOrphans, orphanFileText } from '../planner/orphans.js';

export function componentDir(environment: string, project: string, component: string): string {
  return `environments/${environment}/${project}/${component}`;
}

export function secretsPath(environment: string, project: string, component: string): string {
  return `secrets/${environment}/${project}/${component}.json`;
}

/** The orphans file and its text as stored (undefined: no file). An unreadable file stops the caller: orphans must never be forgotten. */
export async function readOrphans(state: StateRepository, dir: string): Promise<{ file: OrphanFile; text: string | undefined }> {
  const path = `${dir}/orphans.json`;
  const text = (await state.readFiles(path)).get(path);
  const file = parseOrphanFile(text);
  if (typeof file === 'string') throw new ConfigError(`${path} in the state repository: ${file}; repair it (pave keeps no other record of these databases)`);
  return { file, text };
}

/**
 * The change an apply of `desired` makes to the orphans: databases the last applied desired state
 * declared and `desired` does not are recorded (with `at`), orphans declared again are removed
 * (adopted). Also says so, in words, for the apply's report.
 */
export async function orphansAfterApply(state: StateRepository, desired: DesiredState, at: { since: string; sourceSha: string; actor: string }): Promise<{ files: StateChange; changed: string[] }> {
  const dir = componentDir(desired.environment, desired.project, desired.component);
  const path = `${dir}/desired.json`;
  const previousText = (await state.readFiles(path)).get(path);
  // A desired.json pave cannot read is rewritten by this apply; its databases are then unknown.
  let previous: readonly DesiredDatabase[] = [];
  try {
    if (previousText) previous = (JSON.parse(previousText) as { databases?: DesiredDatabase[] }).databases ?? [];
  } catch { /* the planner reports an unreadable state file */ }
  const { file, text } = await readOrphans(state, dir);
  const change = applyOrphans(previous, file, desired.databases, at);
  const changed = [
    ...change.orphaned.map((o) => `${o.name}: no longer declared — \`${o.database}\` and its data are kept (retained)`),
    ...change.adopted.map((o) => `${o.name}: declared again — adopted the retained \`${o.database}\`, data intact`),
  ];
  const next = orphanFileText(change.file);
  return { files: next === (text ?? null) ? {} : { [`${dir}/orphans.json`]: next }, changed };
}
