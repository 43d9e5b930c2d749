/**
 * The `delete-database` job: delete one orphaned database that an administrator asked for and
 * confirmed (`delete-database-command.ts`). Under the (project/component/environment) lease —
 *
 *   provider drop → one state commit (orphan entry moved to the deletion record, encrypted
 *   password removed) → one reply on the issue.
 *
 * Every step is idempotent, so a retry after a crash at any point neither fails nor repeats
 * anything: the drop skips what is gone; the commit is made only while the orphan is still
 * listed (after it, the deletion record names this request); the reply is a comment carrying a
 * marker per request, created once and then left alone (its text comes from the deletion record).
 */
import type { DatabaseProvider, EncryptedSecret } from '../domain/apply.js';
import { ConfigError, NotReadyError, TerminalError } from '../domain/errors.js';
import type { DeletedDatabase } from '../domain/orphans.js';
import { deleteOrphan, orphanFileText } from '../planner/orphans.js';
import { code, escapeText } from '../render/markdown.js';
import type { DeleteDatabase } from '../queue/jobs.js';
import type { JobContext, JobDeps } from './context.js';
import { componentDir, readOrphans, secretsPath } from './orphans.js';

const LEASE_MS = 10 * 60_000;

export function deletionMarker(job: Pick<DeleteDatabase, 'commentId' | 'database'>): string {
  return `<!-- pave:delete-database:${job.commentId}:${job.database.replace(/[^A-Za-z0-9_.-]/g, '_')} -->`;
}

/** Where the request was made: the comment's address. */
export function requestUrl(job: Pick<DeleteDatabase, 'repo' | 'issueNumber' | 'commentId'>): string {
  return `https://github.com/${job.repo}/issues/${job.issueNumber}#issuecomment-${job.commentId}`;
}

export async function deleteDatabase(deps: JobDeps, job: DeleteDatabase, ctx: JobContext): Promise<void> {
  const ports = deps.repositories(job.installationId);
  const reply = (body: string) => ports.comments.upsertComment(job.repo, job.issueNumber, deletionMarker(job), body);
  const what = `${code(job.database)} of ${code(`${job.project}/${job.component}`)} in ${code(job.environment)}`;
  try {
    const result = await deleteUnderLease(deps, job, ctx);
    if (result.kind === 'deleted') await reply(deletedReply(job, result.record));
    else await reply(`@${job.author} nothing was deleted: ${what} is no orphan (any more)${result.why ? ` — ${result.why}` : ''}.`);
  } catch (err) {
    if (ctx.willRetry(err)) throw err;
    await reply(`@${job.author} ❌ could not delete ${what}: ${escapeText(err instanceof Error ? err.message : String(err))}\n\n` +
      'Nothing was recorded as deleted; the orphan stays listed. Fix the cause and comment the command again.');
    throw err;
  }
}

type Result = { readonly kind: 'deleted'; readonly record: DeletedDatabase } | { readonly kind: 'not-an-orphan'; readonly why?: string };

async function deleteUnderLease(deps: JobDeps, job: DeleteDatabase, ctx: JobContext): Promise<Result> {
  const apply = deps.apply;
  if (!apply) throw new ConfigError('applying is not configured (no state repository or secret key)');
  const owner = `delete-database-${job.commentId}`;
  const leaseKey = `${job.project}/${job.component}/${job.environment}`;
  if (!(await apply.leases.acquire(leaseKey, LEASE_MS, owner))) throw new NotReadyError(`waiting for the lease on ${leaseKey} (an apply or promotion is running)`, 3_000);
  try {
    const dir = componentDir(job.environment, job.project, job.component);
    const { file } = await readOrphans(apply.state, dir);
    const orphan = file.databases.find((o) => o.name === job.database);
    if (!orphan) {
      // Deleted already: by this very request before a crash (its record is there), or by another.
      const done = file.deleted.find((d) => d.requestId === job.commentId && d.name === job.database);
      return done ? { kind: 'deleted', record: done } : { kind: 'not-an-orphan', why: 'it was deleted by an earlier request or declared again since' };
    }

    const platform = await deps.platform(job.installationId).current();
    if (!platform.result.ok) throw new ConfigError('the platform repository is invalid; fix it before anything can be deleted');
    const environment = platform.result.config.environments.get(job.environment);
    const server = environment?.databaseServers[orphan.engine];
    if (!server) throw new ConfigError(`environment ${job.environment} has no ${orphan.engine} server any more: pave has no credentials to delete ${orphan.database} with`);
    if (server.host !== orphan.host || server.port !== orphan.port) {
      throw new TerminalError(`${orphan.database} lives on ${orphan.host}:${orphan.port}, but ${job.environment}'s ${orphan.engine} server is now ${server.host}:${server.port}; delete it there by hand`);
    }
    const provider: DatabaseProvider = await apply.provider(orphan.engine, server, job.environment);
    const dropped = await provider.drop(orphan);
    ctx.logger.info({ environment: job.environment, component: job.component, database: orphan.name, changed: dropped.changed }, 'orphaned database dropped');

    const record: DeletedDatabase = {
      ...orphan, deletedAt: deps.clock.now().toISOString(), deletedBy: job.author, request: requestUrl(job), requestId: job.commentId, changed: dropped.changed,
    };
    const secretsFile = secretsPath(job.environment, job.project, job.component);
    const stored = (await apply.state.readFiles(secretsFile)).get(secretsFile);
    const secrets = stored ? { ...(JSON.parse(stored) as Record<string, EncryptedSecret>) } : {};
    delete secrets[`db/${job.environment}/${job.project}/${job.component}/${orphan.name}`];
    const message = `delete database ${orphan.name} of ${job.project}/${job.component} in ${job.environment} (${orphan.database} on ${orphan.host}:${orphan.port})\n\n` +
      `Requested by @${job.author}: ${record.request}\nActor: ${job.author}\n`;
    const commit = await apply.state.commit({
      [`${dir}/orphans.json`]: orphanFileText(deleteOrphan(file, orphan.name, record)),
      ...(stored ? { [secretsFile]: Object.keys(secrets).length > 0 ? JSON.stringify(secrets, null, 2) + '\n' : null } : {}),
    }, message, { name: 'pave', email: 'pave@users.noreply.github.com' });
    ctx.logger.info({ commit, database: orphan.name }, 'orphan deletion recorded');
    return { kind: 'deleted', record };
  } finally {
    await apply.leases.release(leaseKey, owner);
  }
}

function deletedReply(job: DeleteDatabase, r: DeletedDatabase): string {
  const removed = r.changed.length > 0 ? r.changed.map(escapeText).join(', ') : 'nothing was left on the server (already gone)';
  return [
    `🗑️ @${job.author} deleted ${code(r.name)} of ${code(`${job.project}/${job.component}`)} in ${code(job.environment)}.`,
    '',
    `- ${r.engine} ${r.engine === 'cache' ? 'key prefix' : 'database'} ${code(r.database)} and user ${code(r.user)} on ${r.host}:${r.port}: ${removed}`,
    `- retained since ${r.since} (no longer declared at ${r.sourceSha.slice(0, 7)}); deleted ${r.deletedAt}`,
    '- its orphan record and stored password are removed from the state repository (the deletion is recorded in `orphans.json`)',
  ].join('\n');
}
