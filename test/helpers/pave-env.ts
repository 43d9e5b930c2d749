/**
 * The environment variables pave reads: every variable of src/config/env.ts, plus those the
 * composition root reads itself (`process.env.NAME` in src/main, e.g. PAVE_SECRET_KEY_FILE).
 * Deploy tests check that compose files and the Helm chart set no variable pave would ignore.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENV_VARIABLE_NAMES } from '../../src/config/env.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export function paveVariableNames(): Set<string> {
  const names = new Set(ENV_VARIABLE_NAMES);
  for (const file of readdirSync(`${root}src/main`).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    for (const m of readFileSync(`${root}src/main/${file}`, 'utf8').matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) names.add(m[1]!);
  }
  return names;
}
