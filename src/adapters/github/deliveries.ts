/**
 * The GitHub App's webhook delivery log, for the sweeper that redelivers what failed (GitHub
 * never retries a failed delivery by itself, and keeps them for three days on github.com).
 * Uses the App's JWT: `GET /app/hook/deliveries` (newest first, cursor pagination through the
 * `Link` header) and `POST /app/hook/deliveries/{id}/attempts`.
 */
import type { DeliveryLog, HookDelivery } from '../../domain/resync.js';
import type { GitHubClient } from './client.js';
import { translated } from './errors.js';

export type { HookDelivery } from '../../domain/resync.js';

/** The delivery log port ({@link DeliveryLog}: `recent`, `redeliver`) and two conveniences. */
export interface WebhookDeliveries extends DeliveryLog {
  /** Deliveries since `since`, newest first (reads pages until it passes `since`). */
  list(since: Date): Promise<HookDelivery[]>;
  /**
   * The latest failed attempt of every delivery since `since` that never succeeded (no attempt
   * with a 2xx/3xx status), oldest first: what a sweeper should redeliver.
   */
  listFailed(since: Date): Promise<HookDelivery[]>;
  /** Ask GitHub to send a delivery again (202: queued on GitHub's side). */
  redeliver(deliveryId: number): Promise<void>;
}

function succeeded(d: HookDelivery): boolean {
  return d.statusCode >= 200 && d.statusCode < 400;
}

/** The delivery log through `app()`, the App's JWT client (asked for on each call, so a token setup fails only when used). */
export function createWebhookDeliveries(app: () => GitHubClient): WebhookDeliveries {
  const toDelivery = (d: { id: number; guid: string; delivered_at: string; redelivery: boolean; status_code: number; event: string; action: string | null; installation_id: number | null; repository_id: number | null }): HookDelivery => ({
    id: d.id, guid: d.guid, deliveredAt: new Date(d.delivered_at), redelivery: d.redelivery, statusCode: d.status_code,
    event: d.event, action: d.action, installationId: d.installation_id, repositoryId: d.repository_id,
  });
  const deliveries: WebhookDeliveries = {
    async recent(since, maxPages) {
      const octokit = app();
      let pages = 0;
      let truncated = false;
      const read = await translated(() => octokit.paginate(octokit.rest.apps.listWebhookDeliveries, { per_page: 100 }, (response, done) => {
        pages++;
        const page = response.data.map(toDelivery);
        const recent = page.filter((d) => d.deliveredAt >= since);
        // Newest first: a page reaching past `since` ends the part of the log we need.
        if (recent.length < page.length) done();
        else if (pages >= maxPages) {
          truncated = /rel="next"/.test(response.headers.link ?? '');
          done();
        }
        return recent;
      }));
      return { deliveries: read, complete: !truncated };
    },

    async list(since) {
      const octokit = app();
      return translated(() => octokit.paginate(octokit.rest.apps.listWebhookDeliveries, { per_page: 100 }, (response, done) => {
        const page = response.data.map(toDelivery);
        const recent = page.filter((d) => d.deliveredAt >= since);
        if (recent.length < page.length) done();
        return recent;
      }));
    },

    async listFailed(since) {
      const all = await deliveries.list(since);
      const ok = new Set(all.filter(succeeded).map((d) => d.guid));
      const latest = new Map<string, HookDelivery>();
      for (const d of all) {
        if (!ok.has(d.guid) && !latest.has(d.guid)) latest.set(d.guid, d);
      }
      return [...latest.values()].reverse();
    },

    async redeliver(deliveryId) {
      const octokit = app();
      await translated(() => octokit.rest.apps.redeliverWebhookDelivery({ delivery_id: deliveryId }));
    },
  };
  return deliveries;
}
