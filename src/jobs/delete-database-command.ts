/**
 * `/pave delete-database <environment> <component> <database> --confirm <physical-name>`: the one
 * way pave deletes data. Commented on an issue or pull request of the component's repository (or
 * of the platform repository), it is
 *
 * 1. authorized: platform administrators only — `admins` in platform.yaml (users and teams), or,
 *    without that list, users with admin permission on the platform repository; read from the
 *    platform repository's default branch, never from a pull request;
 * 2. checked against the state repository: the database must be an orphan of that component in
 *    that environment (a database still declared must first be removed from component.yaml), and
 *    the confirmation must be its physical name;
 * 3. handed to the `delete-database` job on the apply queue, which drops it, records it and replies.
 *
 * Every refusal says why, and what would work.
 */
import type { StateRepository } from '../domain/apply.js';
import type { Directory } from '../domain/ports.js';
import type { CurrentState } from '../domain/orphans.js';
import type { PlatformConfig } from '../domain/platform.js';
import { deleteCommand } from '../planner/orphans.js';
import { code } from '../render/markdown.js';
import type { RunCommand } from '../queue/jobs.js';
import type { JobContext, JobDeps } from './context.js';
import { componentDir, readOrphans } from './orphans.js';

export const DELETE_DATABASE_USAGE = '`/pave delete-database <environment> <component> <database> --confirm <physical-database-name>`';

export interface DeleteDatabaseArgs {
  readonly environment: string;
  /** `component` or `project/component`. */
  readonly component: string;
  readonly project?: string;
  readonly database: string;
  readonly confirm: string;
}

/** The command's words after `delete-database`; a string says what is wrong. */
export function parseDeleteDatabase(args: readonly string[]): DeleteDatabaseArgs | string {
  const positional: string[] = [];
  let confirm: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--confirm') {
      if (confirm !== undefined) return '`--confirm` is given twice';
      confirm = args[++i];
      if (confirm === undefined || confirm.startsWith('--')) return '`--confirm` needs the physical name of the database';
    } else if (a.startsWith('--confirm=')) {
      if (confirm !== undefined) return '`--confirm` is given twice';
      confirm = a.slice('--confirm='.length);
    } else if (a.startsWith('--')) {
      return `unknown option ${code(a.slice(0, 40))}`;
    } else {
      positional.push(a);
    }
  }
  if (positional.length !== 3) return `expected an environment, a component and a database; got ${positional.length} word${positional.length === 1 ? '' : 's'}`;
  if (!confirm) return '`--confirm <physical-database-name>` is required: deleting a database cannot be undone';
  const [environment, qualified, database] = positional as [string, string, string];
  const slash = qualified.indexOf('/');
  const project = slash > 0 ? qualified.slice(0, slash) : undefined;
  const component = slash > 0 ? qualified.slice(slash + 1) : qualified;
  if ([environment, component, database, project ?? 'x', confirm].some((w) => w.length === 0 || w.length > 100)) return 'names are 1 to 100 characters';
  return { environment, component, ...(project ? { project } : {}), database, confirm };
}

export type Authorization = { readonly ok: true; readonly as: string } | { readonly ok: false; readonly who: string };

/**
 * Whether `login` is a platform administrator: listed in `admins` (as `@login`, or a member of an
 * `@org/team` there); without that list, admin permission on the platform repository.
 */
export async function mayDeleteDatabases(directory: Directory, platform: PlatformConfig, platformRepo: string, login: string): Promise<Authorization> {
  const admins = platform.settings.admins;
  if (admins === undefined) {
    if ((await directory.permission(platformRepo, login)) === 'admin') return { ok: true, as: `admin of ${platformRepo}` };
    return { ok: false, who: `platform administrators (users with admin permission on ${platformRepo}; platform.yaml lists no \`admins\`)` };
  }
  for (const entry of admins) {
    const name = entry.replace(/^@/, '');
    if (!name.includes('/') && name.toLowerCase() === login.toLowerCase()) return { ok: true, as: entry };
  }
  for (const entry of admins) {
    const name = entry.replace(/^@/, '');
    if (name.includes('/') && (await directory.isTeamMember(name, login))) return { ok: true, as: `member of ${entry}` };
  }
  return { ok: false, who: admins.length > 0 ? `platform administrators (${admins.join(', ')}, the \`admins\` of platform.yaml)` : 'nobody: the `admins` list of platform.yaml is empty' };
}

/** What the state repository knows that the request names, or why it cannot be done. */
export type DeletionTarget =
  | { readonly ok: true; readonly current: CurrentState }
  | { readonly ok: false; readonly reason: string; readonly current?: CurrentState };

/**
 * Find the orphan the request names. `repo`: where the command was commented — a component
 * repository limits the search to its own components; the platform repository (`anyRepo`) does not.
 */
export function findDeletionTarget(platform: PlatformConfig, snapshot: ReadonlyMap<string, CurrentState>, request: DeleteDatabaseArgs, repo: string, anyRepo: boolean): DeletionTarget {
  if (!platform.environments.has(request.environment)) {
    return { ok: false, reason: `there is no environment ${code(request.environment)}; environments: ${[...platform.environments.keys()].map(code).join(', ')}` };
  }
  const inEnvironment = [...snapshot.values()].filter((s) => s.environment === request.environment);
  const matches = inEnvironment.filter((s) => s.component === request.component && (request.project === undefined || s.project === request.project) &&
    (anyRepo || s.repo.toLowerCase() === repo.toLowerCase()));
  if (matches.length === 0) {
    const here = inEnvironment.filter((s) => anyRepo || s.repo.toLowerCase() === repo.toLowerCase()).map((s) => code(`${s.project}/${s.component}`));
    return { ok: false, reason: `pave has applied no component ${code(request.project ? `${request.project}/${request.component}` : request.component)} ` +
      `${anyRepo ? '' : `of ${repo} `}in ${code(request.environment)}${here.length > 0 ? `; known there: ${here.slice(0, 20).join(', ')}` : ''}` };
  }
  if (matches.length > 1) {
    return { ok: false, reason: `${code(request.component)} names components of several projects in ${code(request.environment)}: write one of ${matches.map((m) => code(`${m.project}/${m.component}`)).join(', ')}` };
  }
  const current = matches[0]!;
  if (current.databases.some((d) => d.name === request.database)) {
    return { ok: false, reason: `${code(request.database)} is still declared by ${code(current.component)} in ${code(request.environment)}: remove it from component.yaml first ` +
      '(once that merge is applied, pave keeps the database as an orphan, and it can be deleted)' };
  }
  const orphan = current.orphans?.find((o) => o.name === request.database);
  if (!orphan) {
    const names = (current.orphans ?? []).map((o) => code(o.name));
    return { ok: false, current, reason: `${code(current.component)} has no orphaned database ${code(request.database)} in ${code(request.environment)}` +
      (names.length > 0 ? `; its orphans: ${names.join(', ')}` : ' (it has none)') };
  }
  if (request.confirm !== orphan.database) {
    return { ok: false, reason: `the confirmation does not match: ${code(request.database)} is ${code(orphan.database)} on ${orphan.host}:${orphan.port}. ` +
      `To delete it and all its data, comment ${code(deleteCommand(request.environment, request.project ? `${current.project}/${current.component}` : current.component, orphan))}` };
  }
  return { ok: true, current };
}

async function deletedBy(state: StateRepository, current: CurrentState, database: string, commentId: number): Promise<boolean> {
  const { file } = await readOrphans(state, componentDir(current.environment, current.project, current.component));
  return file.deleted.some((d) => d.name === database && d.requestId === commentId);
}

/** Run the command (after the 👀 reaction): refuse with a reason, or enqueue the deletion. */
export async function deleteDatabaseCommand(deps: JobDeps, job: RunCommand, ctx: JobContext, args: readonly string[]): Promise<void> {
  const ports = deps.repositories(job.installationId);
  const refuse = async (text: string): Promise<void> => {
    await ports.comments.react(job.repo, job.commentId, 'confused');
    await ports.comments.reply(job.repo, job.issueNumber, text);
    ctx.logger.info({ repo: job.repo, author: job.author }, 'delete-database refused');
  };
  const request = parseDeleteDatabase(args);
  if (typeof request === 'string') return refuse(`@${job.author} ${request}.\n\nUsage: ${DELETE_DATABASE_USAGE}`);
  const platformSource = deps.platform(job.installationId);
  const platform = await platformSource.current();
  if (!platform.result.ok) return refuse(`@${job.author} the platform repository is invalid on its default branch; fix it before anything can be deleted.`);
  const config = platform.result.config;
  const allowed = await mayDeleteDatabases(ports.directory, config, platformSource.repo, job.author);
  if (!allowed.ok) {
    return refuse(`Sorry @${job.author}, \`/pave delete-database\` is for ${allowed.who}. (Permissions come from the platform repository's default branch.)`);
  }
  if (!deps.apply) return refuse(`@${job.author} this pave service does not apply changes (no state repository or secret key), so it cannot delete databases either.`);
  const isPlatform = job.repo.toLowerCase() === platformSource.repo.toLowerCase();
  const target = findDeletionTarget(config, await deps.state.snapshot(), request, job.repo, isPlatform);
  // This very comment was carried out already (a redelivery, or this job retried after a crash):
  // hand it to the deletion job again, which finds its record and leaves its one reply as it is.
  const done = !target.ok && target.current && (await deletedBy(deps.apply.state, target.current, request.database, job.commentId));
  if (!target.ok && !done) return refuse(`@${job.author} nothing was deleted: ${target.reason}.`);
  const current = target.ok ? target.current : target.current!;
  await deps.enqueue([{
    kind: 'delete-database', deliveryId: job.deliveryId, receivedAt: job.receivedAt, ...(job.installationId ? { installationId: job.installationId } : {}),
    repo: job.repo, issueNumber: job.issueNumber, commentId: job.commentId, author: job.author,
    environment: current.environment, project: current.project, component: current.component, database: request.database,
  }]);
  await ports.comments.react(job.repo, job.commentId, '+1');
  ctx.logger.info({ repo: job.repo, author: job.author, as: allowed.as, environment: current.environment, component: current.component, database: request.database }, 'delete-database accepted');
}
