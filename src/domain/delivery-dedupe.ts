/**
 * Port: remembers webhook delivery ids (`X-GitHub-Delivery`) so that a redelivered webhook is
 * answered without enqueueing anything twice. Implemented on Redis by
 * `adapters/redis/delivery-dedupe.ts`; tests may use a `Set`.
 */
export interface DeliveryDedupe {
  /**
   * Atomically record `deliveryId` and say whether it had been recorded before. `false` means
   * "first time: go ahead". Rejects when the store is unreachable.
   */
  seen(deliveryId: string): Promise<boolean>;
  /**
   * Drop a recorded id, so that GitHub's redelivery of a delivery we failed to enqueue (answered
   * 503) is processed. Best effort.
   */
  forget(deliveryId: string): Promise<void>;
}
