/** GitHub mode: wired once the GitHub adapter lands (see createRepositories). */
import { ConfigError } from '../domain/errors.js';
import type { AppConfig } from '../config/env.js';
import type { Logger } from '../domain/logger.js';
import type { Repositories } from './repositories.js';

export function createGitHubRepositories(_config: AppConfig, _logger: Logger, _onRateLimit: (remaining: number) => void): Repositories {
  throw new ConfigError('GitHub mode is not wired yet');
}
