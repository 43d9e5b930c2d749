/**
 * Everything that talks to GitHub, built from the configuration: per-installation ports for the
 * jobs, the App's delivery log for the sweeper, and the rate-limit reading for a gauge.
 *
 * ```ts
 * const github = createGitHubAdapters({ apiUrl: config.githubApiUrl, auth: config.github, logger });
 * const { reader, statuses, comments, directory } = github.forInstallation(job.installationId);
 * ```
 */
import type { GitHubAuth } from '../../config/env.js';
import type { Logger } from '../../domain/logger.js';
import type { Clock, CommentReporter, Directory, RepositoryReader, StatusReporter } from '../../domain/ports.js';
import type { RepositoryDirectory } from '../../domain/resync.js';
import { createGitHubClients, type GitHubClients, type RetryOptions } from './client.js';
import { createStatusReporter } from './commit-status.js';
import type { ContentBudget } from './content-budget.js';
import { createWebhookDeliveries, type WebhookDeliveries } from './deliveries.js';
import { createDirectory } from './directory.js';
import { createInstallationRepositories } from './installation-repositories.js';
import { translated } from './errors.js';
import { ObjectCache } from './object-cache.js';
import { createCommentReporter } from './pr-comment.js';
import { createRepositoryReader } from './repository-reader.js';

export { ContentBudget, createsContent, type ContentBudgetOptions } from './content-budget.js';
export { ObjectCache, type ObjectCacheOptions, type ObjectCacheStats } from './object-cache.js';
export { toDomainError } from './errors.js';
export { createGitHubClients, type GitHubClient, type GitHubClients, type GitHubClientOptions, type RetryOptions } from './client.js';
export { cutBody, stickyBody, COMMENT_BUDGET, MAX_COMMENT_LENGTH } from './pr-comment.js';
export { cutDescription, MAX_STATUS_DESCRIPTION } from './commit-status.js';
export type { HookDelivery, WebhookDeliveries } from './deliveries.js';

/** The ports one installation's jobs use. */
export interface GitHubPorts {
  readonly reader: RepositoryReader;
  readonly statuses: StatusReporter;
  readonly comments: CommentReporter;
  readonly directory: Directory;
}

export interface GitHubAdaptersOptions {
  /** REST base URL, e.g. `https://api.github.com` or `https://ghe.example/api/v3`. */
  readonly apiUrl: string;
  readonly auth: GitHubAuth;
  readonly logger?: Logger;
  /** The process's cache of trees and blobs. @defaultValue a new 128 MiB cache */
  readonly cache?: ObjectCache;
  /** The process's content-creation budget. @defaultValue 80/min, 500/h per installation */
  readonly budget?: ContentBudget;
  readonly retry?: RetryOptions;
  /** Called with every `x-ratelimit-remaining` GitHub sends (a Prometheus gauge). */
  readonly onRateLimitRemaining?: (remaining: number) => void;
  /** @defaultValue the system clock */
  readonly clock?: Clock;
}

export interface GitHubAdapters {
  /** Ports for an installation (App mode: required; token mode: ignored). Memoized per id. */
  forInstallation(installationId?: number): GitHubPorts;
  /** The App's webhook delivery log (App mode only; calls throw `ConfigError` with a token). */
  readonly deliveries: WebhookDeliveries;
  /** Every repository of every installation of the App (App mode only), for the resync. */
  readonly installationRepositories: RepositoryDirectory;
  /** The latest `x-ratelimit-remaining` GitHub sent, if any. */
  rateLimitRemaining(): number | undefined;
  /**
   * The login pave's comments and statuses appear under: `<app-slug>[bot]` for an App (`GET /app`
   * with the JWT), the token's user otherwise (`GET /user`). Asked once, then remembered.
   */
  botLogin(): Promise<string>;
  readonly cache: ObjectCache;
  readonly clients: GitHubClients;
}

/** Build everything GitHub-facing once per process (`src/main`); ports are memoized per installation. */
export function createGitHubAdapters(options: GitHubAdaptersOptions): GitHubAdapters {
  const cache = options.cache ?? new ObjectCache();
  const clients = createGitHubClients({
    apiUrl: options.apiUrl,
    auth: options.auth,
    logger: options.logger,
    budget: options.budget,
    retry: options.retry,
    onRateLimitRemaining: options.onRateLimitRemaining,
  });
  const ports = new Map<number | undefined, GitHubPorts>();
  let login: Promise<string> | undefined;
  const askLogin = async (): Promise<string> => {
    if (options.auth.kind === 'app') {
      const app = clients.app();
      const { data } = await translated(() => app.rest.apps.getAuthenticated());
      return `${data?.slug ?? ''}[bot]`;
    }
    const client = clients.forInstallation();
    const { data } = await translated(() => client.rest.users.getAuthenticated());
    return data.login;
  };
  return {
    forInstallation(installationId) {
      const key = options.auth.kind === 'token' ? undefined : installationId;
      let found = ports.get(key);
      if (!found) {
        const octokit = clients.forInstallation(key);
        found = {
          reader: createRepositoryReader(octokit, { cache, clock: options.clock }),
          statuses: createStatusReporter(octokit),
          comments: createCommentReporter(octokit),
          directory: createDirectory(octokit),
        };
        // Installations come and go; the clients map bounds what each one holds.
        if (ports.size >= 1000) ports.delete(ports.keys().next().value);
        ports.set(key, found);
      }
      return found;
    },
    deliveries: createWebhookDeliveries(() => clients.app()),
    installationRepositories: createInstallationRepositories(clients),
    rateLimitRemaining: () => clients.rateLimitRemaining(),
    botLogin() {
      login ??= askLogin().catch((err: unknown) => {
        login = undefined; // ask again next time
        throw err;
      });
      return login;
    },
    cache,
    clients,
  };
}
