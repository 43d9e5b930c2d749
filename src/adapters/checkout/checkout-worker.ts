/**
 * Worker-thread entry of a checkout (see source-checkout.ts): runs fetchTree on the input in
 * `workerData` and posts one message back. Everything CPU-heavy (pack parsing, inflating, SHA-1)
 * happens on this thread, so the caller's event loop keeps serving.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CheckoutFailure, fetchTree, type FetchTreeInput } from './fetch-tree.js';

export type WorkerReply =
  | { readonly ok: true; readonly files: number; readonly bytes: number; readonly fetchedBy: 'sha' | 'ref' }
  | { readonly ok: false; readonly code: CheckoutFailure['code'] | 'bug'; readonly message: string };

async function main(): Promise<void> {
  let reply: WorkerReply;
  try {
    reply = { ok: true, ...(await fetchTree(workerData as FetchTreeInput)) };
  } catch (err) {
    reply = err instanceof CheckoutFailure
      ? { ok: false, code: err.code, message: err.message }
      : { ok: false, code: 'bug', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
  parentPort?.postMessage(reply);
}

void main();
