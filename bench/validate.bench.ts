/**
 * Validation time per descriptor file: every conformance sample (116 real Choreo files) parsed and
 * validated, next to a baseline of parsing the same bytes with js-yaml's plain `load`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { load } from 'js-yaml';
import { validateDescriptorFile } from '../src/config/component/index.js';
import type { SourceTree } from '../src/domain/source-tree.js';

const CONFORMANCE = resolve(import.meta.dirname, '../../shared/conformance/component-yaml');

export async function benchValidation(): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(CONFORMANCE);
  } catch {
    console.log(`validation benchmark skipped: ${CONFORMANCE} is not here`);
    return;
  }
  const trees = names.map((name) => {
    const text = readFileSync(resolve(CONFORMANCE, name), 'utf8');
    const real = /# source: .*\/([^/\s]+)/.exec(text)?.[1] ?? 'component.yaml';
    const path = `svc/.choreo/${real}`;
    const bytes = new TextEncoder().encode(text);
    const tree: SourceTree = { paths: new Set([path]), files: new Map([[path, bytes]]) };
    return { path, tree, text };
  });
  const rounds = 30;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) for (const t of trees) validateDescriptorFile(t.tree, t.path, { fileChecks: false });
  const validateMs = (performance.now() - t0) / (rounds * trees.length);
  const t1 = performance.now();
  for (let i = 0; i < rounds; i++) for (const t of trees) {
    try {
      load(t.text);
    } catch {
      // an empty sample: the baseline pays for the attempt too
    }
  }
  const loadMs = (performance.now() - t1) / (rounds * trees.length);
  console.log('| descriptor files | validate µs/file | js-yaml load µs/file (baseline) | ratio |');
  console.log('|---:|---:|---:|---:|');
  console.log(`| ${trees.length} | ${(validateMs * 1000).toFixed(0)} | ${(loadMs * 1000).toFixed(0)} | ${(validateMs / loadMs).toFixed(1)}× |`);
}
