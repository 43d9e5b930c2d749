/** schemas/*.schema.json are generated from src/config/platform/schemas/; fail when they are stale. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { renderSchemaFiles } from '../src/config/platform/schemas/render-schema-files.js';

const dir = fileURLToPath(new URL('../schemas/', import.meta.url));

it.each([...renderSchemaFiles()])('schemas/%s matches its TypeScript source (run `npx tsx scripts/generate-schemas.ts`)', (name, text) => {
  expect(readFileSync(`${dir}${name}`, 'utf8')).toBe(text);
});

it('every platform schema in schemas/ has a TypeScript source', () => {
  const generated = new Set(renderSchemaFiles().keys());
  const platformKinds = ['platform', 'environment', 'pipeline', 'project', 'database-plans', 'build-preset', 'policy', 'catalog-entry'];
  const present = readdirSync(dir).filter((f) => platformKinds.some((k) => f === `${k}.schema.json`));

  expect(present.sort()).toEqual([...generated].sort());
});
