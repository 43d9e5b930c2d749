/**
 * A real OCI registry for tests: Debian's `docker-registry` (CNCF distribution 2.8) on a free
 * loopback port with a throwaway config and filesystem storage, optionally behind htpasswd Basic
 * auth; and a fault-injecting HTTP proxy to put in front of it (5xx, 429) for retry tests.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface RunningRegistry {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>` (what image references use). */
  readonly host: string;
  /** The storage root, for tests that look at what landed. */
  readonly storageDir: string;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  /** Require HTTP Basic auth with this user (htpasswd file, bcrypt via apache2-utils' `htpasswd`). */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** Extra top-level YAML appended to the config (e.g. a `auth: token:` section). */
  readonly extraConfig?: string;
  readonly startTimeoutMs?: number;
}

export async function startRegistry(options: StartRegistryOptions = {}): Promise<RunningRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'pave-registry-'));
  const storageDir = join(dir, 'storage');
  const port = await freePort();
  let auth = '';
  if (options.basicAuth) {
    const line = execFileSync('htpasswd', ['-Bbn', options.basicAuth.username, options.basicAuth.password], { encoding: 'utf8' }).trim();
    await writeFile(join(dir, 'htpasswd'), `${line}\n`);
    auth = `auth:\n  htpasswd:\n    realm: pave-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  const config = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storageDir}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    auth,
    options.extraConfig ?? '',
  ].join('\n');
  const configFile = join(dir, 'config.yml');
  await writeFile(configFile, config);
  const child: ChildProcess = spawn(REGISTRY_BINARY, ['serve', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  for (;;) {
    if (exited) throw new Error(`docker-registry exited during start: ${stderr}`);
    try {
      const response = await fetch(`${url}/v2/`);
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not answer on ${url} within the start timeout: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    host: `127.0.0.1:${port}`,
    storageDir,
    async stop() {
      if (!exited) {
        const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await done;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface FaultyProxy {
  readonly host: string;
  /** Requests seen, in order: `METHOD path → status`. */
  readonly log: string[];
  stop(): Promise<void>;
}

/**
 * An HTTP proxy to `target` that answers some requests itself: `fault(req, n)` returns a status
 * (and optional headers) to send instead of forwarding, or undefined to forward. `n` counts the
 * requests with the same method and path so far (1-based). The Host header is forwarded unchanged,
 * so the registry's Location headers point back at the proxy.
 */
export async function startFaultyProxy(
  targetUrl: string,
  fault: (req: IncomingMessage, n: number) => { status: number; headers?: Record<string, string>; body?: string } | undefined,
): Promise<FaultyProxy> {
  const target = new URL(targetUrl);
  const counts = new Map<string, number>();
  const log: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const key = `${req.method} ${path}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    const injected = fault(req, n);
    if (injected) {
      log.push(`${key} → ${injected.status} (injected)`);
      req.resume();
      req.on('end', () => {
        res.writeHead(injected.status, { 'content-type': 'application/json', ...injected.headers });
        res.end(injected.body ?? JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'injected fault', detail: null }] }));
      });
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (response) => {
        log.push(`${key} → ${response.statusCode}`);
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${port}`,
    log,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
