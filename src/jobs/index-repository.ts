/**
 * Keep the component index current: read a repository's descriptors at a sha (its default
 * branch head when none is given) and record its components; forget removed repositories.
 */
import type { ComponentDescriptor } from '../domain/component.js';
import type { ForgetRepositories, IndexRepository } from '../queue/jobs.js';
import type { JobContext, JobDeps } from './context.js';
import { readRepositoryAt } from './plan-support.js';

export async function indexRepository(deps: JobDeps, job: IndexRepository, ctx: JobContext): Promise<void> {
  const { reader } = deps.repositories(job.installationId);
  const sha = job.sha ?? (await reader.resolveRef(job.repo, await reader.defaultBranch(job.repo)));
  const entries = await readRepositoryAt(reader, job.repo, sha);
  const components: ComponentDescriptor[] = entries.flatMap((e) => (e.descriptor ? [e.descriptor] : []));
  const invalidRoots = entries.filter((e) => !e.descriptor).map((e) => e.root);
  if (components.length === 0 && invalidRoots.length === 0) {
    await deps.index.remove([job.repo]);
    ctx.logger.info({ sha }, 'no components; repository not indexed');
    return;
  }
  await deps.index.put({ repo: job.repo, sha, components, invalidRoots, indexedAt: deps.clock.now().toISOString() });
  ctx.logger.info({ sha, components: components.length, invalid: invalidRoots.length }, 'repository indexed');
}

export async function forgetRepositories(deps: JobDeps, job: ForgetRepositories, ctx: JobContext): Promise<void> {
  await deps.index.remove(job.repos);
  ctx.logger.info({ repos: job.repos.length }, 'repositories forgotten');
}
