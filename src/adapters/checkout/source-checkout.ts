/**
 * SourceCheckout with isomorphic-git over HTTP, one worker thread per checkout.
 *
 * isomorphic-git decodes packs on the thread that calls it and stalls that thread's event loop for
 * seconds on a large repository (docs/ARCHITECTURE.md, stack research §4); a checkout therefore runs
 * in a `worker_threads` Worker: the caller's loop keeps serving webhooks and pages. Each checkout
 * gets a directory of its own under `workRoot` (`<base>/src` is the tree, `<base>/git` the shallow
 * repository, removed once the tree is written). The signal, the time limit and `dispose()`
 * terminate the worker and remove the directory; a worker that runs out of its heap bound fails
 * the checkout, not the process.
 *
 * Credentials come from the injected callback (an installation token turned into
 * `x-access-token:<token>`), are handed to the worker in memory and sent as a Basic authorization
 * header; the URL never holds them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckedOutSource, CheckoutRequest, SourceCheckout } from '../../domain/build.js';
import { ConfigError, NotFoundError, TerminalError, TransientError } from '../../domain/errors.js';
import type { WorkerReply } from './checkout-worker.js';
import type { FetchTreeInput } from './fetch-tree.js';

export interface GitCredentials {
  readonly username: string;
  readonly password: string;
}

export interface GitSourceCheckoutOptions {
  /** Clone URL of `owner/name`, without credentials, e.g. `https://github.com/owner/name.git`. */
  readonly urlFor: (repo: string) => string;
  /** Credentials for a checkout (undefined: anonymous). Called once per checkout. */
  readonly credentials?: (installationId: number | undefined) => Promise<GitCredentials | undefined>;
  /** Where checkout directories are made; the OS temp directory by default. */
  readonly workRoot?: string;
  /** Default 100 000 files. */
  readonly maxFiles?: number;
  /** Bytes of all files of the commit; default 1 GiB. */
  readonly maxBytes?: number;
  /** Bytes downloaded (the pack); default 1 GiB. */
  readonly maxPackBytes?: number;
  /** Whole checkout; default 10 minutes. */
  readonly timeoutMs?: number;
  /** Commits of the ref fetched when the server does not serve the sha itself; default 50. */
  readonly fallbackDepth?: number;
  /** The worker's heap bound in MiB; default 2048. */
  readonly maxHeapMb?: number;
}

/** A checkout, with how it was fetched (for tests and measurements). */
export interface GitCheckedOutSource extends CheckedOutSource {
  /** `sha`: the server served the commit itself; `ref`: it came with its ref's history. */
  readonly fetchedBy: 'sha' | 'ref';
  readonly files: number;
  readonly bytes: number;
}

export interface GitSourceCheckout extends SourceCheckout {
  checkout(request: CheckoutRequest, signal?: AbortSignal): Promise<GitCheckedOutSource>;
  /** Terminate every checkout under way and remove every directory not yet disposed. */
  dispose(): Promise<void>;
}

export function createGitSourceCheckout(options: GitSourceCheckoutOptions): GitSourceCheckout {
  const limits = {
    maxFiles: options.maxFiles ?? 100_000,
    maxBytes: options.maxBytes ?? 1024 ** 3,
    maxPackBytes: options.maxPackBytes ?? 1024 ** 3,
    fallbackDepth: options.fallbackDepth ?? 50,
  };
  const timeoutMs = options.timeoutMs ?? 600_000;
  const active = new Set<{ stop: (reason: Error) => void }>();
  const bases = new Set<string>();
  let disposed = false;

  async function checkout(request: CheckoutRequest, signal?: AbortSignal): Promise<GitCheckedOutSource> {
    if (disposed) throw new TerminalError('the source checkout was disposed');
    signal?.throwIfAborted();
    const credentials = options.credentials ? await options.credentials(request.installationId) : undefined;
    signal?.throwIfAborted();
    const url = options.urlFor(request.repo);
    const base = await mkdtemp(join(options.workRoot ?? tmpdir(), 'pave-checkout-'));
    bases.add(base);
    const remove = async () => {
      bases.delete(base);
      await rm(base, { recursive: true, force: true });
    };
    const input: FetchTreeInput = {
      url, sha: request.sha, ...(request.ref ? { ref: request.ref } : {}), gitdir: join(base, 'git'), dir: join(base, 'src'),
      ...(credentials ? { credentials: { username: credentials.username, password: credentials.password } } : {}), ...limits,
    };
    let result: Extract<WorkerReply, { ok: true }>;
    try {
      result = await runWorker(input, request, signal);
    } catch (err) {
      await remove();
      throw err;
    }
    await rm(input.gitdir, { recursive: true, force: true });
    let gone = false;
    return {
      dir: input.dir,
      sha: request.sha,
      fetchedBy: result.fetchedBy,
      files: result.files,
      bytes: result.bytes,
      async dispose() {
        if (gone) return;
        gone = true;
        await remove();
      },
    };
  }

  function runWorker(input: FetchTreeInput, request: CheckoutRequest, signal: AbortSignal | undefined): Promise<Extract<WorkerReply, { ok: true }>> {
    const what = `checkout of ${request.repo}@${request.sha.slice(0, 12)}`;
    return new Promise((resolve, reject) => {
      const worker = startWorker(input, options.maxHeapMb ?? 2048);
      let settled = false;
      const entry = { stop: (reason: Error) => finish(reason) };
      const timer = setTimeout(() => finish(new TransientError(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
      const onAbort = () => finish(abortError(signal, what));
      function finish(outcome: Error | Extract<WorkerReply, { ok: true }>): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        active.delete(entry);
        // terminate() resolves once the thread has stopped: nothing writes into the directory after.
        const settle = () => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
        void worker.terminate().then(settle, settle);
      }
      active.add(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.once('message', (reply: WorkerReply) => finish(reply.ok ? reply : replyError(reply, what)));
      worker.once('error', (err: Error) => {
        const code = (err as { code?: unknown }).code;
        finish(code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new TerminalError(`${what} ran out of memory (the checkout worker's heap bound is ${options.maxHeapMb ?? 2048} MiB)`)
          : new Error(`${what} failed: ${err.message}`, { cause: err }));
      });
      worker.once('exit', (code) => finish(new Error(`${what}: the checkout worker exited (${code}) without an answer`)));
    });
  }

  return {
    checkout,
    async dispose() {
      disposed = true;
      for (const entry of [...active]) entry.stop(new TerminalError('the source checkout was disposed'));
      await Promise.all([...bases].map((b) => rm(b, { recursive: true, force: true })));
      bases.clear();
    },
  };
}

function replyError(reply: Extract<WorkerReply, { ok: false }>, what: string): Error {
  const message = `${what}: ${reply.message}`;
  switch (reply.code) {
    case 'config': return new ConfigError(message);
    case 'transient': return new TransientError(message);
    case 'terminal': return new TerminalError(message);
    case 'not-found': return new NotFoundError(message);
    default: return new Error(message);
  }
}

function abortError(signal: AbortSignal | undefined, what: string): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  return new DOMException(`${what} was aborted`, 'AbortError');
}

/**
 * The compiled worker is `checkout-worker.js` next to this file. From the TypeScript sources (tsx,
 * vitest) the worker registers tsx's loader first, then imports `checkout-worker.ts`.
 */
function startWorker(input: FetchTreeInput, maxHeapMb: number): Worker {
  const self = import.meta.url;
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb };
  if (self.endsWith('.js')) return new Worker(new URL('./checkout-worker.js', self), { workerData: input, resourceLimits });
  const entry = new URL('./checkout-worker.ts', self).href;
  const code = `import { register } from ${JSON.stringify(tsxEsmApi())};\nregister();\nawait import(${JSON.stringify(entry)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: input, resourceLimits });
}

let tsxApi: string | undefined;
function tsxEsmApi(): string {
  if (tsxApi) return tsxApi;
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = require(pkgPath) as { exports: Record<string, { import?: { default?: string } }> };
  const relative = pkg.exports['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs';
  tsxApi = pathToFileURL(join(pkgPath, '..', relative)).href;
  return tsxApi;
}
