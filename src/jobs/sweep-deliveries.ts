/**
 * The delivery sweeper (GitHub App mode): GitHub never retries a failed webhook delivery by
 * itself. Every `PAVE_SWEEP_INTERVAL` (`queue/schedule.ts`) this job reads the App's delivery log
 * since the last sweep's watermark (at most `maxPages` pages), decides which failed deliveries
 * pave never processed to redeliver (`planner/redeliveries.ts`), asks GitHub for at most
 * `maxRedeliveries` of them, and moves the watermark. The redelivered webhooks then arrive at
 * the web process like any other delivery.
 */
import type { DeliveryLog, ProcessedDeliveries, SweepWatermark } from '../domain/resync.js';
import { decideRedeliveries } from '../planner/redeliveries.js';
import type { SweepDeliveries } from '../queue/jobs.js';
import type { JobContext, JobDeps } from './context.js';

export interface SweepPorts {
  readonly log: DeliveryLog;
  readonly processed: ProcessedDeliveries;
  readonly watermark: SweepWatermark;
  /** Pages of 100 deliveries read per sweep. @defaultValue 10 */
  readonly maxPages?: number;
  /** Redeliveries asked per sweep. @defaultValue 25 */
  readonly maxRedeliveries?: number;
  /** Redeliveries tried per delivery before giving up. @defaultValue 3 */
  readonly maxAttempts?: number;
  /** How far back the first sweep reads (ms). @defaultValue 1 hour */
  readonly firstLookbackMs?: number;
  /** Redeliveries asked (`pave_redeliveries_total`). */
  observe?(outcome: 'requested' | 'failed', count: number): void;
}

export interface SweepSummary {
  readonly read: number;
  readonly redelivered: readonly string[];
  readonly skipped: number;
  readonly watermark: Date;
}

export async function sweepDeliveries(deps: JobDeps, _job: SweepDeliveries, ctx: JobContext): Promise<SweepSummary> {
  const ports = deps.sweep;
  const now = deps.clock.now();
  if (!ports) {
    ctx.logger.info({}, 'delivery sweep: not configured (GitHub App mode only)');
    return { read: 0, redelivered: [], skipped: 0, watermark: now };
  }
  const since = (await ports.watermark.get()) ?? new Date(now.getTime() - (ports.firstLookbackMs ?? 60 * 60_000));
  const { deliveries, complete } = await ports.log.recent(since, ports.maxPages ?? 10);
  if (!complete) ctx.logger.warn({ read: deliveries.length, since: since.toISOString() }, 'delivery sweep: more deliveries than PAVE_SWEEP_MAX_PAGES pages since the last sweep; older ones are not checked');
  const processed = await ports.processed.processed([...new Set(deliveries.map((d) => d.guid))]);
  const decision = decideRedeliveries({
    deliveries, processed, since,
    maxRedeliveries: ports.maxRedeliveries ?? 25, maxAttempts: ports.maxAttempts ?? 3,
  });

  const redelivered: string[] = [];
  let failed = 0;
  for (const d of decision.redeliver) {
    try {
      await ports.log.redeliver(d.id);
      redelivered.push(d.guid);
      ctx.logger.info({ guid: d.guid, event: d.event, action: d.action, statusCode: d.statusCode, deliveredAt: d.deliveredAt.toISOString() }, 'delivery sweep: redelivery requested');
    } catch (err) {
      failed++;
      ctx.logger.warn({ guid: d.guid, event: d.event, err: err instanceof Error ? err.message : String(err) }, 'delivery sweep: redelivery refused');
    }
  }
  for (const s of decision.skipped.filter((x) => x.reason === 'gave-up')) {
    ctx.logger.warn({ guid: s.guid, event: s.event }, 'delivery sweep: gave up on a delivery (redelivered too often); the resync repairs what it would have changed');
  }
  if (redelivered.length > 0) ports.observe?.('requested', redelivered.length);
  if (failed > 0) ports.observe?.('failed', failed);
  await ports.watermark.set(decision.watermark);
  const log = { read: deliveries.length, redelivered: redelivered.length, failed, skipped: decision.skipped.length, watermark: decision.watermark.toISOString() };
  if (redelivered.length > 0 || failed > 0) ctx.logger.info(log, 'delivery sweep finished');
  else ctx.logger.debug(log, 'delivery sweep finished: nothing to redeliver');
  return { read: deliveries.length, redelivered, skipped: decision.skipped.length, watermark: decision.watermark };
}
