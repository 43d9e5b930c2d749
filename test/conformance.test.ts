/**
 * Conformance with Choreo's official validator (choreo-source-config-validator, yup schemas at
 * ca8a967): every file of `../shared/conformance/component-yaml/` is placed at
 * `svc/.choreo/<real name>` (the real name is the last segment of its `# source:` header) with every
 * schema file it names present, validated alone, and must get
 * the verdict of `component-yaml.expected.tsv` — and the "OUTDATED SOURCE CONFIG" notice exactly
 * when Choreo printed one for a file it accepted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { SourceTree } from '../src/domain/source-tree.js';
import { validateDescriptorFile } from '../src/config/component/index.js';
import { joinRepoPath } from '../src/lib/posix-path.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const conformance = resolve(repoRoot, '../shared/conformance');
const samples = resolve(conformance, 'component-yaml');

interface Expected {
  readonly verdict: 'VALID' | 'INVALID';
  readonly message: string;
}

function readExpected(): Map<string, Expected> {
  const lines = readFileSync(resolve(conformance, 'component-yaml.expected.tsv'), 'utf8').split('\n').slice(1);
  const out = new Map<string, Expected>();
  for (const line of lines) {
    if (line.trim() === '') continue;
    const [file = '', verdict = '', message = ''] = line.split('\t');
    out.set(file, { verdict: verdict as Expected['verdict'], message });
  }
  return out;
}

/** Every `schemaFilePath` the file names, wherever it sits (endpoints, inbound, proxy). */
function schemaFilePaths(text: string): string[] {
  let value: unknown;
  try {
    value = load(text);
  } catch {
    return [];
  }
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (k === 'schemaFilePath' && (typeof child === 'string' || typeof child === 'number')) found.push(String(child));
        else walk(child);
      }
    }
  };
  walk(value);
  return found;
}

/**
 * The component sits at `svc/`. Only when a schema path climbs above the repository from there
 * (`../../specs/api.yaml`) is `svc` nested deeper, so that the file can be present as it was in the
 * official run.
 */
function rootFor(schemaPaths: readonly string[]): string {
  let root = 'svc';
  while (schemaPaths.some((p) => joinRepoPath(root, p) === null)) root = `up/${root}`;
  return root;
}

function treeFor(sample: string): { tree: SourceTree; path: string } {
  const bytes = readFileSync(resolve(samples, sample));
  const text = bytes.toString('utf8');
  const source = /^# source: (.+)$/m.exec(text)?.[1]?.trim() ?? '';
  const realName = source.slice(source.lastIndexOf('/') + 1);
  const schemaPaths = schemaFilePaths(text);
  const root = rootFor(schemaPaths);
  const path = `${root}/.choreo/${realName}`;
  const paths = new Set([path]);
  for (const p of schemaPaths) {
    const resolved = joinRepoPath(root, p);
    // `dir/` names a directory: give it a file so that the directory exists.
    if (resolved !== null) paths.add(p.endsWith('/') ? `${resolved}/schema` : resolved);
  }
  return { tree: { paths, files: new Map([[path, new Uint8Array(bytes)]]) }, path };
}

const expected = readExpected();
const files = readdirSync(samples).filter((f) => !f.startsWith('.')).sort();
const rows = files.map((file) => ({ file, ...(expected.get(file) ?? { verdict: 'MISSING', message: '' }) }));

describe('conformance with Choreo\'s official validator', () => {
  it('has an expected verdict for every sample and a sample for every verdict', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => !expected.has(f))).toEqual([]);
    expect([...expected.keys()].filter((f) => !files.includes(f))).toEqual([]);
  });

  it.each(rows)('$file → $verdict', ({ file, verdict, message }) => {
    const { tree, path } = treeFor(file);

    const report = validateDescriptorFile(tree, path);

    const summary = report.errors.map((d) => `${d.line}:${d.column} ${d.message}`);
    expect({ verdict: report.choreoValid ? 'VALID' : 'INVALID', errors: report.choreoValid ? [] : summary })
      .toEqual({ verdict, errors: verdict === 'VALID' ? [] : summary });
    for (const d of [...report.errors, ...report.warnings]) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.column).toBeGreaterThanOrEqual(1);
      expect(d.hint, d.message).toBeTruthy();
    }
    if (verdict === 'VALID') {
      const outdated = report.warnings.some((d) => d.code === 'outdated-source-config');
      expect(outdated).toBe(message.includes('OUTDATED SOURCE CONFIG'));
    }
  });
});
