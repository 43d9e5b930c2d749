/**
 * `/pave …` comments. Acknowledged with a 👀 reaction at once; then authorized against the
 * platform repository's default branch (never the pull request) and carried out.
 *
 * - `/pave plan` — re-plan every component of the pull request (platform PRs: the blast radius).
 *   Allowed to users with write access to the repository and to the owners (users or teams) of a
 *   project that claims it.
 * - `/pave help` — the list of commands. Anyone.
 * - `/pave delete-database …` — delete an orphaned database (see `delete-database-command.ts`).
 *   Platform administrators only; on issues too.
 * Anything else gets a short help reply; a refusal is polite and says who may run it. On a pull
 * request from a fork that is not merged yet, commands that would need secrets (deploying,
 * building, promoting) are refused politely whoever asks; `/pave plan` plans without secrets.
 */
import { findProject } from '../config/platform/index.js';
import type { PlatformConfig } from '../domain/platform.js';
import type { RunCommand } from '../queue/jobs.js';
import type { JobContext, JobDeps, RepositoryPorts } from './context.js';
import { deleteDatabaseCommand } from './delete-database-command.js';
import { PROMOTION_HELP_ROWS, runPromotionCommand, type PromotionVerb } from './promotion-commands.js';

export const COMMANDS_HELP = [
  '**pave commands** (comment on a pull request):',
  '',
  '| command | what it does | who |',
  '|---|---|---|',
  '| `/pave plan` | re-plan every component of this pull request in every environment | repository writers, project owners |',
  '| `/pave help` | this list | anyone |',
  '| `/pave delete-database <environment> <component> <database> --confirm <physical-name>` | delete a database the component no longer declares (its data is lost; also on issues) | platform administrators |',
  ...PROMOTION_HELP_ROWS,
  '',
  '_Merges apply on their own; promotion commands work on the merged pull request (or name a release)._',
].join('\n');

export async function runCommand(deps: JobDeps, job: RunCommand, ctx: JobContext): Promise<void> {
  const ports = deps.repositories(job.installationId);
  await ports.comments.react(job.repo, job.commentId, 'eyes');
  const [verb = 'help', ...args] = job.command.trim().split(/\s+/).filter(Boolean);
  if (job.isPullRequest && NEEDS_SECRETS.has(verb.toLowerCase()) && (await openForkPullRequest(ports, job))) {
    await ports.comments.react(job.repo, job.commentId, 'confused');
    await ports.comments.reply(job.repo, job.issueNumber,
      `Sorry @${job.author}, \`/pave ${verb.toLowerCase()}\` needs secrets, and this pull request comes from a fork: pave plans fork pull requests ` +
      'without secrets and applies them only after they are merged. Once it is merged, its changes are applied like any other merge.');
    ctx.logger.info({ repo: job.repo, author: job.author, verb }, 'command refused on a fork pull request');
    return;
  }

  switch (verb.toLowerCase()) {
    case 'help':
      await ports.comments.reply(job.repo, job.issueNumber, COMMANDS_HELP);
      return;
    case 'plan': {
      if (!job.isPullRequest) {
        await ports.comments.reply(job.repo, job.issueNumber, `@${job.author} \`/pave plan\` works on pull requests only.`);
        return;
      }
      const platformSource = deps.platform(job.installationId);
      const platform = await platformSource.current();
      const allowed = await mayPlan(ports, platform.result.ok ? platform.result.config : undefined, job.repo, job.author);
      if (!allowed.ok) {
        await ports.comments.react(job.repo, job.commentId, 'confused');
        await ports.comments.reply(job.repo, job.issueNumber,
          `Sorry @${job.author}, \`/pave plan\` is for ${allowed.who}. (Permissions come from the platform repository's default branch.)`);
        ctx.logger.info({ repo: job.repo, author: job.author }, 'command refused');
        return;
      }
      const pr = await ports.reader.pullRequest(job.repo, job.issueNumber);
      const base = { installationId: job.installationId, deliveryId: job.deliveryId, receivedAt: job.receivedAt, repo: job.repo, prNumber: pr.number, headSha: pr.headSha, baseSha: pr.baseSha };
      const isPlatform = job.repo.toLowerCase() === platformSource.repo.toLowerCase();
      const fork = pr.fromFork ? { fromFork: true } : {};
      await deps.enqueue([isPlatform ? { ...base, kind: 'plan-platform-pr', ...fork } : { ...base, kind: 'plan-pr', all: true, ...fork }]);
      if (args.length > 0) ctx.logger.info({ args }, 'extra arguments to /pave plan ignored');
      return;
    }
    case 'promote':
    case 'approve':
    case 'rollback':
    case 'unhold':
    case 'reject':
      await runPromotionCommand(deps, ports, job, verb.toLowerCase() as PromotionVerb, args, ctx);
      return;
    case 'delete-database':
      await deleteDatabaseCommand(deps, job, ctx, args);
      return;
    default:
      await ports.comments.react(job.repo, job.commentId, 'confused');
      await ports.comments.reply(job.repo, job.issueNumber, `@${job.author} I don't know \`/pave ${verb.replace(/`/g, "'").slice(0, 40)}\`.\n\n${COMMANDS_HELP}`);
  }
}

/**
 * Commands that deploy, build or touch credentials: refused on a pull request from a fork until it
 * is merged (a fork's code is untrusted, and its pull request is planned without secrets).
 */
const NEEDS_SECRETS: ReadonlySet<string> = new Set(['apply', 'deploy', 'build', 'promote', 'approve', 'rollback']);

/** Whether the pull request is an unmerged one from a fork (false when pave cannot tell: no such pull request). */
async function openForkPullRequest(ports: RepositoryPorts, job: RunCommand): Promise<boolean> {
  try {
    const pr = await ports.reader.pullRequest(job.repo, job.issueNumber);
    return pr.fromFork && !pr.merged;
  } catch (err) {
    if ((err as { code?: string }).code === 'not-found') return false;
    throw err;
  }
}

async function mayPlan(ports: RepositoryPorts, platform: PlatformConfig | undefined, repo: string, login: string): Promise<{ ok: true } | { ok: false; who: string }> {
  const permission = await ports.directory.permission(repo, login);
  if (permission === 'admin' || permission === 'maintain' || permission === 'write') return { ok: true };
  // Owners of every project whose `repos` globs claim this repository.
  const claiming = [...(platform?.projects.values() ?? [])].filter((p) => findProject({ projects: new Map([[p.name, p]]) }, repo, '') !== undefined);
  const owners = [...new Set(claiming.flatMap((p) => p.owners))];
  for (const owner of owners) {
    const name = owner.replace(/^@/, '');
    if (name.includes('/') ? await ports.directory.isTeamMember(name, login) : name.toLowerCase() === login.toLowerCase()) return { ok: true };
  }
  return { ok: false, who: `people with write access to ${repo}${owners.length > 0 ? ` and ${owners.join(', ')}` : ''}` };
}
