/**
 * `npx tsx bench/providers.bench.ts` — how long a provider takes to create a database and to
 * re-apply it with nothing to change, per engine, against the local servers (PostgreSQL trust on
 * loopback, MariaDB root, Redis without auth). Everything it creates is dropped at the end.
 */
import { performance } from 'node:perf_hooks';
import { createDatabaseProvider } from '../src/adapters/providers/index.js';
import type { DatabaseEngine } from '../src/domain/component.js';
import type { DesiredDatabase } from '../src/domain/plan.js';
import { aTarget, dropCache, dropMysql, dropPostgres, MYSQL, PG, REDIS } from '../test/providers/local-servers.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const SERVERS = { postgresql: PG, mysql: MYSQL, cache: REDIS } as const;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

console.log(`pave provider benchmark · node ${process.version} · ${RUNS} databases per engine · ${new Date().toISOString()}`);
console.log('');
console.log('| engine | create ms (median) | create ms (max) | no-op re-apply ms (median) | no-op re-apply ms (max) | verify ms (median) |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const engine of ['postgresql', 'mysql', 'cache'] as DatabaseEngine[]) {
  const provider = createDatabaseProvider(engine, SERVERS[engine]);
  const targets: DesiredDatabase[] = [];
  const create: number[] = [];
  const noop: number[] = [];
  const verify: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const t = aTarget(engine);
      targets.push(t);
      const password = `bench-password-${i}`;
      create.push(await timed(() => provider.apply(t, password)));
      noop.push(await timed(async () => {
        const r = await provider.apply(t, password);
        if (r.changed.length > 0) throw new Error(`re-apply changed ${r.changed.join(', ')}`);
      }));
      verify.push(await timed(() => provider.verify(t, password)));
    }
  } finally {
    await provider.close();
    if (engine === 'postgresql') await dropPostgres({ databases: targets.map((t) => t.database), roles: targets.map((t) => t.user) });
    if (engine === 'mysql') await dropMysql({ databases: targets.map((t) => t.database), users: targets.map((t) => t.user) });
    if (engine === 'cache') await dropCache(targets.map((t) => t.user), targets.map((t) => t.database));
  }
  const f = (x: number): string => x.toFixed(1);
  console.log(`| ${engine} | ${f(median(create))} | ${f(Math.max(...create))} | ${f(median(noop))} | ${f(Math.max(...noop))} | ${f(median(verify))} |`);
}
