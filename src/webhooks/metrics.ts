/**
 * pave's Prometheus metrics. The web process counts deliveries and times ingress→enqueue; the
 * workers observe the job histograms with the objects returned here (one `createMetrics` per
 * registry and process: prom-client refuses to register a name twice).
 *
 * Latency chain of a job: `receivedAt` (webhook arrived) → enqueued → started → finished;
 * `pave_ingress_to_enqueue_seconds`, `pave_job_queue_wait_seconds`, `pave_job_duration_seconds`
 * and `pave_job_ingress_to_finish_seconds` cover it.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What happened to a webhook delivery (`pave_webhooks_total{outcome}`). */
export type WebhookOutcome =
  | 'accepted'
  | 'duplicate'
  | 'ignored'
  | 'unauthorized'
  | 'too_large'
  | 'bad_request'
  | 'unavailable';

/** One line of `pave_queue_depth`: how many jobs of a queue are in a state (`waiting`, `active` …). */
export interface QueueDepth {
  readonly queue: string;
  readonly state: string;
  readonly count: number;
}

/** When the oldest waiting job of a queue was added (ms since the epoch); absent when none waits. */
export interface QueueOldest {
  readonly queue: string;
  readonly since?: number;
}

export interface MetricsOptions {
  /**
   * Called on every scrape to fill `pave_queue_depth` (main passes the enqueuer's counts). A
   * rejection leaves the gauge empty for that scrape rather than failing `/metrics`.
   */
  readonly queueDepth?: () => Promise<readonly QueueDepth[]>;
  /** Called on every scrape to fill `pave_queue_oldest_job_age_seconds` (0 for an empty queue). */
  readonly queueOldest?: () => Promise<readonly QueueOldest[]>;
  /** Milliseconds since the epoch (for ages). */
  readonly now?: () => number;
}

export interface PaveMetrics {
  /** Deliveries by event name (known names, else `other`) and outcome. */
  readonly webhooks: Counter<'event' | 'outcome'>;
  /** From the request's arrival to the jobs being in Redis (accepted deliveries only). */
  readonly ingressToEnqueue: Histogram;
  /** From enqueue to a worker starting the job (seconds). Observed by workers. */
  readonly jobQueueWait: Histogram<'kind'>;
  /** From start to finish of one attempt; `outcome` is `completed`, `failed`, `delayed` … */
  readonly jobDuration: Histogram<'kind' | 'outcome'>;
  /** From the webhook's arrival (`receivedAt`) to the job finishing. */
  readonly jobIngressToFinish: Histogram<'kind'>;
  /** Jobs per queue and state, refreshed on scrape by `MetricsOptions.queueDepth`. */
  readonly queueDepth: Gauge<'queue' | 'state'>;
  /** The last `x-ratelimit-remaining` GitHub answered. Set by the GitHub adapter's caller. */
  readonly githubRateLimitRemaining: Gauge;
  /** Age of the oldest job waiting in each queue, refreshed on scrape. */
  readonly queueOldestAge: Gauge<'queue'>;
  /** Jobs handed to the queues, by kind (webhooks, and jobs enqueueing jobs). */
  readonly jobsEnqueued: Counter<'kind'>;
  /** Lease acquisitions refused because another job holds it (the job waits: NotReadyError). */
  readonly leaseWaits: Counter<'lease'>;
  /** From the first refused acquisition to getting the lease (same owner, same process). */
  readonly leaseWaitSeconds: Histogram<'lease'>;
  /** Database provider calls that failed, by engine and error kind (`transient`, `terminal` …, `unknown`). */
  readonly providerErrors: Counter<'engine' | 'kind'>;
  /** Components the resync compared, by outcome (`in-sync`, `drifted`, `held`, `invalid`, `unmanaged`, `error`). */
  readonly resyncComponents: Counter<'outcome'>;
  /** Redeliveries the delivery sweeper asked GitHub for (`requested`), or GitHub refused (`failed`). */
  readonly redeliveries: Counter<'outcome'>;
}

const FAST = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const SLOW = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/** Create and register every pave metric in `registry`. */
export function createMetrics(registry: Registry, options: MetricsOptions = {}): PaveMetrics {
  const registers = [registry];
  const { queueDepth, queueOldest } = options;
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  return {
    webhooks: new Counter({
      name: 'pave_webhooks_total',
      help: 'GitHub webhook deliveries by event and outcome.',
      labelNames: ['event', 'outcome'] as const,
      registers,
    }),
    ingressToEnqueue: new Histogram({
      name: 'pave_ingress_to_enqueue_seconds',
      help: 'Time from a webhook request arriving to its jobs being enqueued.',
      buckets: FAST,
      registers,
    }),
    jobQueueWait: new Histogram({
      name: 'pave_job_queue_wait_seconds',
      help: 'Time a job waited in its queue before a worker started it.',
      labelNames: ['kind'] as const,
      buckets: SLOW,
      registers,
    }),
    jobDuration: new Histogram({
      name: 'pave_job_duration_seconds',
      help: 'Time from a worker starting a job attempt to its end.',
      labelNames: ['kind', 'outcome'] as const,
      buckets: SLOW,
      registers,
    }),
    jobIngressToFinish: new Histogram({
      name: 'pave_job_ingress_to_finish_seconds',
      help: 'Time from the webhook that caused a job to the job finishing.',
      labelNames: ['kind'] as const,
      buckets: SLOW,
      registers,
    }),
    queueDepth: new Gauge({
      name: 'pave_queue_depth',
      help: 'Jobs per queue and state.',
      labelNames: ['queue', 'state'] as const,
      registers,
      async collect() {
        if (!queueDepth) return;
        let depths: readonly QueueDepth[] = [];
        try {
          depths = await queueDepth();
        } catch {
          // Redis is down: say nothing rather than a stale number; /readyz reports the outage.
        }
        this.reset();
        for (const d of depths) this.set({ queue: d.queue, state: d.state }, d.count);
      },
    }),
    githubRateLimitRemaining: new Gauge({
      name: 'pave_github_rate_limit_remaining',
      help: 'Requests left in the current GitHub rate-limit window, as GitHub last reported.',
      registers,
    }),
    queueOldestAge: new Gauge({
      name: 'pave_queue_oldest_job_age_seconds',
      help: 'Age of the oldest job waiting in each queue (0 when none waits).',
      labelNames: ['queue'] as const,
      registers,
      async collect() {
        if (!queueOldest) return;
        let oldest: readonly QueueOldest[] = [];
        try {
          oldest = await queueOldest();
        } catch {
          // Redis is down: no number rather than a stale one.
        }
        this.reset();
        const at = now();
        for (const o of oldest) this.set({ queue: o.queue }, o.since === undefined ? 0 : Math.max(0, (at - o.since) / 1000));
      },
    }),
    jobsEnqueued: new Counter({
      name: 'pave_jobs_enqueued_total',
      help: 'Jobs handed to the queues, by kind.',
      labelNames: ['kind'] as const,
      registers,
    }),
    leaseWaits: new Counter({
      name: 'pave_lease_waits_total',
      help: 'Lease acquisitions refused because another job holds the lease (the job is delayed and retried).',
      labelNames: ['lease'] as const,
      registers,
    }),
    leaseWaitSeconds: new Histogram({
      name: 'pave_lease_wait_seconds',
      help: 'Time from the first refused acquisition of a lease to getting it.',
      labelNames: ['lease'] as const,
      buckets: SLOW,
      registers,
    }),
    providerErrors: new Counter({
      name: 'pave_provider_errors_total',
      help: 'Database provider calls that failed, by engine and error kind.',
      labelNames: ['engine', 'kind'] as const,
      registers,
    }),
    resyncComponents: new Counter({
      name: 'pave_resync_components_total',
      help: 'Components the resync compared with the state repository, by outcome (drifted ones get an apply).',
      labelNames: ['outcome'] as const,
      registers,
    }),
    redeliveries: new Counter({
      name: 'pave_redeliveries_total',
      help: 'Webhook redeliveries the delivery sweeper asked GitHub for, by outcome (requested, failed).',
      labelNames: ['outcome'] as const,
      registers,
    }),
  };
}

/**
 * The job histograms as a worker-pool observer (`queue/worker.ts`'s `JobObserver`): queue wait on
 * start; duration per attempt; ingress→finish once a job is done for good (completed or failed).
 */
export function jobObserver(metrics: Pick<PaveMetrics, 'jobQueueWait' | 'jobDuration' | 'jobIngressToFinish'>) {
  return {
    started(kind: string, waitMs: number): void {
      metrics.jobQueueWait.observe({ kind }, waitMs / 1000);
    },
    finished(kind: string, outcome: string, durationMs: number, ingressToFinishMs?: number): void {
      metrics.jobDuration.observe({ kind, outcome }, durationMs / 1000);
      if (ingressToFinishMs !== undefined && (outcome === 'completed' || outcome === 'failed')) {
        metrics.jobIngressToFinish.observe({ kind }, ingressToFinishMs / 1000);
      }
    },
  };
}
