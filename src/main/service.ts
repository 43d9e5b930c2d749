/**
 * The composition root of the service: builds the adapters from the configuration, then runs the
 * web process (webhook ingress, run pages, health, metrics), the workers, or both (`PAVE_ROLE`).
 * Construction and wiring only: no decisions here.
 */
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { join } from 'node:path';
import { createGitStateSource, createLocalStateRepository, createReleaseReader, createRemoteStateRepository } from '../adapters/git/index.js';
import type { StateRepository } from '../domain/apply.js';
import { ConfigError } from '../domain/errors.js';
import { createRedisComponentIndex } from '../adapters/redis/component-index.js';
import { createRedisDeliveryDedupe } from '../adapters/redis/delivery-dedupe.js';
import { createRedisRunStore } from '../adapters/redis/run-store.js';
import type { AppConfig } from '../config/env.js';
import type { Logger } from '../domain/logger.js';
import type { Clock } from '../domain/ports.js';
import type { JobDeps } from '../jobs/context.js';
import { handleJob } from '../jobs/handle-job.js';
import { createEnqueuer, producerRedisOptions } from '../queue/enqueue.js';
import { QUEUE_NAMES } from '../queue/jobs.js';
import { createFlowEnqueuer } from '../queue/flow.js';
import { startWorkerPool, type WorkerPool } from '../queue/worker.js';
import { createAccess, isLoopback } from '../web/auth.js';
import { buildLogSection } from '../web/build-log-section.js';
import { mountWebPages } from '../web/pages.js';
import { createQueueBoard } from '../web/queue-board.js';
import { createWebhookApp } from '../webhooks/app.js';
import { createMetrics, jobObserver } from '../webhooks/metrics.js';
import { observeApplyPorts } from '../webhooks/observe-ports.js';
import { createApplyPorts } from './apply-ports.js';
import { createBuildSide } from './build-ports.js';
import { createMaintenancePorts, startSchedules } from './maintenance.js';
import { createRepositories, type Repositories } from './repositories.js';
import { createCatalogSource, createEnvironmentOrder } from './web-sources.js';
import type { Env } from './secret-refs.js';

export interface Service {
  /** Base URL the web process listens on (undefined for a worker-only process). */
  readonly url?: string;
  readonly repositories: Repositories;
  close(): Promise<void>;
}

export interface ServiceOptions {
  readonly logger: Logger;
  /** The master key for secrets: without it the service plans but does not apply. */
  readonly masterKey?: Uint8Array;
  /** The process environment, for secret references (database admin credentials, catalog keys). */
  readonly env?: Env;
  /** BullMQ and pave key prefixes (tests isolate themselves with these). */
  readonly bullPrefix?: string;
  readonly keyPrefix?: string;
  /** Worker shutdown grace. */
  readonly graceMs?: number;
  /** Time for the jobs (soak times, freeze windows); tests move it. @defaultValue the system clock */
  readonly clock?: Clock;
}

export async function startService(config: AppConfig, options: ServiceOptions): Promise<Service> {
  const { logger } = options;
  const keyPrefix = options.keyPrefix ?? config.keyPrefix;
  const bullPrefix = options.bullPrefix ?? config.queuePrefix;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  // Two connections: one that fails fast for the web process (answer 503, never queue in memory),
  // one that waits out short outages for the workers (a job then errors and is retried).
  // Auto-pipelining batches the dedupe SETs of concurrent deliveries into one round trip.
  const fast = new Redis(config.redisUrl, producerRedisOptions({ lazyConnect: false, enableAutoPipelining: true }));
  const patient = new Redis(config.redisUrl, { maxRetriesPerRequest: 3, retryStrategy: (n) => Math.min(200 * n, 2_000) });
  for (const [name, conn] of [['web', fast], ['worker', patient]] as const) {
    conn.on('error', (err) => logger.debug({ err: String(err), connection: name }, 'redis connection error'));
  }
  const enqueuer = createEnqueuer(config.redisUrl, { prefix: bullPrefix, onError: (err) => logger.debug({ err: String(err) }, 'queue connection error') });
  const flows = createFlowEnqueuer(config.redisUrl, { prefix: bullPrefix });
  const metrics = createMetrics(registry, { queueDepth: () => enqueuer.counts(), queueOldest: () => enqueuer.oldestWaiting(), now: () => Date.now() });
  const enqueue: typeof enqueuer.enqueue = async (jobs) => {
    const placed = await enqueuer.enqueue(jobs);
    for (const job of jobs) metrics.jobsEnqueued.inc({ kind: job.kind });
    return placed;
  };
  const repositories = createRepositories(config, logger, (remaining) => metrics.githubRateLimitRemaining.set(remaining));
  // Give the connections a moment to come up, so the first deliveries are not refused needlessly.
  const reachable = await waitUntil(async () => fast.status === 'ready' && (await enqueuer.ping().then(() => true, () => false)), 2_000);
  if (!reachable) {
    logger.warn({ redis: config.redisUrl.replace(/\/\/[^@]*@/, '//***@') },
      'Redis is not reachable: webhooks are answered 503 and no job runs until it is (start one with `redis-server --daemonize yes`); pave keeps retrying');
  }

  const stateRepository = createStateRepository(config, repositories);
  const apply = options.masterKey
    ? observeApplyPorts(createApplyPorts({ masterKey: options.masterKey, state: stateRepository, redis: patient, keyPrefix, env: options.env ?? {} }), metrics, () => Date.now())
    : undefined;
  if (!apply) logger.warn({}, 'no master key for secrets (PAVE_SECRET_KEY): pull requests are planned, merges are not applied');
  const index = createRedisComponentIndex(patient, { prefix: keyPrefix });
  // Builds run in workers only; a web process never checks code out.
  const buildSide = config.build.enabled && config.role !== 'web'
    ? createBuildSide(config.build, repositories.gitCredentials ? (id) => repositories.gitCredentials!(id) : undefined, options.env ?? {})
    : undefined;
  const deps: JobDeps = {
    repositories: repositories.forInstallation,
    platform: repositories.platform,
    state: createGitStateSource(stateRepository),
    ...(apply ? { apply } : {}),
    ...(buildSide ? { build: buildSide.ports } : {}),
    ...createMaintenancePorts({ config, repositories, redis: patient, keyPrefix, index, metrics }),
    index,
    runs: createRedisRunStore(patient, { prefix: keyPrefix }),
    enqueue: async (jobs) => void (await enqueue(jobs)),
    enqueueFlow: async (parent, children) => void (await flows.enqueueFlow(parent, children)),
    clock: options.clock ?? { now: () => new Date() },
    publicUrl: config.publicUrl,
    logger,
  };

  let server: ServerType | undefined;
  let url: string | undefined;
  const runStoreForWeb = createRedisRunStore(fast, { prefix: keyPrefix });
  if (config.role !== 'worker') {
    const access = createAccess({
      token: config.ui.token,
      github: config.ui.github ? { ...config.ui.github, webUrl: config.githubWebUrl, apiUrl: config.githubApiUrl } : undefined,
      publicUrl: config.publicUrl,
      remoteAddress: (c) => getConnInfo(c).remote.address,
      log: logger,
    });
    if (access.mode === 'open' && !isLoopback(config.host) && config.host !== 'localhost') {
      logger.warn({ host: config.host }, 'no access control for the web pages (PAVE_UI_TOKEN or GitHub sign-in): they answer loopback clients only');
    }
    const app = createWebhookApp({
      secrets: [config.webhookSecret],
      platformRepo: repositories.platformRepoForEvents,
      botLogins: repositories.botLogins,
      dedupe: createRedisDeliveryDedupe({ redis: fast, prefix: `${keyPrefix}delivery:` }),
      enqueue,
      ready: () => enqueuer.ping(),
      registry,
      metrics,
      log: logger,
      ...(config.ui.metricsPublic ? {} : { metricsGuard: access.guard }),
      extraRoutes: (a) => mountWebPages(a, {
        access,
        runSections: [buildLogSection],
        runs: runStoreForWeb,
        releases: createReleaseReader(stateRepository, logger),
        catalog: createCatalogSource(() => repositories.platform(config.platformInstallationId), createRedisComponentIndex(fast, { prefix: keyPrefix })),
        environmentOrder: createEnvironmentOrder(() => repositories.platform(config.platformInstallationId)),
        ...(repositories.embedded ? {} : { repoUrl: (repo: string) => `${config.githubWebUrl}/${repo}` }),
        queueBoard: createQueueBoard(enqueuer.queues.map((q) => new BullMQAdapter(q))),
      }),
    });
    ({ server, url } = await listen(app, config));
  } else {
    // A worker-only process still answers health and metrics.
    const app = new Hono();
    app.get('/healthz', (c) => c.text('ok'));
    app.get('/readyz', async (c) => (await patient.ping().then(() => true, () => false)) ? c.text('ready') : c.text('redis unreachable', 503));
    app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }));
    ({ server, url } = await listen(app, config));
  }

  let pool: WorkerPool | undefined;
  let schedules: { stop(): void } | undefined;
  if (config.role !== 'web') {
    pool = startWorkerPool({
      connection: { url: config.redisUrl, maxRetriesPerRequest: null },
      prefix: bullPrefix,
      concurrency: config.concurrency,
      logger,
      now: () => Date.now(),
      graceMs: options.graceMs,
      lockMs: config.jobLockMs,
      handler: (job, ctx) => handleJob(deps, job, ctx),
      observer: jobObserver(metrics),
    });
    if (repositories.embedded) await repositories.indexLocal(deps.enqueue);
    schedules = startSchedules(enqueuer.queues.find((q) => q.name === QUEUE_NAMES.index)!, config, keyPrefix, logger);
  }

  return {
    url,
    repositories,
    async close() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      schedules?.stop();
      await pool?.close();
      await apply?.close();
      await buildSide?.close();
      await enqueuer.close();
      await flows.close();
      fast.disconnect();
      patient.disconnect();
    },
  };
}

async function waitUntil(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

async function listen(app: Hono, config: AppConfig): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
      resolve({ server, url: `http://${config.host}:${info.port}` });
    });
    server.once('error', reject);
  });
}

/** Where the embedded default keeps its generated webhook secret (for `npm run webhook`). */
export function secretFile(config: AppConfig): string {
  return join(config.stateRepo, '..', 'webhook-secret');
}

/**
 * The state repository: a local bare repository (the default), or a remote one (an https URL) kept
 * in a local mirror and pushed with the GitHub token or the state installation's token.
 */
export function createStateRepository(config: AppConfig, repositories: Pick<Repositories, 'gitCredentials'>): StateRepository {
  if (!/^https?:\/\//i.test(config.stateRepo)) return createLocalStateRepository({ dir: config.stateRepo });
  const credentials = repositories.gitCredentials;
  if (!credentials) throw new ConfigError('a remote STATE_REPO needs GitHub credentials');
  return createRemoteStateRepository({ url: config.stateRepo, dir: config.stateMirrorDir, auth: () => credentials() });
}
