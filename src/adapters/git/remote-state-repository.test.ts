import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Socket } from 'node:net';
import { inspect, promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGitHttpServer, type GitHttpServer, type GitRequestInfo } from '../../../test/helpers/git-http-server.js';
import { ConfigError, TerminalError, TransientError } from '../../domain/errors.js';
import { createRemoteStateRepository } from './remote-state-repository.js';

const TOKEN = 'ghs_installation-token-for-tests';
const author = { name: 'pave', email: 'pave@example.com' };
let tmp: string;
let root: string;
let server: GitHttpServer;

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'pave-remote-state-'));
  root = join(tmp, 'server');
  execFileSync('git', ['init', '--bare', '--quiet', '--initial-branch=main', join(root, 'state.git')]);
  server = await startGitHttpServer({ root, token: TOKEN });
});
afterEach(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

function repository(options: { token?: string; dir?: string } = {}) {
  return createRemoteStateRepository({
    url: server.url('state.git'),
    dir: options.dir ?? join(tmp, 'mirror.git'),
    auth: async () => ({ username: 'x-access-token', password: options.token ?? TOKEN }),
  });
}

/** `git` on the server's bare repository. */
function onServer(...args: string[]): string {
  return execFileSync('git', ['--git-dir', join(root, 'state.git'), ...args], { encoding: 'utf8' });
}

const run = promisify(execFile);

/**
 * Someone else pushes a commit with the git CLI, from a clone of their own. Asynchronous: the
 * server answering it runs in this process.
 */
async function pushWithCli(file: string, content: string): Promise<void> {
  const work = join(tmp, `cli-${Math.random().toString(16).slice(2)}`);
  const git = (...args: string[]) => run('git', ['-C', work, '-c', 'user.name=cli', '-c', 'user.email=cli@example.com', ...args]);
  await run('git', ['clone', '--quiet', server.urlWithToken('state.git'), work]);
  writeFileSync(join(work, file), content);
  await git('add', file);
  await git('commit', '--quiet', '-m', `cli: ${file}`);
  await git('push', '--quiet', 'origin', 'HEAD:main');
}

/** Pushes pave made: receive-pack discoveries and pack uploads. */
function pushes(): { discovered: number; sent: number } {
  const ours = server.requests.filter((r) => !r.userAgent.startsWith('git/') && r.service === 'git-receive-pack');
  return { discovered: ours.filter((r) => r.method === 'GET').length, sent: ours.filter((r) => r.method === 'POST').length };
}

const fromPave = (service: string, method: string) => (r: GitRequestInfo) =>
  !r.userAgent.startsWith('git/') && r.service === service && r.method === method;

describe('remote state repository', () => {
  it('clones an existing repository, commits, pushes; the server has it', async () => {
    await pushWithCli('README.md', 'state\n');
    const repo = repository();

    expect(await repo.readFiles('')).toEqual(new Map([['README.md', 'state\n']]));
    const sha = await repo.commit({ 'environments/dev/shop/api/desired.json': '{}\n' }, 'apply shop/api to dev', author);

    expect(onServer('rev-parse', 'main').trim()).toBe(sha);
    expect(onServer('log', '--format=%s', 'main').trim().split('\n')).toEqual(['apply shop/api to dev', 'cli: README.md']);
    expect(onServer('show', 'main:environments/dev/shop/api/desired.json')).toBe('{}\n');
    expect(onServer('fsck', '--strict', '--no-dangling')).toBe('');
    // The mirror is bare and holds the branch under the remote's name.
    expect(execFileSync('git', ['--git-dir', join(tmp, 'mirror.git'), 'rev-parse', 'origin/main'], { encoding: 'utf8' }).trim()).toBe(sha);
  });

  it('creates the branch in an empty repository, and re-commits nothing twice', async () => {
    const repo = repository();
    const changes = { 'environments/dev/shop/api/desired.json': '{}\n' };

    const first = await repo.commit(changes, 'first', author);
    expect(await repo.commit(changes, 'first (retried)', author)).toBe(first);
    // A fresh mirror (another process, a lost cache) sees the same.
    expect(await repository({ dir: join(tmp, 'other-mirror.git') }).commit(changes, 'first (elsewhere)', author)).toBe(first);

    expect(onServer('rev-list', '--count', 'main').trim()).toBe('1');
  });

  it('reads what others pushed since the last fetch', async () => {
    const repo = repository();
    await repo.commit({ 'a.txt': 'a' }, 'a', author);
    await pushWithCli('b.txt', 'b');

    expect(await repo.readFiles('')).toEqual(new Map([['a.txt', 'a'], ['b.txt', 'b']]));
  });

  it('rebuilds on top when the branch moved before the push (detected by the client)', async () => {
    const repo = repository();
    const base = await repo.commit({ 'a.txt': 'a' }, 'a', author);
    server.before(fromPave('git-receive-pack', 'GET'), async () => pushWithCli('cli.txt', 'cli'));

    const ours = await repo.commit({ 'ours.txt': 'ours' }, 'ours', author);

    expect(onServer('log', '--format=%H %s', 'main').trim().split('\n').map((l) => l.split(' ').slice(1).join(' '))).toEqual(['ours', 'cli: cli.txt', 'a']);
    expect(onServer('rev-parse', 'main').trim()).toBe(ours);
    expect(onServer('rev-parse', 'main~2').trim()).toBe(base);
    expect(onServer('ls-tree', '--name-only', 'main').trim().split('\n')).toEqual(['a.txt', 'cli.txt', 'ours.txt']);
    // Our first attempt stopped before sending anything; the second was sent.
    expect(pushes()).toEqual({ discovered: 3, sent: 2 });
  });

  it('rebuilds on top when the server refuses the push because the branch moved meanwhile', async () => {
    const repo = repository();
    await repo.commit({ 'a.txt': 'a' }, 'a', author);
    // Between isomorphic-git's check and the server's update: only receive-pack's own
    // compare-and-swap catches this one.
    server.before(fromPave('git-receive-pack', 'POST'), async () => pushWithCli('cli.txt', 'cli'));

    const ours = await repo.commit({ 'ours.txt': 'ours' }, 'ours', author);

    expect(onServer('rev-parse', 'main').trim()).toBe(ours);
    expect(onServer('log', '--format=%s', 'main').trim().split('\n')).toEqual(['ours', 'cli: cli.txt', 'a']);
    expect(onServer('fsck', '--strict', '--no-dangling')).toBe('');
    // Our first attempt was sent and refused, the second accepted.
    expect(pushes()).toEqual({ discovered: 3, sent: 3 });
  });

  it('loses nothing when two mirrors push concurrently', async () => {
    const a = repository({ dir: join(tmp, 'a.git') });
    const b = repository({ dir: join(tmp, 'b.git') });
    const write = async (repo: typeof a, label: string) => {
      for (let i = 0; i < 5; i++) await repo.commit({ [`${label}/${i}.txt`]: `${i}` }, `${label} ${i}`, author);
    };

    await Promise.all([write(a, 'a'), write(b, 'b')]);

    expect(onServer('rev-list', '--count', 'main').trim()).toBe('10');
    expect(onServer('rev-list', '--merges', '--count', 'main').trim()).toBe('0');
    expect(onServer('ls-tree', '-r', '--name-only', 'main').trim().split('\n')).toHaveLength(10);
  });

  it('fails at once, without retrying, when the server refuses the update itself', async () => {
    const repo = repository();
    await repo.commit({ 'a.txt': 'a' }, 'a', author);
    const hook = join(root, 'state.git', 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "protected branch" >&2\nexit 1\n');
    chmodSync(hook, 0o755);

    const error = await repo.commit({ 'b.txt': 'b' }, 'b', author).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TerminalError);
    expect(pushes().sent).toBe(2);
  });

  it('reports a wrong token as terminal, without the token in the message', async () => {
    const error = await repository({ token: 'ghs_wrong' }).commit({ 'a.txt': 'a' }, 'a', author).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TerminalError);
    expect(String((error as Error).message)).toMatch(/HTTP 401/);
    expect(inspect(error, { depth: 20, showHidden: true })).not.toMatch(/ghs_/);
  });

  it('reports an unreachable server as transient', async () => {
    await server.close();

    await expect(repository().readFiles('')).rejects.toBeInstanceOf(TransientError);
    await expect(repository().commit({ 'a.txt': 'a' }, 'a', author)).rejects.toBeInstanceOf(TransientError);
  });

  it('gives up on a server that stops answering, as transient', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket)); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const repo = createRemoteStateRepository({
      url: `http://127.0.0.1:${port}/state.git`, dir: join(tmp, 'silent.git'), idleTimeoutMs: 200,
      auth: async () => ({ username: 'x-access-token', password: TOKEN }),
    });

    try {
      await expect(repo.readFiles('')).rejects.toBeInstanceOf(TransientError);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('reports a missing repository as configuration, and refuses credentials in the URL', async () => {
    const missing = createRemoteStateRepository({ url: server.url('missing.git'), dir: join(tmp, 'm.git'), auth: async () => ({ username: 'x-access-token', password: TOKEN }) });
    await expect(missing.readFiles('')).rejects.toBeInstanceOf(ConfigError);

    expect(() => createRemoteStateRepository({ url: server.urlWithToken('state.git'), dir: join(tmp, 'm.git'), auth: async () => ({ username: '', password: '' }) }))
      .toThrow(ConfigError);
  });
});
