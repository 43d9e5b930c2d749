import fc from 'fast-check';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { toToml } from './to-toml.js';

describe('toToml', () => {
  it('writes key/values, then sub-tables, then arrays of tables, keys sorted', () => {
    const text = toToml({
      title: 'rates',
      server: { port: 8080, host: 'localhost', tls: { enabled: false } },
      upstreams: [{ name: 'a', weight: 1 }, { name: 'b', weight: 2, health: { path: '/healthz' } }],
      debug: true,
      tags: ['x', 'y'],
    });

    expect(text).toBe([
      'debug = true',
      'tags = ["x", "y"]',
      'title = "rates"',
      '',
      '[server]',
      'host = "localhost"',
      'port = 8080',
      '',
      '[server.tls]',
      'enabled = false',
      '',
      '[[upstreams]]',
      'name = "a"',
      'weight = 1',
      '',
      '[[upstreams]]',
      'name = "b"',
      'weight = 2',
      '',
      '[upstreams.health]',
      'path = "/healthz"',
      '',
    ].join('\n'));
  });

  it('quotes keys TOML cannot write bare and escapes strings', () => {
    const value = { 'basic-info': { 'full name': 'Ada "the first"\\\n\ttab\u0001\u007f', 'a.b': 'é😀' }, '': 'empty key' };
    const text = toToml(value);

    expect(text).toContain('"full name" = "Ada \\"the first\\"\\\\\\n\\ttab\\u0001\\u007F"');
    expect(text).toContain('[basic-info]');
    expect(text).toContain('"a.b" = "é😀"');
    expect(parse(text)).toEqual(value);
  });

  it('writes integers as integers and everything else as floats a reader keeps apart', () => {
    const text = toToml({ int: 42, neg: -7, zero: -0, half: 0.5, tiny: 1.5e-7, huge: 1e300, big: 2 ** 70, edge: -(2 ** 53), max: Number.MAX_SAFE_INTEGER });

    expect(text).toContain('int = 42\n');
    expect(text).toContain('zero = 0\n');
    expect(text).toContain('half = 0.5\n');
    expect(text).toContain('big = 1.1805916207174113e+21\n');
    expect(text).toContain('edge = -9.007199254740992e+15\n');
    expect(parse(text)).toEqual({ int: 42, neg: -7, zero: 0, half: 0.5, tiny: 1.5e-7, huge: 1e300, big: 2 ** 70, edge: -(2 ** 53), max: Number.MAX_SAFE_INTEGER });
  });

  it('writes mixed arrays, nested arrays and empty values inline', () => {
    const value = { matrix: [[1, 2], [3]], mixed: [{ a: 1 }, 'b'], empty: [], none: {}, deep: [[{ k: 'v' }]] };
    const text = toToml(value);

    expect(text).toContain('mixed = [{ a = 1 }, "b"]');
    expect(text).toContain('deep = [[{ k = "v" }]]');
    expect(parse(text)).toEqual(value);
  });

  it('leaves out null entries of tables and refuses what TOML cannot hold', () => {
    expect(toToml({ a: null, b: undefined, c: 1 })).toBe('c = 1\n');
    expect(toToml({})).toBe('');
    expect(() => toToml({ list: [1, null] })).toThrow(TypeError);
    expect(() => toToml({ n: Number.NaN })).toThrow(TypeError);
    expect(() => toToml({ s: 'bad \ud800 text' })).toThrow(/lone surrogate/);
    expect(() => toToml({ d: new Date(0) })).toThrow(TypeError);
  });

  it('round-trips through a real TOML parser for any value a form allows', () => {
    const key = fc.string({ maxLength: 8 });
    const scalar = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)), fc.integer());
    const { table } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, scalar, tie('table'), fc.array(scalar, { maxLength: 4 }), fc.array(tie('table'), { maxLength: 3 })),
      table: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    }));

    fc.assert(fc.property(table, (t) => {
      expect(parse(toToml(t as Record<string, unknown>))).toEqual(t);
    }), { numRuns: 300 });
  });

  it('is deterministic: key order in the input does not matter', () => {
    expect(toToml({ b: 1, a: { d: 2, c: 3 } })).toBe(toToml({ a: { c: 3, d: 2 }, b: 1 }));
  });
});
