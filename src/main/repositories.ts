/**
 * Which repositories the service reads and where its reports go: GitHub (an App or a token), or
 * the embedded default (local directories, reports to the log and the run pages).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readSourceTree } from '../adapters/fs/read-source-tree.js';
import { createLocalRepositoryReader } from '../adapters/local/local-repository-reader.js';
import { createLogReporters } from '../adapters/local/log-reporter.js';
import { isDescriptorPath } from '../config/component/index.js';
import type { AppConfig } from '../config/env.js';
import type { Logger } from '../domain/logger.js';
import type { DeliveryLog, RepositoryDirectory } from '../domain/resync.js';
import type { RepositoryPorts } from '../jobs/context.js';
import { createPlatformSource, type PlatformSource } from '../jobs/platform-source.js';
import type { JobRequest } from '../queue/jobs.js';
import { createGitHubRepositories } from './github-repositories.js';

export interface Repositories {
  readonly embedded: boolean;
  forInstallation(installationId?: number): RepositoryPorts;
  platform(installationId?: number): PlatformSource;
  /** The platform repository as webhooks name it (undefined in the embedded default). */
  readonly platformRepoForEvents?: string;
  /**
   * Git credentials (GitHub mode only): of `installationId` (a component repository's checkout), else
   * of the state installation (pushing to a remote state repository).
   */
  gitCredentials?(installationId?: number): Promise<{ username: string; password: string }>;
  /** pave's own logins: their comments are never commands. */
  readonly botLogins: readonly string[];
  /** Embedded default: index every repository under the local directory. */
  indexLocal(enqueue: (jobs: readonly JobRequest[]) => Promise<void>): Promise<number>;
  /** GitHub App mode: the App's webhook delivery log (for the delivery sweeper). */
  readonly deliveryLog?: DeliveryLog;
  /** GitHub App mode: every repository of every installation (for the resync; else the index's). */
  readonly repositoryDirectory?: RepositoryDirectory;
  /** Embedded default: what the reporters would have posted (most recent last). */
  readonly recentReports?: readonly { type: string; repo: string; target: string; text: string }[];
}

/** In the embedded default the platform repository is called this. */
export const LOCAL_PLATFORM_REPO = 'local/platform';

export function createRepositories(config: AppConfig, logger: Logger, onRateLimit: (remaining: number) => void): Repositories {
  if (config.github.kind !== 'none') return createGitHubRepositories(config, logger, onRateLimit);

  const platformDir = config.platformRepo.kind === 'local' ? config.platformRepo.dir : 'platform-repo-example';
  const reader = createLocalRepositoryReader((repo) =>
    repo === LOCAL_PLATFORM_REPO ? platformDir : join(config.localReposDir, repo.slice(repo.indexOf('/') + 1)));
  const reporters = createLogReporters(logger);
  const ports: RepositoryPorts = { reader, statuses: reporters, comments: reporters, directory: reporters };
  const platform = createPlatformSource(reader, LOCAL_PLATFORM_REPO);
  return {
    embedded: true,
    forInstallation: () => ports,
    platform: () => platform,
    botLogins: ['pave[bot]'],
    recentReports: reporters.recent,
    async indexLocal(enqueue) {
      const loaded = await platform.current();
      const owner = loaded.result.ok ? (loaded.result.config.settings.githubOwners[0] ?? 'local') : 'local';
      const entries = await readdir(config.localReposDir, { withFileTypes: true }).catch(() => []);
      const repos: string[] = [];
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        const tree = await readSourceTree(join(config.localReposDir, e.name), { include: () => false, maxFiles: 50_000 });
        if ([...tree.paths].some(isDescriptorPath)) repos.push(`${owner}/${e.name}`);
      }
      const now = Date.now();
      await enqueue(repos.map((repo) => ({ kind: 'index-repo', repo, deliveryId: `startup-${now}`, receivedAt: now })));
      return repos.length;
    },
  };
}
