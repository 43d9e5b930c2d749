import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { existsSync, writeFileSync, utimesSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as git from 'isomorphic-git';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransientError } from '../../domain/errors.js';
import { createLocalStateRepository } from './local-state-repository.js';
import { compareAndSwapRef, readRef } from './ref-lock.js';

const run = promisify(execFile);
const author = { name: 'pave', email: 'pave@example.com' };
let tmp: string;
let gitdir: string;

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'pave-state-'));
  gitdir = join(tmp, 'state.git');
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function cli(...args: string[]): string {
  return execFileSync('git', ['--git-dir', gitdir, ...args], { encoding: 'utf8' });
}

async function history(): Promise<git.ReadCommitResult[]> {
  return git.log({ fs, gitdir, ref: 'main' });
}

/** Every commit has at most one parent, and the first has none. */
function expectLinear(commits: readonly git.ReadCommitResult[]): void {
  commits.forEach((c, i) => {
    expect(c.commit.parent).toEqual(i === commits.length - 1 ? [] : [commits[i + 1]!.oid]);
  });
}

describe('local state repository', () => {
  it('creates a bare repository and reads nothing before the first commit', async () => {
    const repo = createLocalStateRepository({ dir: gitdir });

    expect(await repo.readFiles('environments')).toEqual(new Map());

    expect(cli('rev-parse', '--is-bare-repository').trim()).toBe('true');
    expect(cli('symbolic-ref', 'HEAD').trim()).toBe('refs/heads/main');
    expect(existsSync(join(gitdir, 'index'))).toBe(false);
  });

  it('commits, commits on top, and agrees with the git CLI', async () => {
    const repo = createLocalStateRepository({ dir: gitdir });

    const first = await repo.commit({
      'environments/dev/shop/api/desired.json': '{"a":1}\n',
      'environments/dev/shop/api/manifests.yaml': 'kind: Deployment\n',
      'environments/prod/shop/api/desired.json': '{"a":0}\n',
    }, 'apply shop/api to dev', author);
    const second = await repo.commit({ 'environments/dev/shop/web/desired.json': '{"w":1}\n' }, 'apply shop/web to dev\n\nPull request: acme/web#7', author);

    expect(second).not.toBe(first);
    const log = await history();
    expect(log.map((c) => c.oid)).toEqual([second, first]);
    expectLinear(log);
    expect(log[0]!.commit.message).toBe('apply shop/web to dev\n\nPull request: acme/web#7\n');
    expect(log[0]!.commit.author).toMatchObject(author);
    expect(await repo.readFiles('')).toEqual(new Map([
      ['environments/dev/shop/api/desired.json', '{"a":1}\n'],
      ['environments/dev/shop/api/manifests.yaml', 'kind: Deployment\n'],
      ['environments/dev/shop/web/desired.json', '{"w":1}\n'],
      ['environments/prod/shop/api/desired.json', '{"a":0}\n'],
    ]));
    // The git CLI sees the same history, paths and contents, and the repository is sound.
    expect(cli('rev-parse', 'main').trim()).toBe(second);
    expect(cli('log', '--format=%H %P %s', 'main').trim().split('\n')).toEqual([`${second} ${first} apply shop/web to dev`, `${first}  apply shop/api to dev`]);
    expect(cli('ls-tree', '-r', '--name-only', 'main').trim().split('\n')).toEqual([...(await repo.readFiles('')).keys()].sort());
    expect(cli('show', 'main:environments/dev/shop/api/manifests.yaml')).toBe('kind: Deployment\n');
    expect(cli('fsck', '--strict', '--no-dangling')).toBe('');
    // Only the changed path was rebuilt: untouched subtrees keep their object.
    expect(cli('rev-parse', 'main:environments/prod')).toBe(cli('rev-parse', 'main~1:environments/prod'));
    expect(cli('rev-parse', 'main:environments/dev/shop/api')).toBe(cli('rev-parse', 'main~1:environments/dev/shop/api'));
  });

  it('is idempotent: changes the head already holds make no commit', async () => {
    const repo = createLocalStateRepository({ dir: gitdir });
    const changes = { 'environments/dev/shop/api/desired.json': '{}\n', 'secrets/dev/shop/api.json': '{"k":"…"}\n' };
    const head = await repo.commit(changes, 'apply', author);

    expect(await repo.commit(changes, 'apply (retried)', author)).toBe(head);
    expect(await repo.commit({ ...changes, 'environments/dev/shop/gone.txt': null }, 'apply (retried, with a delete of nothing)', author)).toBe(head);
    expect(await repo.commit({}, 'nothing', author)).toBe(head);

    expect(await history()).toHaveLength(1);
  });

  it('deletes files, and a directory with its last file', async () => {
    const repo = createLocalStateRepository({ dir: gitdir });
    await repo.commit({ 'environments/dev/shop/api/desired.json': '{}', 'environments/dev/shop/api/release.json': '{}', 'environments/dev/shop/web/desired.json': '{}' }, 'two', author);

    await repo.commit({ 'environments/dev/shop/api/release.json': null }, 'delete one file', author);
    expect([...(await repo.readFiles('environments')).keys()]).toEqual(['environments/dev/shop/api/desired.json', 'environments/dev/shop/web/desired.json']);

    await repo.commit({ 'environments/dev/shop/api/desired.json': null }, 'delete the last file of api/', author);
    expect(cli('ls-tree', '--name-only', 'main:environments/dev/shop').trim()).toBe('web');

    await repo.commit({ 'environments/dev/shop/web/desired.json': null }, 'delete everything', author);
    expect(cli('ls-tree', '-r', 'main')).toBe('');
    expect(await repo.readFiles('')).toEqual(new Map());
    expect(cli('fsck', '--strict', '--no-dangling')).toBe('');
  });

  it('reads a directory by whole segments, a single file, or nothing', async () => {
    const repo = createLocalStateRepository({ dir: gitdir });
    await repo.commit({ 'environments/dev/a.json': 'dev', 'environments/development/b.json': 'development', 'secrets/dev/shop/api.json': 'sealed' }, 'x', author);

    expect(await repo.readFiles('environments/dev')).toEqual(new Map([['environments/dev/a.json', 'dev']]));
    expect(await repo.readFiles('environments/dev/')).toEqual(new Map([['environments/dev/a.json', 'dev']]));
    expect(await repo.readFiles('secrets/dev/shop/api.json')).toEqual(new Map([['secrets/dev/shop/api.json', 'sealed']]));
    expect(await repo.readFiles('secrets/dev/shop/api.json/x')).toEqual(new Map());
    expect(await repo.readFiles('secrets/prod')).toEqual(new Map());
  });

  it('refuses paths that are not plain relative paths, and file/directory clashes', async () => {
    const repo = createLocalStateRepository({ dir: gitdir });
    await repo.commit({ 'a/b.txt': 'b' }, 'x', author);

    for (const bad of ['/abs', 'a//b', 'a/./b', '../up', 'a/.git/config', 'trailing/']) {
      await expect(repo.commit({ [bad]: 'x' }, 'bad', author)).rejects.toThrow(/invalid state repository path/);
    }
    await expect(repo.commit({ 'a/b.txt/c': 'x' }, 'file in the way', author)).rejects.toThrow(/a file is in the way/);
    await expect(repo.commit({ a: 'x' }, 'directory in the way', author)).rejects.toThrow(/a directory is in the way/);
    await expect(repo.commit({ 'x/y': 'x', 'x/y/z': 'x' }, 'both', author)).rejects.toThrow(/both a file and a directory/);
    expect(await history()).toHaveLength(1);
  });

  it('loses nothing when two writers of one process commit concurrently', async () => {
    const a = createLocalStateRepository({ dir: gitdir });
    const b = createLocalStateRepository({ dir: gitdir });
    const write = (repo: typeof a, label: string) =>
      Promise.all(Array.from({ length: 50 }, (_, i) => repo.commit({ [`writers/${label}/${i}.txt`]: `${label} ${i}\n` }, `${label} ${i}`, author)));

    const [shasA, shasB] = await Promise.all([write(a, 'a'), write(b, 'b')]);

    const log = await history();
    expect(log).toHaveLength(100);
    expectLinear(log);
    expect(new Set(log.map((c) => c.oid))).toEqual(new Set([...shasA, ...shasB]));
    expect((await a.readFiles('writers')).size).toBe(100);
  });

  it('loses nothing when two processes commit concurrently to the same repository', async () => {
    await createLocalStateRepository({ dir: gitdir }).readFiles(''); // both children find the repository made
    const startAt = String(Date.now() + 1500);
    const writer = (label: string) =>
      run(process.execPath, ['--import', 'tsx', 'test/helpers/state-writer.ts', gitdir, label, '50', startAt], { encoding: 'utf8' });

    const [outA, outB] = await Promise.all([writer('a'), writer('b')]);

    const shas = [...JSON.parse(outA.stdout) as string[], ...JSON.parse(outB.stdout) as string[]];
    const log = await history();
    expect(log).toHaveLength(100);
    expectLinear(log);
    expect(new Set(log.map((c) => c.oid))).toEqual(new Set(shas));
    const files = await createLocalStateRepository({ dir: gitdir }).readFiles('writers');
    expect(files.size).toBe(100);
    expect(files.get('writers/b/49.txt')).toBe('b 49\n');
    expect(cli('fsck', '--strict', '--no-dangling')).toBe('');
  }, 60_000);

  it('recovers a lock left behind by a dead writer, and waits for a live one', async () => {
    const repo = createLocalStateRepository({ dir: gitdir });
    const first = await repo.commit({ 'a.txt': 'a' }, 'first', author);
    const lock = join(gitdir, 'refs/heads/main.lock');

    writeFileSync(lock, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const second = await repo.commit({ 'b.txt': 'b' }, 'after a stale lock', author);
    expect(existsSync(lock)).toBe(false);
    expect((await history()).map((c) => c.oid)).toEqual([second, first]);

    writeFileSync(lock, '');
    setTimeout(() => void rm(lock), 150);
    const third = await repo.commit({ 'c.txt': 'c' }, 'after a live lock', author);
    expect(readRef(gitdir, 'refs/heads/main')).toBe(third);
  });

  it('gives up with a TransientError while the lock stays held', async () => {
    const repo = createLocalStateRepository({ dir: gitdir, maxAttempts: 3, staleLockMs: 60_000 });
    await repo.commit({ 'a.txt': 'a' }, 'first', author);
    writeFileSync(join(gitdir, 'refs/heads/main.lock'), '');

    await expect(repo.commit({ 'b.txt': 'b' }, 'blocked', author)).rejects.toBeInstanceOf(TransientError);
  });

  it('reads and commits alike once git gc has packed the objects', async () => {
    const repo = createLocalStateRepository({ dir: gitdir });
    await repo.commit({ 'environments/dev/shop/api/desired.json': '{"v":1}', 'environments/dev/shop/web/desired.json': '{"w":1}' }, 'first', author);
    cli('gc', '--quiet', '--prune=now');
    expect(cli('count-objects', '-v')).toMatch(/^count: 0$/m);

    const fresh = createLocalStateRepository({ dir: gitdir });
    expect(await fresh.readFiles('environments')).toEqual(new Map([
      ['environments/dev/shop/api/desired.json', '{"v":1}'],
      ['environments/dev/shop/web/desired.json', '{"w":1}'],
    ]));
    await fresh.commit({ 'environments/dev/shop/api/desired.json': '{"v":2}' }, 'second', author);

    expect(cli('show', 'main:environments/dev/shop/api/desired.json')).toBe('{"v":2}');
    expect(cli('rev-parse', 'main:environments/dev/shop/web')).toBe(cli('rev-parse', 'main~1:environments/dev/shop/web'));
    expect(cli('fsck', '--strict', '--no-dangling')).toBe('');
  });

  it('moves the branch only from the expected value, and honours packed refs', async () => {
    const repo = createLocalStateRepository({ dir: gitdir });
    const first = await repo.commit({ 'a.txt': 'a' }, 'first', author);
    const second = await repo.commit({ 'b.txt': 'b' }, 'second', author);
    cli('pack-refs', '--all', '--prune');
    expect(existsSync(join(gitdir, 'refs/heads/main'))).toBe(false);

    expect(compareAndSwapRef(gitdir, 'refs/heads/main', first, first)).toBe('moved');
    expect(compareAndSwapRef(gitdir, 'refs/heads/main', undefined, first)).toBe('moved');
    expect(readRef(gitdir, 'refs/heads/main')).toBe(second);

    const third = await repo.commit({ 'c.txt': 'c' }, 'third', author);
    expect(cli('rev-parse', 'main').trim()).toBe(third);
    expect(cli('log', '--format=%s', 'main').trim().split('\n')).toEqual(['third', 'second', 'first']);
  });
});
