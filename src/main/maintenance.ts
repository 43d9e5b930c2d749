/**
 * Wiring of the scheduled jobs (resync and delivery sweeper): their ports from the configuration,
 * and the schedulers, upserted at worker startup and again until Redis answers.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedisProcessedDeliveries, createRedisSweepWatermark } from '../adapters/redis/sweep-state.js';
import type { AppConfig } from '../config/env.js';
import type { Logger } from '../domain/logger.js';
import type { RepositoryDirectory } from '../domain/resync.js';
import type { ComponentIndex } from '../domain/runs.js';
import type { ResyncPorts } from '../jobs/resync.js';
import type { SweepPorts } from '../jobs/sweep-deliveries.js';
import { upsertSchedules } from '../queue/schedule.js';
import type { PaveMetrics } from '../webhooks/metrics.js';
import type { Repositories } from './repositories.js';

/** Without an App (a token, or the embedded default), the resync visits the repositories the index knows. */
export function indexDirectory(index: ComponentIndex): RepositoryDirectory {
  return {
    async list(max) {
      const all = await index.all();
      return { repositories: all.slice(0, max).map((e) => ({ repo: e.repo })), complete: all.length <= max };
    },
  };
}

export function createMaintenancePorts(options: {
  config: AppConfig; repositories: Repositories; redis: Redis; keyPrefix: string; index: ComponentIndex;
  metrics: Pick<PaveMetrics, 'resyncComponents' | 'redeliveries'>;
}): { resync: ResyncPorts; sweep?: SweepPorts } {
  const { config, repositories, redis, keyPrefix, metrics } = options;
  const resync: ResyncPorts = {
    repositories: repositories.repositoryDirectory ?? indexDirectory(options.index),
    maxRepositories: config.resync.maxRepositories,
    concurrency: config.resync.concurrency,
    maxApplies: config.resync.maxApplies,
    observe: (outcome, n) => metrics.resyncComponents.inc({ outcome }, n),
  };
  if (!repositories.deliveryLog) return { resync };
  return {
    resync,
    sweep: {
      log: repositories.deliveryLog,
      // The webhook dedupe's keys (service.ts creates it with this prefix).
      processed: createRedisProcessedDeliveries(redis, `${keyPrefix}delivery:`),
      watermark: createRedisSweepWatermark(redis, `${keyPrefix}sweep:watermark`),
      maxPages: config.sweep.maxPages,
      maxRedeliveries: config.sweep.maxRedeliveries,
      observe: (outcome, n) => metrics.redeliveries.inc({ outcome }, n),
    },
  };
}

/**
 * Upsert the schedulers on the index queue; when Redis is not there yet, try again every 30 s.
 * The jitter's seed is the installation's identity (key prefix and App or public URL).
 */
export function startSchedules(queue: Queue, config: AppConfig, keyPrefix: string, logger: Logger): { stop(): void } {
  const seed = `${keyPrefix}|${config.github.kind === 'app' ? `app-${config.github.appId}` : config.publicUrl}`;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = (): void => {
    upsertSchedules(queue, { resyncEveryMs: config.resync.everyMs, sweepEveryMs: config.sweep.everyMs, seed }).then(
      (scheduled) => logger.info({ scheduled: scheduled.map((s) => ({ id: s.id, everyMs: s.everyMs, offsetMs: s.offsetMs })) }, 'scheduled jobs registered'),
      (err: unknown) => {
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not register the scheduled jobs yet; retrying in 30 s');
        if (!stopped) timer = setTimeout(attempt, 30_000).unref();
      },
    );
  };
  attempt();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
