import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../domain/errors.js';
import { INSTALLATION, useGitHubHarness } from '../../../test/github-double/adapter-harness.js';
import { ObjectCache } from './object-cache.js';

const TREE = 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}';
const BLOB = 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}';

/** A monorepo of `n` components, each with a descriptor, an OpenAPI file and some source. */
function monorepo(n: number): Record<string, string> {
  const files: Record<string, string> = { 'README.md': '# lending\n', 'package.json': '{}\n' };
  for (let i = 1; i <= n; i++) {
    files[`services/svc-${i}/.choreo/component.yaml`] = `schemaVersion: 1.2\ncomponent:\n  name: svc-${i}\n`;
    files[`services/svc-${i}/openapi.yaml`] = `openapi: 3.0.0\ninfo: { title: svc-${i}, version: 1.0.0 }\n`;
    files[`services/svc-${i}/src/index.ts`] = `export const n = ${i};\n`;
    files[`services/svc-${i}/src/routes/health.ts`] = 'export {};\n';
  }
  return files;
}

const descriptorsAndSpecs = (path: string): boolean => path.includes('/.choreo/') || path.endsWith('openapi.yaml');
const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

describe('GitHub repository reader', () => {
  const h = useGitHubHarness();

  it('reads every path and the selected files at a sha', async () => {
    const sha = h.github.state.createRepo('acme/reader-basic', { installationId: INSTALLATION, files: monorepo(2) }).refs.get('heads/main')!;

    const tree = await h.ports.reader.readTree('acme/reader-basic', sha, descriptorsAndSpecs);

    expect([...tree.paths].sort()).toEqual(Object.keys(monorepo(2)).sort());
    expect([...tree.files.keys()].sort()).toEqual([
      'services/svc-1/.choreo/component.yaml', 'services/svc-1/openapi.yaml', 'services/svc-2/.choreo/component.yaml', 'services/svc-2/openapi.yaml',
    ]);
    expect(text(tree.files.get('services/svc-2/.choreo/component.yaml'))).toBe('schemaVersion: 1.2\ncomponent:\n  name: svc-2\n');
  });

  it('serves a second read of the same sha from the cache, and a new commit with one tree request and only the changed blob', async () => {
    const state = h.github.state;
    const first = state.createRepo('acme/lending', { installationId: INSTALLATION, files: monorepo(5) }).refs.get('heads/main')!;
    const reader = h.build({ cache: new ObjectCache() }).forInstallation(INSTALLATION).reader;
    h.github.clearRequests();

    await reader.readTree('acme/lending', first, descriptorsAndSpecs);
    const cold = h.github.count(TREE) + h.github.count(BLOB);
    const coldBlobs = h.github.count(BLOB);
    h.github.clearRequests();
    await reader.readTree('acme/lending', first, descriptorsAndSpecs);
    const warm = h.github.requests.length;
    const second = state.commit('acme/lending', { files: { 'services/svc-3/.choreo/component.yaml': 'schemaVersion: 1.1\n' } });
    h.github.clearRequests();
    const tree = await reader.readTree('acme/lending', second, descriptorsAndSpecs);

    // Cold: one recursive tree and the 10 selected blobs (plus one installation token for a new client).
    expect({ cold, coldBlobs, warm }).toEqual({ cold: 11, coldBlobs: 10, warm: 0 });
    expect({ trees: h.github.count(TREE), blobs: h.github.count(BLOB) }).toEqual({ trees: 1, blobs: 1 });
    expect(text(tree.files.get('services/svc-3/.choreo/component.yaml'))).toBe('schemaVersion: 1.1\n');
  });

  it('shares the cache between installations and readers', async () => {
    const cache = new ObjectCache();
    const sha = h.github.state.createRepo('acme/shared', { files: monorepo(1) }).refs.get('heads/main')!;
    h.github.state.addInstallation(8, 'acme');
    const one = h.build({ cache }).forInstallation(INSTALLATION).reader;
    const two = h.build({ cache }).forInstallation(8).reader;

    await one.readTree('acme/shared', sha, descriptorsAndSpecs);
    h.github.clearRequests();
    await two.readTree('acme/shared', sha, descriptorsAndSpecs);

    expect(h.github.count(TREE) + h.github.count(BLOB)).toBe(0);
    expect(cache.stats().hits).toBeGreaterThan(0);
  });

  it('walks a truncated tree directory by directory', async () => {
    const files = monorepo(3);
    const sha = h.github.state.createRepo('acme/huge', { installationId: INSTALLATION, files }).refs.get('heads/main')!;
    h.github.settings.recursiveTreeLimit = 5;
    try {
      const tree = await h.build({ cache: new ObjectCache() }).forInstallation(INSTALLATION).reader.readTree('acme/huge', sha, descriptorsAndSpecs);

      expect([...tree.paths].sort()).toEqual(Object.keys(files).sort());
      expect(tree.files.size).toBe(6);
      expect(h.github.requests.filter((r) => r.operation === TREE && r.query.recursive === undefined).length).toBeGreaterThan(0);
    } finally {
      h.github.settings.recursiveTreeLimit = 100_000;
    }
  });

  it('does not download a blob larger than maxBytes: it returns maxBytes + 1 bytes in its place', async () => {
    const sha = h.github.state.createRepo('acme/big', { installationId: INSTALLATION, files: { 'x/.choreo/component.yaml': 'a'.repeat(5_000), 'x/.choreo/endpoints.yaml': 'b: 1\n' } }).refs.get('heads/main')!;
    h.github.clearRequests();

    const tree = await h.ports.reader.readTree('acme/big', sha, () => true, 1_000);

    expect(tree.files.get('x/.choreo/component.yaml')?.byteLength).toBe(1_001);
    expect(text(tree.files.get('x/.choreo/endpoints.yaml'))).toBe('b: 1\n');
    expect(h.github.count(BLOB)).toBe(1);
  });

  it('lists changed files between two commits exactly, beyond the compare API\'s 300', async () => {
    const state = h.github.state;
    const many = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`data/f${i}.txt`, `v1 ${i}\n`]));
    const base = state.createRepo('acme/changes', { installationId: INSTALLATION, files: { ...many, 'keep.txt': 'same\n', 'gone.txt': 'x\n' } }).refs.get('heads/main')!;
    const changed = Object.fromEntries(Object.keys(many).map((p) => [p, 'v2\n']));
    const head = state.commit('acme/changes', { branch: 'feature', files: { ...changed, 'gone.txt': null, 'new/file.txt': 'n\n' } });

    const paths = await h.ports.reader.changedFiles('acme/changes', base, head);

    expect(paths).toHaveLength(402);
    expect(paths).toContain('gone.txt');
    expect(paths).toContain('new/file.txt');
    expect(paths).not.toContain('keep.txt');
  });

  it('resolves refs with the sha media type, remembers the default branch, reads pull requests', async () => {
    const state = h.github.state;
    state.createRepo('acme/refs', { installationId: INSTALLATION, defaultBranch: 'trunk', files: { 'a.txt': 'a' } });
    const head = state.commit('acme/refs', { branch: 'feature/login', files: { 'a.txt': 'b' } });
    const pull = state.createPullRequest('acme/refs', { head: 'feature/login', author: 'dev' });
    h.github.clearRequests();

    const resolved = await h.ports.reader.resolveRef('acme/refs', 'feature/login');
    const branch1 = await h.ports.reader.defaultBranch('acme/refs');
    const branch2 = await h.ports.reader.defaultBranch('acme/refs');
    const info = await h.ports.reader.pullRequest('acme/refs', pull.number);

    expect(resolved).toBe(head);
    expect([branch1, branch2]).toEqual(['trunk', 'trunk']);
    expect(h.github.count('GET /repos/{owner}/{repo}')).toBe(1);
    expect(info).toEqual({ number: pull.number, headSha: head, baseSha: pull.baseSha, state: 'open', merged: false, fromFork: false });
  });

  it('marks a pull request from a fork', async () => {
    const state = h.github.state;
    state.createRepo('acme/upstream', { installationId: INSTALLATION, files: { 'a.txt': 'a' } });
    state.createRepo('mallory/upstream', { files: { 'a.txt': 'a' } });
    state.commit('mallory/upstream', { branch: 'evil', files: { 'a.txt': 'evil' } });
    const pull = state.createPullRequest('acme/upstream', { head: 'evil', headRepo: 'mallory/upstream', author: 'mallory' });

    expect((await h.ports.reader.pullRequest('acme/upstream', pull.number)).fromFork).toBe(true);
  });

  it('reads a fork pull request\'s head through the base repository, never the fork itself', async () => {
    const state = h.github.state;
    state.createRepo('acme/forked', { installationId: INSTALLATION, files: { 'svc/.choreo/component.yaml': 'schemaVersion: 1.2\n', 'README.md': 'r' } });
    state.forkRepo('acme/forked', 'mallory/forked');
    const head = state.commit('mallory/forked', { branch: 'feature', files: { 'svc/.choreo/component.yaml': 'schemaVersion: 1.2\n# from a fork\n' } });
    const pull = state.createPullRequest('acme/forked', { head: 'feature', headRepo: 'mallory/forked', author: 'mallory' });

    const info = await h.ports.reader.pullRequest('acme/forked', pull.number);
    const changed = await h.ports.reader.changedFiles('acme/forked', info.baseSha, info.headSha);
    const tree = await h.ports.reader.readTree('acme/forked', info.headSha, (p) => p.endsWith('component.yaml'));

    expect(info).toMatchObject({ headSha: head, fromFork: true });
    expect(changed).toEqual(['svc/.choreo/component.yaml']);
    expect(new TextDecoder().decode(tree.files.get('svc/.choreo/component.yaml'))).toContain('# from a fork');
    // The installation cannot see the contributor's fork; it knows its own repository is none.
    await expect(h.ports.reader.defaultBranch('mallory/forked')).rejects.toMatchObject({ code: 'not-found' });
    expect(await h.ports.reader.isFork('acme/forked')).toBe(false);
    state.forkRepo('acme/forked', 'acme/forked-inside', { installationId: INSTALLATION });
    expect(await h.ports.reader.isFork('acme/forked-inside')).toBe(true);
    expect(state.repo('mallory/forked').parent).toBe('acme/forked');
  });

  it('reports a missing repository or commit as NotFoundError', async () => {
    await expect(h.ports.reader.readTree('acme/nope', 'a'.repeat(40), () => true)).rejects.toBeInstanceOf(NotFoundError);
    await expect(h.ports.reader.defaultBranch('acme/nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});
