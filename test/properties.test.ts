/**
 * Property-based tests (fast-check) over platform validation and planning, next to the ones over
 * descriptor validation (src/config/component/validate-descriptor-file.test.ts): whatever a
 * platform file or a component descriptor holds, pave never throws — loading gives a config or
 * diagnostics placed at a file, line and column, and planning gives a plan in which every
 * problem is placed and explained.
 */
import fc from 'fast-check';
import { dump, load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSourceTree } from '../src/adapters/fs/read-source-tree.js';
import { readComponent } from '../src/config/component/index.js';
import { findProject, isPlatformInput, loadPlatform } from '../src/config/platform/index.js';
import type { Diagnostic } from '../src/domain/diagnostic.js';
import { plan } from '../src/planner/plan.js';
import { descriptorTree } from './helpers/descriptor-tree.js';
import { loadExampleComponents, loadExamplePlatform } from './helpers/example-plan.js';
import { sourceTreeOf } from './helpers/source-tree-of.js';

const KEYS = ['name', 'organization', 'environments', 'promotions', 'from', 'to', 'autoPromote', 'approvals', 'count', 'soak', 'owners', 'repos',
  'pipeline', 'quotas', 'databaseServers', 'postgresql', 'host', 'port', 'adminUser', 'env', 'file', 'registry', 'url', 'plans', 'engine',
  'connectionLimit', 'policies', 'rule', 'severity', 'match', 'component', 'type', 'build', 'preset', 'resources', 'plan', 'deploy',
  'replicas', 'cpu', 'memory', 'vars', 'endpoints', 'service', 'dependencies', 'connectionReferences', 'resourceRef', 'schemaVersion'];
const scalar = fc.oneof(
  fc.constantFrom(null, true, false, 0, 1, 5432, -1, 1.5, '', 'development', 'production', 'default', '@acme-bank/platform', 'acme-bank/*',
    'postgresql', 'postgresql/small', 'small', '30m', '{project}-{environment}', '127.0.0.1', 'nodejs', 'service', '1.2', '../x', '*'),
  fc.string({ maxLength: 10 }),
  fc.integer(),
);
const { node } = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie('node'), { maxKeys: 6 }),
}));

/** Replace the value at a random path of `doc` (a random walk down maps and lists) with `value`. */
function mutate(doc: unknown, steps: readonly number[], value: unknown): unknown {
  if (steps.length === 0 || doc === null || typeof doc !== 'object') return value;
  const [step, ...rest] = steps;
  if (Array.isArray(doc)) {
    if (doc.length === 0) return value;
    const i = step! % doc.length;
    return doc.map((v, j) => (j === i ? mutate(v, rest, value) : v));
  }
  const keys = Object.keys(doc);
  if (keys.length === 0) return value;
  const key = keys[step! % keys.length]!;
  return { ...(doc as Record<string, unknown>), [key]: mutate((doc as Record<string, unknown>)[key], rest, value) };
}

function placed(d: Diagnostic): void {
  expect(d.file, JSON.stringify(d)).toBeTruthy();
  expect(d.line).toBeGreaterThanOrEqual(1);
  expect(d.column).toBeGreaterThanOrEqual(1);
  expect(d.message).toBeTruthy();
}

const platformTree = await readSourceTree('platform-repo-example', { include: isPlatformInput });
const platformFiles: Record<string, string> = Object.fromEntries([...platformTree.files].map(([p, bytes]) => [p, new TextDecoder().decode(bytes)]));
const yamlFiles = Object.keys(platformFiles).filter((p) => /\.ya?ml$/.test(p));

describe('loadPlatform: properties', () => {
  it('never throws when a platform file holds a random document or a random change; every diagnostic is placed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...yamlFiles), fc.oneof(node.map((v) => ({ replace: v })), fc.record({ steps: fc.array(fc.nat(), { maxLength: 5 }), value: node })), (file, change) => {
        const text = 'replace' in change
          ? dump(change.replace, { skipInvalid: true })
          : dump(mutate(load(platformFiles[file]!), change.steps, change.value), { skipInvalid: true });
        const result = loadPlatform(sourceTreeOf({ ...platformFiles, [file]: text }));

        if (!result.ok) {
          expect(result.diagnostics.length).toBeGreaterThan(0);
          result.diagnostics.forEach(placed);
        } else {
          result.warnings.forEach(placed);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random bytes in a platform file', () => {
    fc.assert(
      fc.property(fc.constantFrom(...yamlFiles), fc.uint8Array({ maxLength: 300 }), (file, bytes) => {
        const result = loadPlatform(sourceTreeOf({ ...platformFiles, [file]: bytes }));
        if (!result.ok) result.diagnostics.forEach(placed);
      }),
      { numRuns: 200 },
    );
  });
});

describe('plan: properties', () => {
  it('plans any readable change of a component descriptor without throwing; invalid environments say why, placed', async () => {
    const platform = await loadExamplePlatform();
    const known = await loadExampleComponents();
    const text = readFileSync('examples/investment-banking-backend/.choreo/component.yaml', 'utf8');
    const original = load(text);
    const seen = { unreadable: 0, invalid: 0, planned: 0 };
    // One change known to give an invalid plan (a database plan the platform does not offer), run first.
    const top = Object.keys(original as object);
    const resource = Object.keys((original as { resources: object[] }).resources[0]!);
    const unknownPlan = [{ steps: [top.indexOf('resources'), 0, resource.indexOf('plan')], value: 'gigantic' as unknown }];

    fc.assert(
      fc.property(fc.array(fc.record({ steps: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), value: node }), { minLength: 1, maxLength: 3 }), (changes) => {
        const doc = changes.reduce((d, c) => mutate(d, c.steps, c.value), original);
        const tree = descriptorTree({ '.choreo/component.yaml': dump(doc, { skipInvalid: true }) });
        const read = readComponent(tree, '', { repoName: 'acme-bank/investment-banking-backend', fileChecks: false });
        if (!read.descriptor) {
          seen.unreadable++;
          read.reports.flatMap((r) => r.errors).forEach(placed);
          return;
        }
        const others = known.filter((k) => k.repo !== 'acme-bank/investment-banking-backend');
        const result = plan({ platform, known: [...others, { repo: 'acme-bank/investment-banking-backend', descriptor: read.descriptor }], current: new Map(), projectOf: (repo, root) => findProject(platform, repo, root) });

        expect(result.components.length).toBe(others.length + 1);
        for (const c of result.components) {
          c.problems.forEach(placed);
          for (const e of c.environments) {
            if (c.repo === 'acme-bank/investment-banking-backend') seen[e.status === 'invalid' ? 'invalid' : 'planned']++;
            if (e.status === 'invalid') {
              expect(e.problems.length + e.violations.length).toBeGreaterThan(0);
              e.problems.forEach(placed);
            } else {
              expect(e.desired.environment).toBe(e.environment);
            }
          }
        }
        expect(result.ok).toBe(result.components.every((c) => c.problems.length === 0 && c.environments.every((e) => e.status !== 'invalid' && !e.violations.some((v) => v.severity === 'error'))));
      }),
      { numRuns: 300, examples: [[unknownPlan]] },
    );
    // The changes reach every outcome, not only "unreadable".
    expect(seen.unreadable).toBeGreaterThan(0);
    expect(seen.invalid).toBeGreaterThan(0);
    expect(seen.planned).toBeGreaterThan(0);
  });
});
