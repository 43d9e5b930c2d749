/**
 * The matrix's read of the state repository: every `environments/<env>/<project>/<component>/`
 * with its `release.json` (absent when only a desired state was written), joined with the newest
 * deployment of that environment in `promotion/<project>/<component>.json` (health, how, by).
 * Git-backed repositories read only those files; a file that does not parse is skipped (and
 * logged), never fatal to the page.
 */
import type { ReleaseRecord } from '../../domain/apply.js';
import { silentLogger, type Logger } from '../../domain/logger.js';
import type { Deployment, PromotionLedger } from '../../domain/promotion.js';
import type { EnvironmentRelease, ReleaseReader } from '../../domain/views.js';
import type { FilteringStateRepository } from './bare-repository.js';

const COMPONENT_FILE = /^environments\/([^/]+)\/([^/]+)\/([^/]+)\/(release|desired)\.json$/;
const LEDGER_FILE = /^promotion\/([^/]+)\/([^/]+)\.json$/;

export function createReleaseReader(repo: FilteringStateRepository, logger: Logger = silentLogger): ReleaseReader {
  return {
    async releases() {
      const [components, ledgers] = await Promise.all([
        repo.readFiles('environments', (p) => COMPONENT_FILE.test(p)),
        repo.readFiles('promotion', (p) => LEDGER_FILE.test(p)),
      ]);
      const deployments = new Map<string, Deployment>();
      for (const [path, text] of ledgers) {
        const m = LEDGER_FILE.exec(path);
        if (!m) continue;
        const ledger = parse<Partial<PromotionLedger>>(path, text, logger);
        for (const [env, list] of Object.entries(ledger?.deployments ?? {})) {
          const last = Array.isArray(list) ? list[list.length - 1] : undefined;
          if (last) deployments.set(`${env}/${m[1]}/${m[2]}`, last);
        }
      }
      const cells = new Map<string, EnvironmentRelease>();
      for (const [path, text] of components) {
        const m = COMPONENT_FILE.exec(path);
        if (!m) continue;
        const [, environment, project, component, file] = m as unknown as [string, string, string, string, string];
        const key = `${environment}/${project}/${component}`;
        const cell = cells.get(key) ?? { environment, project, component, ...(deployments.has(key) ? { deployment: deployments.get(key)! } : {}) };
        if (file === 'release') {
          const release = parse<ReleaseRecord>(path, text, logger);
          cells.set(key, release && typeof release.sourceSha === 'string' ? { ...cell, release } : cell);
        } else {
          cells.set(key, cell);
        }
      }
      return [...cells.values()].sort((a, b) =>
        a.project.localeCompare(b.project) || a.component.localeCompare(b.component) || a.environment.localeCompare(b.environment));
    },
  };
}

function parse<T>(path: string, text: string, logger: Logger): T | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as T) : undefined;
  } catch (err) {
    logger.warn({ file: path, err: err instanceof Error ? err.message : String(err) }, 'state file ignored');
    return undefined;
  }
}
