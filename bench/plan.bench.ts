/**
 * `npm run bench:plan` — planning throughput and descriptor validation time.
 *
 * Prints component-environment plans per second for generated organizations (1,000 components ×
 * 3 environments is the goal case: ≥ 5,000 per second on one core), next to a baseline measured
 * in the same process: hashing each component's canonical JSON, the floor any planner pays.
 *
 * The cost curve (BENCH_SIZES, default 10,100,1000,10000): per size, plan time and memory — the
 * heap a finished plan holds (heapUsed after a GC, with the plan kept, minus before) and the RSS
 * growth of the process over the planning of that size. Run with `node --expose-gc` (the npm
 * script does) for the heap column; without it the column says n/a.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { canonicalJson } from '../src/lib/canonical-json.js';
import { sha256 } from '../src/planner/names.js';
import { plan } from '../src/planner/plan.js';
import { generateOrg, projectOf } from './generate.js';
import { benchValidation } from './validate.bench.js';

function timeIt(fn: () => void, minMs = 1500): { perRunMs: number; runs: number } {
  fn(); // warm-up
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < minMs || runs < 3) {
    fn();
    runs++;
  }
  return { perRunMs: (performance.now() - start) / runs, runs };
}

const gc = (globalThis as { gc?: () => void }).gc;
const MiB = 1024 * 1024;
console.log(`pave plan benchmark · node ${process.version} · ${cpus().length} cores · ${(totalmem() / 2 ** 30).toFixed(1)} GiB · load ${loadavg().map((l) => l.toFixed(2)).join('/')} (1/5/15 min) · ${new Date().toISOString()}`);
console.log('');
console.log('| components | env plans | plan ms | plans/s | baseline ms | ratio to baseline | plan heap MiB (retained) | RSS growth MiB | heap used MiB |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const sizes = (process.env.BENCH_SIZES ?? '10,100,1000,10000').split(',').map(Number);
for (const n of sizes) {
  const org = generateOrg(n);
  const resolver = projectOf(org);
  // Memory first, on a quiet heap: what one plan of this size keeps alive, and the RSS it takes.
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  const kept = plan({ platform: org.platform, known: org.components, current: new Map(), projectOf: resolver });
  const rssGrowth = process.memoryUsage().rss - rssBefore;
  gc?.();
  const retained = gc ? `${((process.memoryUsage().heapUsed - heapBefore) / MiB).toFixed(1)}` : 'n/a';
  if (kept.summary.components !== n) throw new Error('plan lost components');
  let envPlans = 0;
  const p = timeIt(() => {
    const result = plan({ platform: org.platform, known: org.components, current: new Map(), projectOf: resolver });
    envPlans = result.summary.environments;
    if (result.summary.invalid > 0) throw new Error(`generated org is invalid: ${result.summary.invalid}`);
  });
  const base = timeIt(() => {
    for (const c of org.components) for (let e = 0; e < 3; e++) sha256(canonicalJson(c.descriptor) + e);
  });
  const heap = process.memoryUsage().heapUsed / MiB;
  console.log(`| ${n} | ${envPlans} | ${p.perRunMs.toFixed(1)} | ${Math.round(envPlans / (p.perRunMs / 1000))} | ${base.perRunMs.toFixed(1)} | ${(p.perRunMs / base.perRunMs).toFixed(1)}× | ${retained} | ${(rssGrowth / MiB).toFixed(1)} | ${heap.toFixed(0)} |`);
}
console.log('');
await benchValidation();
