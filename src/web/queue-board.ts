/**
 * The BullMQ dashboard (bull-board) at `/admin/queues`: jobs per queue and state, their data,
 * errors and logs, retry and clean. Mounted by `mountWebPages` behind the pages' access control.
 * Main passes the queue adapters (it owns the BullMQ queues). Read-only unless `readOnly: false`.
 */
import { createBullBoard } from '@bull-board/api';
import type { BaseAdapter } from '@bull-board/api/baseAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';

export const QUEUE_BOARD_PATH = '/admin/queues';

export function createQueueBoard(queues: readonly BaseAdapter[]): Hono {
  const server = new HonoAdapter(serveStatic);
  server.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: [...queues], serverAdapter: server, options: { uiConfig: { boardTitle: 'pave queues' } } });
  return server.registerPlugin() as unknown as Hono;
}
