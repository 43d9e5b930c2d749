import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSourceTree, TreeTooLargeError } from './read-source-tree.js';

describe('readSourceTree', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-tree-'));
    await mkdir(join(dir, 'svc/.choreo'), { recursive: true });
    await mkdir(join(dir, 'node_modules/x/.choreo'), { recursive: true });
    await mkdir(join(dir, '.git'), { recursive: true });
    await writeFile(join(dir, 'svc/.choreo/component.yaml'), 'schemaVersion: 1.2\n');
    await writeFile(join(dir, 'svc/openapi.yaml'), 'openapi: 3.0.0\n');
    await writeFile(join(dir, 'node_modules/x/.choreo/component.yaml'), 'x');
    await writeFile(join(dir, '.git/config'), 'x');
    await writeFile(join(dir, 'big.yaml'), 'x'.repeat(5000));
    await symlink('/etc/passwd', join(dir, 'svc/.choreo/endpoints.yaml'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists files, reads the included ones, skips .git, node_modules and symlinks', async () => {
    const tree = await readSourceTree(dir, { include: (p) => p.includes('.choreo/') || p === 'big.yaml', maxBytes: 100 });

    expect([...tree.paths].sort()).toEqual(['big.yaml', 'svc/.choreo/component.yaml', 'svc/openapi.yaml']);
    expect(new TextDecoder().decode(tree.files.get('svc/.choreo/component.yaml'))).toBe('schemaVersion: 1.2\n');
    expect(tree.files.get('big.yaml')!.byteLength).toBe(101); // never more than the limit + 1
    expect(tree.files.has('svc/openapi.yaml')).toBe(false);
  });

  it('refuses trees with too many files', async () => {
    await expect(readSourceTree(dir, { include: () => false, maxFiles: 2 })).rejects.toBeInstanceOf(TreeTooLargeError);
  });
});
