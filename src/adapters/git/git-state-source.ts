/**
 * The planner's current state, read from the state repository: the `desired.json` and
 * `orphans.json` of every (environment, project, component) under `environments/` (layout in
 * config/state/read-state-snapshot.ts).
 */
import { silentLogger, type Logger } from '../../domain/logger.js';
import type { StateSource } from '../../domain/ports.js';
import { isPlanningStateFile, readStateSnapshot } from '../../config/state/read-state-snapshot.js';
import type { FilteringStateRepository } from './bare-repository.js';

/** Any StateRepository will do; git-backed ones then read only the `desired.json` and `orphans.json` files. */
export function createGitStateSource(repo: FilteringStateRepository, logger: Logger = silentLogger): StateSource {
  return {
    async snapshot() {
      const encoder = new TextEncoder();
      const files = new Map<string, Uint8Array>();
      const isStateFile = isPlanningStateFile;
      for (const [path, text] of await repo.readFiles('environments', isStateFile)) {
        if (isStateFile(path)) files.set(path, encoder.encode(text));
      }
      const read = readStateSnapshot({ paths: new Set(files.keys()), files });
      for (const w of read.warnings) logger.warn({ file: w.file, message: w.message }, 'state file ignored');
      return read.snapshot;
    },
  };
}
