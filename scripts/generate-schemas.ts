/**
 * Write `schemas/<kind>.schema.json` from the TypeScript schema sources in
 * `src/config/platform/schemas/`. Run after editing a schema: `npx tsx scripts/generate-schemas.ts`.
 * `test/schemas-up-to-date.test.ts` fails when the JSON files are stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSchemaFiles } from '../src/config/platform/schemas/render-schema-files.js';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const [name, text] of renderSchemaFiles()) {
  writeFileSync(`${root}schemas/${name}`, text);
  console.log(`wrote schemas/${name}`);
}
