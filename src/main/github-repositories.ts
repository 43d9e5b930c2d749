/**
 * GitHub mode: every repository is read and reported through GitHub's REST API (App installation
 * tokens, or one token). The platform repository is read through `GITHUB_PLATFORM_INSTALLATION_ID`
 * when set, else through the installation of the event being handled (one installation usually
 * covers an organization's platform and component repositories). A `PLATFORM_REPO` that is a
 * local directory is read from disk.
 */
import { ContentBudget, createGitHubAdapters } from '../adapters/github/index.js';
import { createLocalRepositoryReader } from '../adapters/local/local-repository-reader.js';
import type { AppConfig } from '../config/env.js';
import type { Logger } from '../domain/logger.js';
import { createPlatformSource, type PlatformSource } from '../jobs/platform-source.js';
import type { Repositories } from './repositories.js';

export function createGitHubRepositories(config: AppConfig, logger: Logger, onRateLimit: (remaining: number) => void): Repositories {
  const github = createGitHubAdapters({
    apiUrl: config.githubApiUrl, auth: config.github, logger, onRateLimitRemaining: onRateLimit,
    retry: { writeSpacingMs: config.githubWriteSpacingMs, notificationSpacingMs: config.githubContentSpacingMs },
    budget: new ContentBudget({ perMinute: config.githubContentPerMinute, perHour: config.githubContentPerHour }),
  });
  const sources = new Map<number | undefined, PlatformSource>();
  const local = config.platformRepo.kind === 'local'
    ? createPlatformSource(createLocalRepositoryReader(() => (config.platformRepo.kind === 'local' ? config.platformRepo.dir : undefined)), 'local/platform')
    : undefined;
  return {
    embedded: false,
    forInstallation: (id) => github.forInstallation(id),
    platform(installationId) {
      if (local) return local;
      const repo = config.platformRepo.kind === 'github' ? config.platformRepo.repo : '';
      const id = config.github.kind === 'token' ? undefined : (config.platformInstallationId ?? installationId);
      let source = sources.get(id);
      if (!source) {
        source = createPlatformSource(github.forInstallation(id).reader, repo);
        sources.set(id, source);
      }
      return source;
    },
    async gitCredentials(installationId?: number) {
      if (config.github.kind === 'token') return { username: 'x-access-token', password: config.github.token };
      const client = github.clients.forInstallation(installationId ?? config.stateInstallationId);
      const { token } = (await client.auth({ type: 'installation' })) as { token: string };
      return { username: 'x-access-token', password: token };
    },
    platformRepoForEvents: config.platformRepo.kind === 'github' ? config.platformRepo.repo : undefined,
    ...(config.github.kind === 'app' ? { deliveryLog: github.deliveries, repositoryDirectory: github.installationRepositories } : {}),
    botLogins: ['pave[bot]'],
    // The index fills from installation and push events; there is nothing local to index.
    indexLocal: async () => 0,
  };
}
