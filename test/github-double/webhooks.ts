/**
 * The double's webhook sender: what GitHub does with the App's webhook. `deliver` records a
 * delivery in the App's delivery log and POSTs it, signed with the webhook secret, to the
 * registered URL (`settings.webhook`), recording the status the receiver answered — or, with
 * `fail`, records it as failed without sending it (a delivery lost on the way: pave never saw
 * it). A redelivery request (`POST /app/hook/deliveries/{id}/attempts`) sends the stored payload
 * again the same way (`redeliver`).
 */
import { createHmac } from 'node:crypto';
import type { DoubleSettings } from './context.js';
import type { DeliveryState, DoubleState } from './state.js';

export interface WebhookTarget {
  readonly url: string;
  readonly secret: string;
}

export interface DeliverOptions {
  readonly guid?: string;
  /** Record the delivery as failed with this status (0: timed out) and send nothing. */
  readonly fail?: number;
}

function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** POST `body` as delivery `guid` of `event` to the target; the status, or 0 when nothing answered. */
export async function send(target: WebhookTarget, event: string, guid: string, body: string, installationId: number | null): Promise<number> {
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', 'user-agent': 'GitHub-Hookshot/double', 'x-github-event': event, 'x-github-delivery': guid,
        'x-github-hook-id': '12345', 'x-github-hook-installation-target-type': installationId ? 'integration' : 'repository',
        'x-github-hook-installation-target-id': '4242', 'x-hub-signature-256': sign(target.secret, body),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Record a delivery of `payload` and send it (unless `fail`); resolves with the recorded attempt. */
export async function deliver(state: DoubleState, settings: DoubleSettings, event: string, payload: object, options: DeliverOptions = {}): Promise<DeliveryState> {
  const body = JSON.stringify(payload);
  const guid = options.guid ?? crypto.randomUUID();
  const p = payload as { action?: string; installation?: { id?: number }; repository?: { id?: number } };
  const base = {
    guid, event, ...(p.action ? { action: p.action } : {}), payload: body,
    ...(p.installation?.id ? { installationId: p.installation.id } : {}), ...(p.repository?.id ? { repositoryId: p.repository.id } : {}),
  };
  if (options.fail !== undefined) return state.addDelivery({ ...base, statusCode: options.fail });
  if (!settings.webhook) throw new Error('deliver: no webhook registered (set github.settings.webhook = { url, secret })');
  const statusCode = await send(settings.webhook, event, guid, body, p.installation?.id ?? null);
  return state.addDelivery({ ...base, statusCode });
}

/** A redelivery of `delivery`: sent again when its payload is known and a webhook is registered, then recorded. */
export async function redeliver(state: DoubleState, settings: DoubleSettings, delivery: DeliveryState): Promise<DeliveryState> {
  const attempt = { guid: delivery.guid, event: delivery.event, ...(delivery.action ? { action: delivery.action } : {}), redelivery: true,
    ...(delivery.installationId ? { installationId: delivery.installationId } : {}), ...(delivery.repositoryId ? { repositoryId: delivery.repositoryId } : {}),
    ...(delivery.payload !== undefined ? { payload: delivery.payload } : {}) };
  if (delivery.payload === undefined || !settings.webhook) return state.addDelivery({ ...attempt, statusCode: settings.redeliveryStatusCode });
  const statusCode = await send(settings.webhook, delivery.event, delivery.guid, delivery.payload, delivery.installationId);
  return state.addDelivery({ ...attempt, statusCode });
}
