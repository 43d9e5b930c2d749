/**
 * `npm run bench:webhook` — webhook ingress throughput and latency on loopback.
 *
 * A child process serves three targets side by side: a bare hono route answering 202 (the
 * floor), pave's app with the real Redis delivery dedupe and a no-op enqueue (labelled as such),
 * and pave's app with the real dedupe and the real BullMQ enqueuer. This process drives each with
 * autocannon: (a) as fast as 20 connections go for 5 s, (b) each fixed rate of BENCH_RATES
 * (default 250,500,1000 requests/s) for 5 s. Every
 * request is a correctly signed ~6 KB `pull_request.opened` delivery with a unique delivery id,
 * pull-request number and head sha, so every one is verified, routed, deduped and enqueued.
 *
 * Goal: pave ≥ ½ of the bare route's throughput, p99 < 20 ms at 500 requests/s. Keys and queues
 * the run created are deleted at the end (a unique prefix on the local Redis).
 *
 * Each measurement is the median of interleaved rounds (the machine may be shared).
 *
 * Environment: REDIS_URL (default redis://127.0.0.1:6379), BENCH_SECONDS (default 5),
 * BENCH_ROUNDS (default 3), BENCH_RATES (default 250,500,1000), BENCH_AUTOPIPELINE=0 (dedupe connection without ioredis auto-pipelining).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createRedisDeliveryDedupe } from '../src/adapters/redis/delivery-dedupe.js';
import { createEnqueuer, producerRedisOptions } from '../src/queue/enqueue.js';
import { createWebhookApp } from '../src/webhooks/app.js';
import { createMetrics } from '../src/webhooks/metrics.js';
import { aPullRequestEvent } from '../test/fixtures/webhooks/payloads.js';
import { deleteKeys, uniquePrefix } from '../test/helpers/redis-server.js';

const SECRET = 'bench-webhook-secret-0123456789';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const AUTOPIPELINE = process.env.BENCH_AUTOPIPELINE !== '0';
const RATES = (process.env.BENCH_RATES ?? '250,500,1000').split(',').map(Number);

interface Targets {
  bare: number;
  noop: number;
  bullmq: number;
}

// ── server side (child process) ──────────────────────────────────────────────────────────────

async function serveTargets(): Promise<void> {
  const prefix = uniquePrefix('bench');
  // The dedupe connection only sends SET and DEL, so auto-pipelining is safe there (it batches the
  // commands of concurrent deliveries into one write); BullMQ's connection stays without it.
  const redis = new Redis(REDIS_URL, { ...producerRedisOptions(), enableAutoPipelining: AUTOPIPELINE });
  redis.on('error', () => undefined);
  const enqueuer = createEnqueuer(REDIS_URL, { prefix });
  await waitFor(async () => (await enqueuer.ping(), redis.status === 'ready'));

  const bare = new Hono().post('/webhooks/github', (c) => c.body(null, 202));
  const paveApp = (enqueue: Parameters<typeof createWebhookApp>[0]['enqueue'], label: string) => {
    const registry = new Registry();
    return createWebhookApp({
      secrets: [SECRET],
      platformRepo: 'acme-bank/platform',
      botLogins: [],
      dedupe: createRedisDeliveryDedupe({ redis, prefix: `${prefix}:${label}:delivery:` }),
      enqueue,
      ready: () => redis.ping(),
      registry,
      metrics: createMetrics(registry),
    });
  };
  const noop = paveApp(async (jobs) => jobs.map((j, i) => ({ id: `noop-${i}-${j.kind}`, queue: 'none' })), 'noop');
  const bullmq = paveApp((jobs) => enqueuer.enqueue(jobs), 'bullmq');

  const servers = [bare, noop, bullmq].map((app) => serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }));
  const ports = await Promise.all(servers.map((s) => new Promise<number>((resolve) => {
    if (s.listening) resolve((s.address() as { port: number }).port);
    else s.once('listening', () => resolve((s.address() as { port: number }).port));
  })));
  process.send!({ ports: { bare: ports[0]!, noop: ports[1]!, bullmq: ports[2]! } satisfies Targets });

  process.on('message', async (message) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ cpu: user + system });
      return;
    }
    if (message !== 'stop') return;
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await enqueuer.close();
    redis.disconnect();
    const deleted = await deleteKeys(REDIS_URL, prefix);
    process.send!({ deleted });
    process.exit(0);
  });
}

// ── load side (this process) ─────────────────────────────────────────────────────────────────

interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<Result>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/**
 * A ~6 KB pull_request.opened payload: a real example without its API-link fields (`*_url`
 * except `html_url`); every object GitHub sends is still there.
 */
function payloadTemplate(): string {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).filter(([k]) => !k.endsWith('_url') || k === 'html_url').map(([k, v]) => [k, strip(v)]));
  };
  return JSON.stringify(strip(aPullRequestEvent({ number: 999_999, headSha: 'f'.repeat(40) })));
}

let sequence = 0;
function signedRequests(template: string, run: string) {
  return [{
    method: 'POST',
    path: '/webhooks/github',
    setupRequest(request: Record<string, unknown>) {
      const n = ++sequence;
      const sha = n.toString(16).padStart(40, '0');
      const body = template.replace('"number":999999', `"number":${n}`).replaceAll('f'.repeat(40), sha);
      request.body = body;
      request.headers = {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': `${run}-${n}`,
        'x-hub-signature-256': 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex'),
      };
      return request;
    },
  }];
}

async function load(port: number, template: string, run: string, rate?: number, seconds = SECONDS): Promise<Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: rate ? 10 : 20,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
    requests: signedRequests(template, run),
  });
}

async function main(): Promise<void> {
  const child: ChildProcess = fork(import.meta.filename, ['--serve'], { execArgv: process.execArgv, stdio: 'inherit' });
  const targets = await new Promise<Targets>((resolve) => child.once('message', (m) => resolve((m as { ports: Targets }).ports)));
  const template = payloadTemplate();

  console.log(`pave webhook ingress benchmark · node ${process.version} · ${new Date().toISOString()}`);
  console.log(`${cpus().length} cores · ${(totalmem() / 2 ** 30).toFixed(1)} GiB · load ${loadavg().map((l) => l.toFixed(2)).join('/')} (1/5/15 min) at the start`);
  console.log(`payload ${template.length} bytes (pull_request.opened), ${SECONDS} s per run, ${ROUNDS} interleaved rounds (medians), server in a child process, Redis ${REDIS_URL}, dedupe auto-pipelining ${AUTOPIPELINE ? 'on' : 'off'}`);
  console.log('');
  const names: [keyof Targets, string][] = [
    ['bare', 'bare hono route → 202'],
    ['noop', 'pave app, Redis dedupe, **no-op enqueue**'],
    ['bullmq', 'pave app, Redis dedupe, BullMQ enqueue'],
  ];
  for (const [key] of names) await load(targets[key], template, `warm-${key}`, undefined, 1); // JIT warm-up

  const rows: string[] = [];
  const modes: [string, number | undefined][] = [['max, 20 connections', undefined], ...RATES.map((r) => [`fixed ${r} req/s`, r] as [string, number])];
  for (const [mode, rate] of modes) {
    // Rounds interleave the targets, so that a noisy neighbour slows all of them alike; each
    // round's ratio compares runs seconds apart.
    const runs = new Map<keyof Targets, { rate: number; p50: number; p99: number; errors: number; ratio: number; cpu: number }[]>();
    for (let round = 0; round < ROUNDS; round++) {
      let bare = 0;
      for (const [key] of names) {
        const cpuBefore = await serverCpu(child);
        const r = await load(targets[key], template, `run-${key}-${rate ?? 'max'}-${round}`, rate);
        const cpu = (await serverCpu(child) - cpuBefore) / Math.max(1, r.requests.total);
        if (key === 'bare') bare = r.requests.average;
        const list = runs.get(key) ?? [];
        list.push({ rate: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx, ratio: r.requests.average / bare, cpu });
        runs.set(key, list);
      }
    }
    for (const [key, label] of names) {
      const list = runs.get(key)!;
      const errors = list.reduce((sum, r) => sum + r.errors, 0);
      rows.push(`| ${label} | ${mode} | ${Math.round(median(list.map((r) => r.rate)))} | ${median(list.map((r) => r.p50))} | ${median(list.map((r) => r.p99))} | ${errors} | ${median(list.map((r) => r.ratio)).toFixed(2)} | ${Math.round(median(list.map((r) => r.cpu)))} |`);
    }
  }
  console.log(`load at the end ${loadavg().map((l) => l.toFixed(2)).join('/')}\n`);
  console.log('| target | load | req/s | p50 ms | p99 ms | errors | ratio to bare | server CPU µs/req |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);

  child.send('stop');
  const { deleted } = await new Promise<{ deleted: number }>((resolve) => child.on('message', (m) => {
    if (typeof m === 'object' && m !== null && 'deleted' in m) resolve(m as { deleted: number });
  }));
  console.log('');
  console.log(`cleaned up ${deleted} Redis keys`);
}

/** The server process's CPU time so far (µs): per-request CPU is immune to other processes' load. */
function serverCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      if (typeof m === 'object' && m !== null && 'cpu' in m) {
        child.off('message', onMessage);
        resolve((m as { cpu: number }).cpu);
      }
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function waitFor(probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Redis at ${REDIS_URL} is not reachable`);
}

if (process.argv.includes('--serve')) await serveTargets();
else await main();
