import { execFileSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, TerminalError, TransientError } from '../../domain/errors.js';
import { startGitHttpServer, type GitHttpServer } from '../../../test/helpers/git-http-server.js';
import { createGitSourceCheckout, type GitSourceCheckoutOptions } from './index.js';

const TOKEN = 'checkout-test-token';
let root: string;
let server: GitHttpServer;
let work: string;
let first: string;
let head: string;
let big: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();
}

/** A raw tree object from entries (names unchecked: this is how a hostile tree is made). */
function rawTree(repo: string, entries: { mode: string; name: string; oid: string }[]): string {
  const body = Buffer.concat(entries.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.oid, 'hex')])));
  return execFileSync('git', ['hash-object', '-w', '-t', 'tree', '--literally', '--stdin'], { cwd: repo, input: body, encoding: 'utf8' }).trim();
}

function blob(repo: string, content: string): string {
  return execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo, input: content, encoding: 'utf8' }).trim();
}

/** A bare repository `<name>.git` whose main branch is one commit of `tree`. */
function hostileRepo(name: string, build: (repo: string) => string): string {
  const repo = join(root, `${name}.git`);
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', repo]);
  const tree = build(repo);
  const sha = git(repo, 'commit-tree', tree, '-m', 'hostile');
  git(repo, 'update-ref', 'refs/heads/main', sha);
  return sha;
}

/**
 * A proxy in front of git-http-backend that behaves like a server refusing unadvertised wants
 * (`uploadpack.allowReachableSHA1InWant=false` without stateless RPC): an upload-pack request that
 * wants a sha other than `tips` is answered with `ERR upload-pack: not our ref`.
 */
async function refusingProxy(target: number, tips: () => readonly string[]): Promise<{ url: (name: string) => string; refused: string[]; close: () => Promise<void> }> {
  const refused: string[] = [];
  const proxy: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const wants = [...body.toString('latin1').matchAll(/want ([0-9a-f]{40})/g)].map((m) => m[1]!);
      const bad = wants.find((w) => !tips().includes(w));
      if (req.method === 'POST' && bad) {
        refused.push(bad);
        const line = `ERR upload-pack: not our ref ${bad}\n`;
        res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-result' });
        res.end(`${(line.length + 4).toString(16).padStart(4, '0')}${line}`);
        return;
      }
      const upstream = httpRequest({ host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 500, up.headers);
        up.pipe(res);
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const { port } = proxy.address() as AddressInfo;
  return { url: (name) => `http://127.0.0.1:${port}/${name}`, refused, close: () => new Promise<void>((r) => { proxy.closeAllConnections(); proxy.close(() => r()); }) };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pave-checkout-srv-'));
  work = await mkdtemp(join(tmpdir(), 'pave-checkout-work-'));
  const src = join(root, 'src');
  await mkdir(join(src, 'app', 'bin'), { recursive: true });
  git(root, 'init', '-q', src);
  await writeFile(join(src, 'README.md'), 'first\n');
  git(src, 'add', '.');
  git(src, 'commit', '-qm', 'first');
  first = git(src, 'rev-parse', 'HEAD');
  await writeFile(join(src, 'README.md'), 'second\n');
  await writeFile(join(src, 'app', 'index.js'), 'console.log("hi")\n');
  await writeFile(join(src, 'app', 'bin', 'run.sh'), '#!/bin/sh\necho run\n', { mode: 0o755 });
  execFileSync('ln', ['-s', '../README.md', join(src, 'app', 'readme-link')]);
  git(src, 'add', '.');
  git(src, 'commit', '-qm', 'second');
  head = git(src, 'rev-parse', 'HEAD');
  // Copies for the tests that hold a request at the server: a hook left unconsumed stays on its own repository.
  for (const name of ['svc', 'slow', 'held']) execFileSync('git', ['clone', '-q', '--bare', src, join(root, 'owner', `${name}.git`)]);

  // Many files: the event-loop test.
  const many = join(root, 'many');
  await mkdir(many);
  git(root, 'init', '-q', many);
  for (let d = 0; d < 40; d++) {
    await mkdir(join(many, `pkg${d}`));
    await Promise.all(Array.from({ length: 100 }, (_, f) => writeFile(join(many, `pkg${d}`, `file${f}.js`), `export const v${f} = ${JSON.stringify(`${d}-${f}-`.repeat(40))};\n`)));
  }
  git(many, 'add', '.');
  git(many, 'commit', '-qm', 'many');
  big = git(many, 'rev-parse', 'HEAD');
  execFileSync('git', ['clone', '-q', '--bare', many, join(root, 'owner', 'many.git')]);

  server = await startGitHttpServer({ root, token: TOKEN });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

function options(extra: Partial<GitSourceCheckoutOptions> = {}): GitSourceCheckoutOptions {
  return {
    urlFor: (repo) => server.url(`${repo}.git`),
    credentials: async () => ({ username: 'x-access-token', password: TOKEN }),
    workRoot: work,
    ...extra,
  };
}

async function workEntries(): Promise<string[]> {
  return readdir(work);
}

describe('git source checkout (isomorphic-git in a worker thread, git-http-backend)', () => {
  it('checks out exactly the commit: files, modes and links, no .git, and dispose removes it', async () => {
    const calls: (number | undefined)[] = [];
    const checkout = createGitSourceCheckout(options({ credentials: async (id) => (calls.push(id), { username: 'x-access-token', password: TOKEN }) }));
    const source = await checkout.checkout({ repo: 'owner/svc', sha: head, installationId: 42 });
    expect(calls).toEqual([42]);
    expect(source.sha).toBe(head);
    expect(source.fetchedBy).toBe('sha');
    expect(source.files).toBe(4);
    expect(await readFile(join(source.dir, 'README.md'), 'utf8')).toBe('second\n');
    expect(await readFile(join(source.dir, 'app', 'index.js'), 'utf8')).toContain('hi');
    expect((await stat(join(source.dir, 'app', 'bin', 'run.sh'))).mode & 0o111).not.toBe(0);
    expect((await stat(join(source.dir, 'README.md'))).mode & 0o111).toBe(0);
    expect(await readlink(join(source.dir, 'app', 'readme-link'))).toBe('../README.md');
    expect((await readdir(source.dir)).sort()).toEqual(['README.md', 'app']);
    // Only the tree is left: the shallow repository is removed once written.
    expect(await readdir(join(source.dir, '..'))).toEqual(['src']);
    // The fetch asked for the sha with depth 1 (a shallow fetch of one commit).
    expect(server.requests.some((r) => r.service === 'git-upload-pack' && r.method === 'POST')).toBe(true);
    await source.dispose();
    await source.dispose();
    expect(await workEntries()).toEqual([]);
  });

  it('fetches an older commit by its sha (not the branch tip)', async () => {
    const checkout = createGitSourceCheckout(options());
    const source = await checkout.checkout({ repo: 'owner/svc', sha: first });
    expect(source.fetchedBy).toBe('sha');
    expect(await readFile(join(source.dir, 'README.md'), 'utf8')).toBe('first\n');
    expect(await readdir(source.dir)).toEqual(['README.md']);
    await source.dispose();
  });

  it('a server that will not serve a sha: its ref is fetched (depth 1, then deeper) and the commit found there', async () => {
    const proxy = await refusingProxy(server.port, () => [head]);
    try {
      const checkout = createGitSourceCheckout(options({ urlFor: (repo) => proxy.url(`${repo}.git`), fallbackDepth: 5 }));
      const source = await checkout.checkout({ repo: 'owner/svc', sha: first, ref: 'main' });
      expect(proxy.refused).toEqual([first]);
      expect(source.fetchedBy).toBe('ref');
      expect(await readFile(join(source.dir, 'README.md'), 'utf8')).toBe('first\n');
      await source.dispose();
      // The tip itself is served by sha: no fallback.
      const tip = await checkout.checkout({ repo: 'owner/svc', sha: head, ref: 'main' });
      expect(tip.fetchedBy).toBe('sha');
      await tip.dispose();
    } finally {
      await proxy.close();
    }
  });

  it('a commit the server does not have: NotFoundError naming the ref tried, nothing left behind', async () => {
    const checkout = createGitSourceCheckout(options({ fallbackDepth: 5 }));
    const missing = 'deadbeef'.repeat(5);
    const err = await checkout.checkout({ repo: 'owner/svc', sha: missing, ref: 'main' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toContain(`commit ${missing} not found`);
    expect((err as Error).message).toContain("last 5 commits of 'main'");
    expect(await workEntries()).toEqual([]);
  });

  it('a wrong token is refused (TerminalError) and the token never appears in the message', async () => {
    const checkout = createGitSourceCheckout(options({ credentials: async () => ({ username: 'x-access-token', password: 'wrong-token-value' }) }));
    const err = await checkout.checkout({ repo: 'owner/svc', sha: head }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TerminalError);
    expect((err as Error).message).toMatch(/refused the credentials/);
    expect((err as Error).message).not.toContain('wrong-token-value');
  });

  it('an unknown repository is NotFoundError', async () => {
    const checkout = createGitSourceCheckout(options());
    await expect(checkout.checkout({ repo: 'owner/nope', sha: head })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('bounds: too many files, too many bytes, too large a download', async () => {
    const files = await createGitSourceCheckout(options({ maxFiles: 2 })).checkout({ repo: 'owner/svc', sha: head }).catch((e: unknown) => e);
    expect(files).toBeInstanceOf(TerminalError);
    expect((files as Error).message).toContain('more than 2 files');
    const bytes = await createGitSourceCheckout(options({ maxBytes: 10 })).checkout({ repo: 'owner/svc', sha: head }).catch((e: unknown) => e);
    expect((bytes as Error).message).toContain('exceed 10 bytes');
    const pack = await createGitSourceCheckout(options({ maxPackBytes: 1000 })).checkout({ repo: 'owner/many', sha: big }).catch((e: unknown) => e);
    expect(pack).toBeInstanceOf(TerminalError);
    expect((pack as Error).message).toContain('more than 1000 bytes');
    expect(await workEntries()).toEqual([]);
  });

  it('keeps the caller\'s event loop ticking during a checkout of 4 000 files', async () => {
    const checkout = createGitSourceCheckout(options());
    let ticks = 0;
    let ticksWhenDone = -1;
    const timer = setInterval(() => ticks++, 5);
    const pending = checkout.checkout({ repo: 'owner/many', sha: big }).then((s) => {
      ticksWhenDone = ticks;
      return s;
    });
    // The main thread meanwhile does 20 timer round trips; each needs a free event loop.
    let roundTrips = 0;
    while (ticksWhenDone < 0 && roundTrips < 20) {
      await new Promise((r) => setTimeout(r, 5));
      roundTrips++;
    }
    const source = await pending;
    clearInterval(timer);
    expect(roundTrips).toBe(20);
    expect(ticksWhenDone).toBeGreaterThanOrEqual(20);
    expect((await readdir(source.dir)).length).toBe(40);
    expect((await readdir(join(source.dir, 'pkg39'))).length).toBe(100);
    await source.dispose();
  }, 120_000);

  it('an abort terminates the worker and removes the directory', async () => {
    const checkout = createGitSourceCheckout(options());
    const controller = new AbortController();
    server.before((r) => r.method === 'POST' && r.path === '/owner/many.git/git-upload-pack', async () => controller.abort(new DOMException('stop', 'AbortError')));
    const err = await checkout.checkout({ repo: 'owner/many', sha: big }, controller.signal).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(await workEntries()).toEqual([]);
  });

  it('the time limit terminates a checkout whose server hangs (TransientError)', async () => {
    const checkout = createGitSourceCheckout(options({ timeoutMs: 300 }));
    let release!: () => void;
    const hang = new Promise<void>((r) => (release = r));
    server.before((r) => r.method === 'POST' && r.path === '/owner/slow.git/git-upload-pack', () => hang);
    const err = await checkout.checkout({ repo: 'owner/slow', sha: head }).catch((e: unknown) => e);
    release();
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toContain('took longer than 300 ms');
    expect(await workEntries()).toEqual([]);
  });

  it('dispose() stops checkouts under way and refuses new ones', async () => {
    const checkout = createGitSourceCheckout(options());
    let release!: () => void;
    const hang = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const atServer = new Promise<void>((r) => (reached = r));
    server.before((r) => r.method === 'POST' && r.path === '/owner/held.git/git-upload-pack', () => (reached(), hang));
    const pending = checkout.checkout({ repo: 'owner/held', sha: head }).catch((e: unknown) => e);
    await atServer;
    await checkout.dispose();
    release();
    const err = await pending;
    expect(err).toBeInstanceOf(TerminalError);
    expect((err as Error).message).toContain('disposed');
    await expect(checkout.checkout({ repo: 'owner/svc', sha: head })).rejects.toThrow(/disposed/);
    expect(await workEntries()).toEqual([]);
  });

  describe('hostile trees are refused before anything is written outside the directory', () => {
    const cases: [string, (repo: string) => string, RegExp][] = [
      ['a `..` entry', (repo) => rawTree(repo, [{ mode: '40000', name: '..', oid: rawTree(repo, [{ mode: '100644', name: 'escaped', oid: blob(repo, 'x') }]) }]), /not a file name|unsafe name/],
      ['a `.git` entry', (repo) => rawTree(repo, [{ mode: '40000', name: '.GIT', oid: rawTree(repo, [{ mode: '100644', name: 'config', oid: blob(repo, 'x') }]) }]), /\.git directory|unsafe name/],
      ['an absolute name', (repo) => rawTree(repo, [{ mode: '100644', name: '/tmp/pave-hostile', oid: blob(repo, 'x') }]), /path separator|unsafe name/],
      ['a link to an absolute path', (repo) => rawTree(repo, [{ mode: '120000', name: 'etc', oid: blob(repo, '/etc') }]), /absolute path/],
      ['a link out of the tree', (repo) => rawTree(repo, [{ mode: '40000', name: 'a', oid: rawTree(repo, [{ mode: '120000', name: 'up', oid: blob(repo, '../../outside') }]) }]), /outside the repository/],
      ['a link and a directory of the same name', (repo) => rawTree(repo, [
        { mode: '120000', name: 'dir', oid: blob(repo, 'target') },
        { mode: '40000', name: 'dir', oid: rawTree(repo, [{ mode: '100644', name: 'file', oid: blob(repo, 'x') }]) },
        { mode: '40000', name: 'target', oid: rawTree(repo, [{ mode: '100644', name: 'keep', oid: blob(repo, 'k') }]) },
      ]), /appears twice/],
    ];
    it.each(cases)('%s', async (name, build, message) => {
      const repoName = `hostile-${name.replace(/[^a-z]+/g, '-')}`;
      const sha = hostileRepo(repoName, build);
      const checkout = createGitSourceCheckout(options());
      const err = await checkout.checkout({ repo: repoName, sha }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TerminalError);
      expect((err as Error).message).toMatch(/hostile tree/);
      expect((err as Error).message).toMatch(message);
      expect(await workEntries()).toEqual([]);
      await expect(lstat('/tmp/pave-hostile')).rejects.toThrow();
    });
  });
});
