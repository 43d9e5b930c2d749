/**
 * The GitHub double's repositories over git's smart HTTP protocol, as `https://github.com/<owner>/<repo>.git`
 * serves them: clone and fetch with an installation token as Basic credentials
 * (`x-access-token:<token>`). Before each request the repository's objects and refs are written
 * into a bare repository on disk (loose objects, exactly the double's shas), and git's own
 * `git-http-backend` answers — so a checkout in a test is a real git fetch of the real commit.
 * Read-only: pushes are refused.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { runBackend } from '../helpers/git-http-server.js';
import { serializeObject } from './git-objects.js';
import type { GitHubDouble } from './server.js';

export interface DoubleGitServer {
  /** `http://127.0.0.1:<port>` — repositories at `<url>/<owner>/<repo>.git`. */
  readonly url: string;
  /** Requests seen: method, path, service, and whether they were authorized. */
  readonly requests: { readonly path: string; readonly service?: string; readonly authorized: boolean }[];
  close(): Promise<void>;
}

export async function startDoubleGitServer(github: GitHubDouble): Promise<DoubleGitServer> {
  const root = mkdtempSync(join(tmpdir(), 'pave-double-git-'));
  const written = new Map<string, Set<string>>();
  const requests: { path: string; service?: string; authorized: boolean }[] = [];

  function exportRepository(fullName: string): void {
    const repo = github.state.repo(fullName);
    const dir = join(root, `${fullName}.git`);
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      execFileSync('git', ['init', '--bare', '--quiet', dir]);
    }
    const done = written.get(fullName) ?? new Set<string>();
    written.set(fullName, done);
    for (const [sha, obj] of repo.objects) {
      if (done.has(sha)) continue;
      const { type, body } = serializeObject(obj);
      const path = join(dir, 'objects', sha.slice(0, 2));
      mkdirSync(path, { recursive: true });
      writeFileSync(join(path, sha.slice(2)), deflateSync(Buffer.concat([Buffer.from(`${type} ${body.byteLength}\0`), body])));
      done.add(sha);
    }
    for (const [ref, sha] of repo.refs) {
      const file = join(dir, 'refs', ref);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, `${sha}\n`);
    }
    writeFileSync(join(dir, 'HEAD'), `ref: refs/heads/${repo.defaultBranch}\n`);
  }

  function authorized(req: IncomingMessage, fullName: string): boolean {
    const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return false;
    const [user, token] = Buffer.from(m[1]!, 'base64').toString('utf8').split(':') as [string, string | undefined];
    if (user !== 'x-access-token' || !token) return false;
    const principal = github.tokens.lookup(token, github.state.now().getTime());
    if (!principal) return false;
    if (principal.kind !== 'installation') return true;
    return github.state.repo(fullName).installationId === principal.installationId;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+?)\.git\/(info\/refs|git-upload-pack|git-receive-pack|HEAD)$/.exec(url.pathname);
    const service = url.searchParams.get('service') ?? /\/(git-[a-z-]+)$/.exec(url.pathname)?.[1];
    let exists = false;
    try {
      if (m) exists = github.state.repo(m[1]!) !== undefined;
    } catch {
      exists = false;
    }
    const ok = Boolean(m) && exists && authorized(req, m![1]!);
    requests.push({ path: url.pathname, ...(service ? { service } : {}), authorized: ok });
    if (!m || !exists) {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Repository not found.\n');
      return;
    }
    if (!ok) {
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' }).end('Invalid username or token.\n');
      return;
    }
    if (service === 'git-receive-pack') {
      req.resume();
      res.writeHead(403, { 'content-type': 'text/plain' }).end('pushes are not served by the double\n');
      return;
    }
    exportRepository(m[1]!);
    await runBackend(req, res, url, root, true);
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
