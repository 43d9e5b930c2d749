import { describe, expect, it } from 'vitest';
import { parseYaml, parseYamlBytes } from './parse-yaml.js';

describe('parseYaml', () => {
  it('maps paths to value and key positions', () => {
    const src = 'schemaVersion: 1.2\nendpoints:\n  - name: greeter\n    service:\n      port: 9090\n      basePath: "/g"\n';

    const res = parseYaml('c.yaml', src);

    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.doc.value).toEqual({ schemaVersion: 1.2, endpoints: [{ name: 'greeter', service: { port: 9090, basePath: '/g' } }] });
    expect(res.doc.locate(['endpoints', 0, 'service', 'port'])).toEqual({ line: 5, column: 13 });
    expect(res.doc.locateKey(['endpoints', 0, 'service', 'port'])).toEqual({ line: 5, column: 7 });
    expect(res.doc.locate(['endpoints', 0, 'service', 'basePath'])).toEqual({ line: 6, column: 17 });
    expect(res.doc.locate(['endpoints', 0, 'name'])).toEqual({ line: 3, column: 11 });
    // Missing paths fall back to the nearest ancestor.
    expect(res.doc.locate(['endpoints', 0, 'service', 'nope'])).toEqual({ line: 5, column: 7 });
  });

  it('places empty (null) values at their key, or at their sequence', () => {
    const res = parseYaml('n.yaml', 'a:\n  port:\n  x: 1\nlist:\n  -\n  - b\n');

    expect(res.ok && res.doc.locate(['a', 'port'])).toEqual({ line: 2, column: 3 });
    expect(res.ok && res.doc.locate(['list', 0])).toEqual({ line: 5, column: 3 });
  });

  it('indexes flow collections', () => {
    const res = parseYaml('f.yaml', 'a: {b: [1, 2, {c: x}]}\n');

    expect(res.ok && res.doc.locate(['a', 'b', 2, 'c'])).toEqual({ line: 1, column: 19 });
  });

  it('reports syntax errors with line and column', () => {
    const res = parseYaml('bad.yaml', 'a: 1\nb: [1, 2\nc: 3\n');

    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', file: 'bad.yaml', severity: 'error' });
    expect(res.diagnostics[0]!.line).toBeGreaterThan(1);
  });

  it('rejects duplicate keys', () => {
    const res = parseYaml('dup.yaml', 'a: 1\na: 2\n');

    expect(res.ok ? null : res.diagnostics[0]).toMatchObject({ code: 'yaml-duplicate-key', line: 2, column: 1 });
  });

  it('stops alias bombs quickly', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill('*' + prev).join(',')}]`);
    }

    const res = parseYaml('bomb.yaml', levels.join('\n') + '\n');

    expect(res.ok).toBe(false);
    expect(res.ok ? null : res.diagnostics[0]!.code).toBe('yaml-alias-limit');
  });

  it('rejects oversized files before parsing', () => {
    const big = new TextEncoder().encode('a: "' + 'x'.repeat(5 * 1024 * 1024) + '"\n');

    const res = parseYamlBytes('big.yaml', big);

    expect(res.ok ? null : res.diagnostics[0]).toMatchObject({ code: 'file-too-large', line: 1, column: 1 });
  });

  it('rejects invalid UTF-8 with a position', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('a: 1\nb: '), 0xff, 0xfe, 10]);

    const res = parseYamlBytes('bin.yaml', bytes);

    expect(res.ok ? null : res.diagnostics[0]).toMatchObject({ code: 'invalid-utf8', line: 2, column: 4 });
  });

  it('rejects very deep nesting', () => {
    const deep = '['.repeat(200) + ']'.repeat(200);

    const res = parseYaml('deep.yaml', deep);

    expect(res.ok).toBe(false);
  });

  it('gives null for an empty document', () => {
    const res = parseYaml('empty.yaml', '# only a comment\n');

    expect(res.ok && res.doc.value).toBeNull();
  });

  it('rejects several documents in one file', () => {
    const res = parseYaml('multi.yaml', 'a: 1\n---\nb: 2\n');

    expect(res.ok ? null : res.diagnostics[0]!.code).toBe('yaml-multiple-documents');
  });
});
