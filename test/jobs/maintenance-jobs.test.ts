/**
 * The resync and sweep-deliveries handlers with real Redis (component index), the example
 * repositories on disk and an empty state repository (nothing deployed yet), against fakes of
 * the repository listing, the promotion ledger and the delivery log: the bounds, holds, errors
 * and what each asks for.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogReporters } from '../../src/adapters/local/log-reporter.js';
import { createLocalRepositoryReader } from '../../src/adapters/local/local-repository-reader.js';
import { createRedisComponentIndex } from '../../src/adapters/redis/component-index.js';
import { createRedisRunStore } from '../../src/adapters/redis/run-store.js';
import type { ApplyPorts } from '../../src/domain/apply.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { HookDelivery, ResyncRepository } from '../../src/domain/resync.js';
import type { JobContext, JobDeps } from '../../src/jobs/context.js';
import { createPlatformSource } from '../../src/jobs/platform-source.js';
import { resync } from '../../src/jobs/resync.js';
import { sweepDeliveries } from '../../src/jobs/sweep-deliveries.js';
import type { ApplyRepository, JobRequest } from '../../src/queue/jobs.js';
import { testRedis } from '../helpers/redis.js';

const examples: Record<string, string> = {
  'acme-bank/platform': 'platform-repo-example',
  'acme-bank/exchange-rates': 'examples/exchange-rates',
  'acme-bank/interest-rates': 'examples/interest-rates',
  'acme-bank/investment-banking-backend': 'examples/investment-banking-backend',
  'acme-bank/lending-backend': 'examples/lending-backend',
};
const NOW = new Date('2026-11-23T12:00:00Z');
const r = testRedis();
const reporters = createLogReporters(silentLogger);
const ctx: JobContext = { logger: silentLogger, willRetry: () => false };
let enqueued: JobRequest[];
let ledgers: Map<string, string>;
let base: JobDeps;

function withResync(listing: { repositories: ResyncRepository[]; complete: boolean }, options: { maxApplies?: number; apply?: boolean } = {}): { deps: JobDeps; observed: Map<string, number> } {
  const observed = new Map<string, number>();
  const apply = { state: { readFiles: async (...paths: string[]) => new Map(paths.flatMap((p) => (ledgers.has(p) ? [[p, ledgers.get(p)!] as const] : []))) } } as unknown as ApplyPorts;
  return {
    observed,
    deps: {
      ...base,
      ...(options.apply === false ? {} : { apply }),
      resync: { repositories: { list: async () => listing }, maxApplies: options.maxApplies ?? 50, concurrency: 2, observe: (o, n) => observed.set(o, (observed.get(o) ?? 0) + n) },
    },
  };
}
const everything = () => ({ repositories: Object.keys(examples).map((repo) => ({ repo, installationId: 7 })), complete: true });

beforeAll(() => {
  const local = createLocalRepositoryReader((repo) => examples[repo]);
  const platform = createPlatformSource(local, 'acme-bank/platform');
  base = {
    repositories: () => ({ reader: local, statuses: reporters, comments: reporters, directory: reporters }),
    platform: () => platform,
    state: { snapshot: async () => new Map() },
    index: createRedisComponentIndex(r.redis, { prefix: r.prefix }),
    runs: createRedisRunStore(r.redis, { prefix: r.prefix }),
    enqueue: async (jobs) => void enqueued.push(...jobs),
    clock: { now: () => NOW },
    publicUrl: 'http://pave.test',
    logger: silentLogger,
  };
});
beforeEach(() => {
  enqueued = [];
  ledgers = new Map();
});
afterAll(() => r.cleanup());

describe('resync', () => {
  it('re-indexes every repository, finds every undeployed component drifted, and asks for the head apply of each repository', async () => {
    await base.index.put({ repo: 'acme-bank/deleted', sha: 'f'.repeat(40), components: [], invalidRoots: ['x'], indexedAt: NOW.toISOString() });
    const { deps, observed } = withResync(everything());

    const summary = await resync(deps, { kind: 'resync', trigger: 'test' }, ctx);

    expect((await base.index.all()).map((e) => e.repo).sort()).toEqual(Object.keys(examples).filter((x) => x !== 'acme-bank/platform').sort());
    expect(summary.components.drifted).toBe(5);
    expect(Object.fromEntries(observed)).toEqual({ drifted: 5 });
    const applies = enqueued as ApplyRepository[];
    expect(applies.map((a) => a.repo)).toEqual(['acme-bank/exchange-rates', 'acme-bank/interest-rates', 'acme-bank/investment-banking-backend', 'acme-bank/lending-backend']);
    expect(applies[0]).toMatchObject({ kind: 'apply', actor: 'pave-resync', installationId: 7, resync: `test-${NOW.getTime().toString(36)}` });
    expect(applies.every((a) => /^[0-9a-f]{40}$/.test(a.sha))).toBe(true);
  });

  it('asks for at most maxApplies applies; the rest wait for the next resync', async () => {
    const { deps } = withResync(everything(), { maxApplies: 1 });

    const summary = await resync(deps, { kind: 'resync', trigger: 'test' }, ctx);

    expect(enqueued.map((j) => (j as ApplyRepository).repo)).toEqual(['acme-bank/exchange-rates']);
    expect(summary.deferred).toBe(3);
  });

  it('leaves a first environment held after a rollback alone', async () => {
    ledgers.set('promotion/utility/exchange-rates.json', JSON.stringify({ holds: { development: { by: 'ops', at: NOW.toISOString(), reason: 'rollback' } } }));
    const { deps } = withResync(everything());

    const summary = await resync(deps, { kind: 'resync', trigger: 'test' }, ctx);

    expect(summary.components).toMatchObject({ held: 1, drifted: 4 });
    expect(enqueued.map((j) => (j as ApplyRepository).repo)).not.toContain('acme-bank/exchange-rates');
  });

  it('counts a repository it cannot read as an error and carries on; after an incomplete listing it forgets nothing', async () => {
    await base.index.put({ repo: 'acme-bank/unlisted', sha: 'f'.repeat(40), components: [], invalidRoots: ['x'], indexedAt: NOW.toISOString() });
    const listing = { repositories: [{ repo: 'acme-bank/missing' }, { repo: 'acme-bank/interest-rates' }], complete: false };
    const { deps, observed } = withResync(listing);

    const summary = await resync(deps, { kind: 'resync', trigger: 'test' }, ctx);

    expect(summary.components).toMatchObject({ error: 1, drifted: 1 });
    expect(observed.get('error')).toBe(1);
    expect(enqueued.map((j) => (j as ApplyRepository).repo)).toEqual(['acme-bank/interest-rates']);
    expect(await base.index.get('acme-bank/unlisted')).toBeDefined();
  });

  it('without applying configured it reports drift and asks for nothing', async () => {
    const { deps } = withResync(everything(), { apply: false });
    const summary = await resync(deps, { kind: 'resync', trigger: 'test' }, ctx);

    expect(summary.components.drifted).toBe(5);
    expect(enqueued).toEqual([]);
  });
});

describe('sweep-deliveries', () => {
  const at = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * 60_000);
  const d = (id: number, guid: string, minutesAgo: number, statusCode: number, redelivery = false): HookDelivery =>
    ({ id, guid, deliveredAt: at(minutesAgo), redelivery, statusCode, event: 'push', action: null, installationId: 7, repositoryId: 1 });

  it('reads from an hour back the first time, redelivers what failed and pave never took, and keeps the watermark', async () => {
    const asked: { since: Date; maxPages: number }[] = [];
    const redelivered: number[] = [];
    let watermark: Date | undefined;
    const observed: [string, number][] = [];
    const log = [d(5, 'refused', 10, 500), d(4, 'lost', 20, 0), d(3, 'taken', 30, 0), d(2, 'fine', 40, 202)];
    const deps: JobDeps = {
      ...base,
      sweep: {
        log: {
          recent: async (since, maxPages) => (asked.push({ since, maxPages }), { deliveries: log, complete: true }),
          redeliver: async (id) => {
            if (id === 5) throw new Error('422 Validation Failed');
            redelivered.push(id);
          },
        },
        processed: { processed: async (guids) => new Set(guids.filter((g) => g === 'taken')) },
        watermark: { get: async () => watermark, set: async (w) => void (watermark = w) },
        maxPages: 3,
        observe: (o, n) => observed.push([o, n]),
      },
    };

    const summary = await sweepDeliveries(deps, { kind: 'sweep-deliveries', trigger: 'test' }, ctx);

    expect(asked).toEqual([{ since: at(60), maxPages: 3 }]);
    expect(redelivered).toEqual([4]);
    expect(summary.redelivered).toEqual(['lost']);
    expect(observed).toEqual([['requested', 1], ['failed', 1]]);
    expect(watermark).toEqual(at(20)); // the oldest delivery still unresolved
    await sweepDeliveries(deps, { kind: 'sweep-deliveries', trigger: 'test-2' }, ctx);
    expect(asked[1]!.since).toEqual(at(20));
  });

  it('does nothing without a delivery log (no GitHub App)', async () => {
    const summary = await sweepDeliveries(base, { kind: 'sweep-deliveries', trigger: 'test' }, ctx);
    expect(summary.read).toBe(0);
  });
});
