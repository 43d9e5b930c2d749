/**
 * Metrics around the apply side's ports, as decorators main wraps them in (the jobs stay unaware):
 *
 * - leases: every refused acquisition counts a wait (`pave_lease_waits_total{lease}`; the job then
 *   throws NotReadyError and is delayed), and the time from the first refusal to getting the lease
 *   is observed once it is got (`pave_lease_wait_seconds`; only when the retry lands on the same
 *   process, which holds the first-refusal times: at most 10,000, oldest dropped first);
 * - providers: every failed call counts `pave_provider_errors_total{engine, kind}`, `kind` being
 *   the domain error's code (`transient`, `terminal`, …) or `unknown`.
 */
import type { ApplyPorts, DatabaseProvider, LeaseManager } from '../domain/apply.js';
import { PaveError } from '../domain/errors.js';
import type { PaveMetrics } from './metrics.js';

const MAX_TRACKED = 10_000;

/** `ledger/<project>/<component>` → `ledger`; `<project>/<component>/<environment>` → `deploy`. */
export function leaseKind(key: string): string {
  return key.startsWith('ledger/') ? 'ledger' : 'deploy';
}

export function observeLeases(leases: LeaseManager, metrics: Pick<PaveMetrics, 'leaseWaits' | 'leaseWaitSeconds'>, now: () => number): LeaseManager {
  const firstRefused = new Map<string, number>();
  return {
    async acquire(key, ttlMs, owner) {
      const got = await leases.acquire(key, ttlMs, owner);
      const id = `${key}\0${owner}`;
      const lease = leaseKind(key);
      if (!got) {
        metrics.leaseWaits.inc({ lease });
        if (!firstRefused.has(id)) {
          firstRefused.set(id, now());
          if (firstRefused.size > MAX_TRACKED) firstRefused.delete(firstRefused.keys().next().value!);
        }
        return false;
      }
      const since = firstRefused.get(id);
      if (since !== undefined) {
        firstRefused.delete(id);
        metrics.leaseWaitSeconds.observe({ lease }, Math.max(0, now() - since) / 1000);
      }
      return true;
    },
    release: (key, owner) => leases.release(key, owner),
  };
}

export function errorKind(err: unknown): string {
  return err instanceof PaveError ? err.code : 'unknown';
}

/** Count the failures of every method of a provider (whatever methods the port has). */
export function observeProvider(provider: DatabaseProvider, metrics: Pick<PaveMetrics, 'providerErrors'>): DatabaseProvider {
  return new Proxy(provider, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'close') return value;
      return (...args: unknown[]) => {
        try {
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (result instanceof Promise) {
            return result.catch((err: unknown) => {
              metrics.providerErrors.inc({ engine: target.engine, kind: errorKind(err) });
              throw err;
            });
          }
          return result;
        } catch (err) {
          metrics.providerErrors.inc({ engine: target.engine, kind: errorKind(err) });
          throw err;
        }
      };
    },
  });
}

/** The apply ports with observed leases and providers. */
export function observeApplyPorts<T extends ApplyPorts>(ports: T, metrics: Pick<PaveMetrics, 'leaseWaits' | 'leaseWaitSeconds' | 'providerErrors'>, now: () => number): T {
  return {
    ...ports,
    leases: observeLeases(ports.leases, metrics, now),
    provider: async (...args: Parameters<ApplyPorts['provider']>) => observeProvider(await ports.provider(...args), metrics),
  };
}
