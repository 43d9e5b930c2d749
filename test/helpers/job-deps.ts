/**
 * The `JobDeps` that job-level tests hand to the handlers: the GitHub ports of one installation,
 * the platform repository read through them, an empty state snapshot, the component index and
 * run store on real Redis under the test's prefix, a fixed clock, and whatever apply side the
 * test wants (real ports, or {@link applyTripwire} to prove a job never touches them).
 */
import type { ApplyPorts } from '../../src/domain/apply.js';
import { silentLogger } from '../../src/domain/logger.js';
import { createRedisComponentIndex } from '../../src/adapters/redis/component-index.js';
import { createRedisRunStore } from '../../src/adapters/redis/run-store.js';
import type { JobDeps, RepositoryPorts } from '../../src/jobs/context.js';
import { createPlatformSource } from '../../src/jobs/platform-source.js';
import type { JobRequest } from '../../src/queue/jobs.js';
import type { Redis } from 'ioredis';

export interface TestJobDepsOptions {
  readonly ports: RepositoryPorts;
  readonly platformRepo: string;
  readonly redis: { readonly redis: Redis; readonly prefix: string };
  /** Jobs the handlers enqueue are pushed here (dropped when absent). */
  readonly enqueued?: JobRequest[];
  readonly apply?: ApplyPorts;
  readonly logger?: JobDeps['logger'];
}

export function testJobDeps(o: TestJobDepsOptions): JobDeps {
  return {
    repositories: () => o.ports,
    platform: () => createPlatformSource(o.ports.reader, o.platformRepo),
    state: { snapshot: async () => new Map() },
    index: createRedisComponentIndex(o.redis.redis, { prefix: o.redis.prefix }),
    runs: createRedisRunStore(o.redis.redis, { prefix: o.redis.prefix }),
    enqueue: async (jobs) => void o.enqueued?.push(...jobs),
    clock: { now: () => new Date('2026-11-23T12:00:00Z') },
    publicUrl: 'http://pave.test',
    logger: o.logger ?? silentLogger,
    ...(o.apply ? { apply: o.apply } : {}),
  };
}

/** Apply ports that record and refuse every use: a job that must stay away from them fails loudly. */
export function applyTripwire(touched: string[], what: string): ApplyPorts {
  return new Proxy({} as ApplyPorts, {
    get(_target, name) {
      touched.push(String(name));
      throw new Error(`${what} (${String(name)})`);
    },
  });
}
