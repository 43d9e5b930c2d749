/**
 * A real OCI registry for tests: Debian's `docker-registry` (CNCF distribution 2.8) on a free
 * loopback port with a throwaway config and filesystem storage, optionally behind htpasswd Basic
 * auth; and a fault-injecting HTTP proxy to put in front of it (5xx, 429) for retry tests.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, createSign, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
  /** With `tokenAuth`: the token requests seen (`user scope…`, `anonymous scope…`). */
  readonly tokenRequests: string[];
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  /** Require HTTP Basic auth with this user (htpasswd file, bcrypt via apache2-utils' `htpasswd`). */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /**
   * Require Bearer tokens (the distribution token flow): a token server on another loopback port
   * issues RS256 JWTs signed with a throwaway self-signed certificate (openssl) that the registry
   * trusts; it grants the requested scopes to this user (Basic auth at the token endpoint) and only
   * `pull` to anonymous callers.
   */
  readonly tokenAuth?: { readonly username: string; readonly password: string };
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
  const tokenRequests: string[] = [];
  let tokenServer: Server | undefined;
  if (options.tokenAuth) {
    const started = await startTokenServer(dir, options.tokenAuth, tokenRequests);
    tokenServer = started.server;
    auth = [
      'auth:',
      '  token:',
      `    realm: ${started.realm}`,
      `    service: ${TOKEN_SERVICE}`,
      `    issuer: ${TOKEN_ISSUER}`,
      `    rootcertbundle: ${started.certFile}`,
      '',
    ].join('\n');
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
  try {
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
  } catch (err) {
    tokenServer?.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    host: `127.0.0.1:${port}`,
    storageDir,
    tokenRequests,
    async stop() {
      if (tokenServer) {
        tokenServer.closeAllConnections();
        await new Promise<void>((resolve) => tokenServer!.close(() => resolve()));
      }
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

const TOKEN_SERVICE = 'pave-test-registry';
const TOKEN_ISSUER = 'pave-test-issuer';

/** A token endpoint per the distribution token spec, signing with a fresh self-signed RSA certificate. */
async function startTokenServer(
  dir: string, user: { readonly username: string; readonly password: string }, seen: string[],
): Promise<{ server: Server; realm: string; certFile: string }> {
  const keyFile = join(dir, 'token-key.pem');
  const certFile = join(dir, 'token-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=pave-test-token'], { stdio: 'ignore' });
  const key = createPrivateKey(await readFile(keyFile));
  const x5c = new X509Certificate(await readFile(certFile)).raw.toString('base64');
  const expected = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    const scopes = url.searchParams.getAll('scope');
    const auth = req.headers.authorization;
    if (auth !== undefined && auth !== expected) {
      seen.push(`refused ${scopes.join(' ')}`);
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ details: 'bad credentials' }));
      return;
    }
    const who = auth === undefined ? 'anonymous' : user.username;
    seen.push(`${who} ${scopes.join(' ')}`);
    const access = scopes.map((scope) => {
      const [type, name, actions] = scope.split(':');
      const granted = (actions ?? '').split(',').filter((a) => a === 'pull' || (a === 'push' && who !== 'anonymous'));
      return { type, name, actions: granted };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url({ typ: 'JWT', alg: 'RS256', x5c: [x5c] });
    const claims = b64url({ iss: TOKEN_ISSUER, sub: who, aud: url.searchParams.get('service'), exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access });
    const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(key).toString('base64url');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: `${header}.${claims}.${signature}`, expires_in: 300 }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, realm: `http://127.0.0.1:${port}/token`, certFile };
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
