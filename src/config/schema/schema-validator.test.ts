import { describe, expect, it } from 'vitest';
import { parseYaml } from '../yaml/parse-yaml.js';
import { createSchemaValidator } from './schema-validator.js';

const schema = {
  type: 'object',
  required: ['name', 'port'],
  additionalProperties: false,
  properties: { name: { type: 'string' }, port: { type: 'integer', minimum: 1 }, tags: { type: 'array', items: { type: 'string' } } },
};

function docOf(src: string) {
  const res = parseYaml('x.yaml', src);
  if (!res.ok) throw new Error('parse failed');
  return res.doc;
}

describe('createSchemaValidator', () => {
  const v = createSchemaValidator(schema);

  it('accepts a valid document', () => {
    expect(v.validate(docOf('name: a\nport: 80\n'))).toEqual([]);
  });

  it('points type errors at the value', () => {
    const d = v.validate(docOf('name: a\nport: "eighty"\n'));

    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ line: 2, column: 7, path: '/port', code: 'schema-type' });
  });

  it('points unknown keys at the key and missing keys at the parent', () => {
    const d = v.validate(docOf('name: a\nextra: 1\n'));

    expect(d.map((x) => [x.code, x.line, x.column])).toEqual(
      expect.arrayContaining([['schema-required', 1, 1], ['schema-additionalProperties', 2, 1]]),
    );
  });

  it('caps the number of errors', () => {
    const many = 'name: a\nport: 1\ntags: [' + Array.from({ length: 200 }, (_, i) => i).join(', ') + ']\n';

    const d = v.validate(docOf(many));

    expect(d.length).toBe(51);
    expect(d.at(-1)!.code).toBe('too-many-errors');
  });
});
