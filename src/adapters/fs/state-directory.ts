import { existsSync } from 'node:fs';
import type { Logger } from '../../domain/logger.js';
import type { StateSource } from '../../domain/ports.js';
import { readStateSnapshot, STATE_FILE } from '../../config/state/read-state-snapshot.js';
import { readSourceTree } from './read-source-tree.js';

/**
 * The current state from a checkout of the state repository on disk (absent → nothing deployed).
 * Reading the state repository through git arrives with the apply issue, which writes it.
 */
export function createStateDirectory(dir: string, logger: Logger): StateSource {
  return {
    async snapshot() {
      if (!existsSync(dir)) return new Map();
      const read = readStateSnapshot(await readSourceTree(dir, { include: (p) => STATE_FILE.test(p) }));
      for (const w of read.warnings) logger.warn({ file: w.file, message: w.message }, 'state file ignored');
      return read.snapshot;
    },
  };
}
