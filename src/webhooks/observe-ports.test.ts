import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { DatabaseProvider, LeaseManager } from '../domain/apply.js';
import { TerminalError, TransientError } from '../domain/errors.js';
import { createMetrics } from './metrics.js';
import { leaseKind, observeLeases, observeProvider } from './observe-ports.js';

async function value(registry: Registry, name: string): Promise<{ labels: Record<string, string | number>; value: number; metricName?: string }[]> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? []) as never;
}

describe('observeLeases', () => {
  it('counts every refusal and observes the wait from the first refusal to the lease', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    let holder: string | undefined = 'other-job';
    const inner: LeaseManager = {
      acquire: async (_key, _ttl, owner) => (holder === undefined || holder === owner ? ((holder = owner), true) : false),
      release: async () => void (holder = undefined),
    };
    let now = 1_000;
    const leases = observeLeases(inner, metrics, () => now);
    expect(await leases.acquire('lending/loans-api/development', 60_000, 'job-1')).toBe(false);
    now += 2_000;
    expect(await leases.acquire('lending/loans-api/development', 60_000, 'job-1')).toBe(false);
    now += 3_000;
    holder = undefined;
    expect(await leases.acquire('lending/loans-api/development', 60_000, 'job-1')).toBe(true);

    expect(await value(registry, 'pave_lease_waits_total')).toEqual([{ labels: { lease: 'deploy' }, value: 2 }]);
    const hist = await value(registry, 'pave_lease_wait_seconds');
    expect(hist.find((v) => v.metricName === 'pave_lease_wait_seconds_sum')?.value).toBe(5);
    expect(hist.find((v) => v.metricName === 'pave_lease_wait_seconds_count')?.value).toBe(1);
    expect(leaseKind('ledger/lending/loans-api')).toBe('ledger');
  });
});

describe('observeProvider', () => {
  it('counts failed calls by engine and error kind, and passes results and errors through', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    const errors = [new TransientError('connection reset'), new TerminalError('permission denied'), new Error('bug')];
    const inner = {
      engine: 'postgresql',
      observe: async () => { throw errors.shift(); },
      apply: async () => ({ changed: ['created database'] }),
      verify: async () => true,
      close: async () => undefined,
    } as unknown as DatabaseProvider;
    const provider = observeProvider(inner, metrics);
    for (let i = 0; i < 3; i++) await expect(provider.observe({} as never, 'pw')).rejects.toThrow();
    expect(await provider.apply({} as never, 'pw')).toEqual({ changed: ['created database'] });
    expect(provider.engine).toBe('postgresql');
    const counts = (await value(registry, 'pave_provider_errors_total')).map((v) => `${v.labels.engine} ${v.labels.kind} ${v.value}`).sort();
    expect(counts).toEqual(['postgresql terminal 1', 'postgresql transient 1', 'postgresql unknown 1']);
  });
});

describe('queue age', () => {
  it('reports the age of the oldest waiting job per queue, 0 for an empty queue', async () => {
    const registry = new Registry();
    createMetrics(registry, { now: () => 100_000, queueOldest: async () => [{ queue: 'plan', since: 40_000 }, { queue: 'apply' }] });
    const ages = (await value(registry, 'pave_queue_oldest_job_age_seconds')).map((v) => `${v.labels.queue}=${v.value}`).sort();
    expect(ages).toEqual(['apply=0', 'plan=60']);
  });
});
