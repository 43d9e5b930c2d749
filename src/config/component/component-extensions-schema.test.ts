import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSchemaValidator } from '../schema/schema-validator.js';
import { componentExtensionsSchema } from './component-extensions-schema.js';

describe('component extensions JSON Schema', () => {
  it('is what schemas/component-extensions.schema.json holds (run `npx tsx scripts/write-component-extensions-schema.ts` after editing)', () => {
    const file = readFileSync(new URL('../../../schemas/component-extensions.schema.json', import.meta.url), 'utf8');

    expect(file).toBe(`${JSON.stringify(componentExtensionsSchema, null, 2)}\n`);
  });

  it('compiles in ajv strict mode', () => {
    expect(() => createSchemaValidator(componentExtensionsSchema)).not.toThrow();
  });

  it('describes every property', () => {
    const undescribed: string[] = [];
    const visit = (schema: unknown, at: string): void => {
      if (!schema || typeof schema !== 'object') return;
      const s = schema as Record<string, unknown>;
      if (s.properties && typeof s.properties === 'object') {
        for (const [key, child] of Object.entries(s.properties)) {
          if (!(child as { description?: string }).description) undescribed.push(`${at}/${key}`);
          visit(child, `${at}/${key}`);
        }
      }
      for (const key of ['items', 'additionalProperties'] as const) visit(s[key], `${at}/${key}`);
    };

    visit(componentExtensionsSchema, '');

    expect(undescribed).toEqual([]);
  });
});
