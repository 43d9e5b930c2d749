/**
 * A real git smart-HTTP server for tests: git's own `git-http-backend` (CGI) behind a small Node
 * `http` bridge on 127.0.0.1. Serves every bare repository under `root` at `/<name>.git`, with
 * pushes enabled (`http.receivepack=true`). With `token`, every request must carry Basic
 * credentials `x-access-token:<token>` (as GitHub expects of an installation token), else 401.
 *
 * `before(match, action)` runs `action` once, before the first request that `match`es is handed to
 * git: a test uses it to slip a concurrent push in between a client's fetch and its push.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const BACKEND = '/usr/lib/git-core/git-http-backend';

export interface GitRequestInfo {
  readonly method: string;
  /** `/<repo>.git/info/refs`, `/<repo>.git/git-receive-pack` … */
  readonly path: string;
  /** `git-upload-pack` (fetch) or `git-receive-pack` (push). */
  readonly service: string | undefined;
  readonly userAgent: string;
}

export interface GitHttpServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>/<name>` — no credentials. */
  url(name: string): string;
  /** The same URL with the credentials in it, for the `git` CLI. */
  urlWithToken(name: string): string;
  /** Run `action` once, before the first request that `match`es. */
  before(match: (request: GitRequestInfo) => boolean, action: () => Promise<void>): void;
  /** Requests seen, in order. */
  readonly requests: GitRequestInfo[];
  close(): Promise<void>;
}

export interface GitHttpServerOptions {
  /** Directory holding the bare repositories. */
  readonly root: string;
  /** When set, requests must authenticate as `x-access-token:<token>`. */
  readonly token?: string;
}

export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const hooks: { match: (r: GitRequestInfo) => boolean; action: () => Promise<void> }[] = [];
  const requests: GitRequestInfo[] = [];
  const expected = options.token === undefined ? undefined : `Basic ${Buffer.from(`x-access-token:${options.token}`).toString('base64')}`;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const info: GitRequestInfo = {
      method: req.method ?? 'GET',
      path: url.pathname,
      service: url.searchParams.get('service') ?? /\/(git-[a-z-]+)$/.exec(url.pathname)?.[1],
      userAgent: req.headers['user-agent'] ?? '',
    };
    requests.push(info);
    if (expected !== undefined && req.headers.authorization !== expected) {
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    const hook = hooks.findIndex((h) => h.match(info));
    if (hook >= 0) {
      const [{ action }] = hooks.splice(hook, 1) as [(typeof hooks)[number]];
      await action();
    }
    await runBackend(req, res, url, options.root, expected !== undefined);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    urlWithToken: (name) => `http://x-access-token:${options.token ?? ''}@127.0.0.1:${port}/${name}`,
    before: (match, action) => void hooks.push({ match, action }),
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** One CGI exchange: request body to stdin, `Status:` and headers then body from stdout. */
export function runBackend(req: IncomingMessage, res: ServerResponse, url: URL, root: string, authenticated: boolean): Promise<void> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.receivepack',
    GIT_CONFIG_VALUE_0: 'true',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
  };
  if (req.headers['content-length'] !== undefined) env.CONTENT_LENGTH = req.headers['content-length'];
  if (req.headers['content-encoding'] !== undefined) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
  if (req.headers['git-protocol'] !== undefined) env.HTTP_GIT_PROTOCOL = String(req.headers['git-protocol']);
  if (authenticated) env.REMOTE_USER = 'x-access-token';

  return new Promise((resolve, reject) => {
    const child = spawn(BACKEND, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    req.pipe(child.stdin);
    child.stdin.on('error', () => undefined); // the backend may exit before reading everything

    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = findHeaderEnd(head);
      if (end === undefined) return;
      headersDone = true;
      const { status, headers } = parseCgiHeaders(head.subarray(0, end.index).toString('latin1'));
      res.writeHead(status, headers);
      const rest = head.subarray(end.index + end.length);
      if (rest.length > 0) res.write(rest);
    });
    child.on('close', (code) => {
      if (!headersDone) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`git-http-backend exited with ${code}: ${stderr}`);
      } else {
        res.end();
      }
      resolve();
    });
  });
}

function findHeaderEnd(buffer: Buffer): { index: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { index: crlf, length: 4 };
  if (lf >= 0) return { index: lf, length: 2 };
  return undefined;
}

function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  return { status, headers };
}
