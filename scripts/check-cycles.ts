/**
 * `npm run check:cycles` — fail when modules under src/ import each other in a cycle.
 * (madge does this too, but pins TypeScript 5 as a peer; the job is 40 lines.)
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

const graph = new Map<string, string[]>();
for (const file of files(root)) {
  const text = readFileSync(file, 'utf8');
  const deps: string[] = [];
  // Type-only imports are erased at runtime and cannot form a load-order cycle.
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)[^'"]*?from\s+'(\.[^']+)'/gm)) {
    deps.push(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  }
  graph.set(file, deps);
}

const state = new Map<string, 'visiting' | 'done'>();
const cycles: string[][] = [];
function visit(node: string, path: string[]): void {
  if (state.get(node) === 'done') return;
  if (state.get(node) === 'visiting') {
    cycles.push([...path.slice(path.indexOf(node)), node]);
    return;
  }
  state.set(node, 'visiting');
  for (const dep of graph.get(node) ?? []) visit(dep, [...path, node]);
  state.set(node, 'done');
}
for (const node of graph.keys()) visit(node, []);

if (cycles.length > 0) {
  for (const c of cycles) console.error('cycle: ' + c.map((f) => relative(root, f)).join(' → '));
  process.exit(1);
}
console.log(`no import cycles among ${graph.size} modules`);
