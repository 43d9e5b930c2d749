import fc from 'fast-check';
import { load, YAML11_SCHEMA } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { toYaml } from './to-yaml.js';

/** Read back with a YAML 1.2 reader (js-yaml's default core schema) and a YAML 1.1 one. */
function readBoth(text: string): [unknown, unknown] {
  return [load(text), load(text, { schema: YAML11_SCHEMA })];
}

describe('toYaml', () => {
  it('writes block mappings with sorted keys and indented sequences', () => {
    const text = toYaml({ kind: 'Service', apiVersion: 'v1', spec: { ports: [{ port: 80, name: 'http' }, { port: 53, name: 'dns' }], selector: {} }, list: [[1, 2], []] });

    expect(text).toBe([
      'apiVersion: v1',
      'kind: Service',
      'list:',
      '  - - 1',
      '    - 2',
      '  - []',
      'spec:',
      '  ports:',
      '    - name: http',
      '      port: 80',
      '    - name: dns',
      '      port: 53',
      '  selector: {}',
      '',
    ].join('\n'));
  });

  it('leaves safe words and Kubernetes quantities plain, quotes the rest', () => {
    const text = toYaml({ a: 'apps/v1', b: '250m', c: '256Mi', d: 'registry.example:5000/x@sha256:abc', e: 'a b', f: '0.5', g: '', h: '/tmp' });

    expect(text).toBe('a: apps/v1\nb: 250m\nc: 256Mi\nd: registry.example:5000/x@sha256:abc\ne: "a b"\nf: "0.5"\ng: ""\nh: /tmp\n');
  });

  it.each([
    'yes', 'No', 'ON', 'off', 'y', 'N', 'true', 'False', 'null', 'Null', '~', '0777', '0o17', '0x1F', '1_000', '1:20', '2001-12-14',
    '1e3', '.5', '-.inf', '.NaN', ': x', '- a', '? k', '#c', '&a', '*a', '!tag', '%x', '@x', '`x', '|', '>', '"q"', "'q'", '{a: 1}', '[1]',
    'a: b', 'a #b', 'key:', '<<', '=', ' lead', 'trail ', '---', '...', '-', '', '/', '//', '/a:', '/#', '/ x',
  ])('reads %j back as the same string in YAML 1.2 and 1.1', (value) => {
    const text = toYaml({ value, list: [value] });

    for (const read of readBoth(text)) expect(read).toEqual({ value, list: [value] });
  });

  it('writes multi-line text as a literal block with the right chomping', () => {
    expect(toYaml({ a: 'x\ny\n' })).toBe('a: |\n  x\n  y\n');
    expect(toYaml({ a: 'x\ny' })).toBe('a: |-\n  x\n  y\n');
    expect(toYaml({ a: 'x\n\n' })).toBe('a: |+\n  x\n\n');
    expect(toYaml({ a: '  indented\nnext\n' })).toBe('a: |2\n    indented\n  next\n');
    expect(toYaml([{ a: 'x\ny' }, 'p\nq'])).toBe('- a: |-\n    x\n    y\n- |-\n  p\n  q\n');
  });

  it.each([
    'line 1\nline 2\n', 'a\n\n\nb', '\n\nleading', '  both\n  \n', 'tabs\tinside\n\tand first', 'x\n---\n...\n', '# not a comment\n- not a list\n',
    'trailing spaces   \n  ', 'dos\r\nline', 'nel\u0085line\n', 'ls\u2028ps\u2029', 'bom\ufeff\n', 'emoji 🎉\nnext', '\n', '\n\n', ' \n',
  ])('round-trips %j', (value) => {
    const text = toYaml({ value, nested: { list: [value, { value }] } });

    for (const read of readBoth(text)) expect(read).toEqual({ value, nested: { list: [value, { value }] } });
  });

  it('round-trips any JSON value in YAML 1.2 and 1.1 readers (property)', () => {
    const key = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom('yes', 'a: b', '- x', '0777', 'null', '~', '', ' '));
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: fc.constantFrom('a', ' ', '\n', ':', '-', '#', '\t', '|', '0'), maxLength: 30 }));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
    })).value;

    fc.assert(fc.property(json, (value) => {
      const expected = JSON.parse(JSON.stringify(value)) as unknown;
      for (const read of readBoth(toYaml(value))) expect(read).toEqual(expected);
    }), { numRuns: 500 });
  });

  it('is deterministic whatever the key insertion order', () => {
    expect(toYaml({ b: 1, a: { d: 2, c: 3 } })).toBe(toYaml({ a: { c: 3, d: 2 }, b: 1 }));
  });

  it('skips undefined properties and refuses what JSON cannot hold', () => {
    expect(toYaml({ a: undefined, b: 1 })).toBe('b: 1\n');
    expect(() => toYaml([undefined])).toThrow(TypeError);
    expect(() => toYaml({ a: Number.NaN })).toThrow(TypeError);
    expect(() => toYaml({ a: new Date(0) })).toThrow(TypeError);
    expect(() => toYaml({ a: () => 1 })).toThrow(TypeError);
    expect(() => toYaml({ ['k'.repeat(1001)]: 1 })).toThrow(RangeError);
  });
});
