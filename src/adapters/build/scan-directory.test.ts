// Fixtures are written at run time from parts, so no file of this repository holds a real-looking secret.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanDirectory, scanDirectoryReport } from './scan-directory.js';

const token = () => `${'gh'}${'p'}_${'aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5'}`;
let root: string;
let outside: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pave-scan-'));
  outside = await mkdtemp(join(tmpdir(), 'pave-scan-outside-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

async function put(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(join(root, path, '..'), { recursive: true });
  await writeFile(join(root, path), content);
}

describe('scanDirectory', () => {
  it('reports findings with paths relative to the root, sorted, across nested directories', async () => {
    await put('src/config.ts', `export const x = 1;\nconst t = '${token()}';\n`);
    await put('deploy/.env', `API_TOKEN=${token()}\n`);
    await put('README.md', '# clean\n');
    const findings = await scanDirectory(root);
    expect(findings.map((f) => [f.file, f.line, f.rule])).toEqual([['deploy/.env', 1, 'github-token'], ['src/config.ts', 2, 'github-token']]);
    expect(JSON.stringify(findings)).not.toContain(token());
  });

  it('skips .git, binary files, oversized files, symlinks (never followed out of the tree) and ignored paths', async () => {
    await put('.git/config', `token = ${token()}\n`);
    await put('assets/logo.png', new Uint8Array([0x89, 0x50, 0, 0, ...new TextEncoder().encode(token())]));
    await put('data/big.txt', `${'x'.repeat(2000)}\n${token()}\n`);
    await put('test/fixtures/keys.txt', `${token()}\n`);
    await put('.pave/secret-scan-ignore', '# test data\ntest/fixtures/\nbad[\n');
    await writeFile(join(outside, 'stolen.txt'), `${token()}\n`);
    await symlink(join(outside, 'stolen.txt'), join(root, 'link.txt'));
    await symlink(outside, join(root, 'linkdir'));
    await put('ok.txt', 'nothing here\n');
    const skipped: string[] = [];
    const report = await scanDirectoryReport(root, { maxFileBytes: 1000, onSkip: (file, reason) => skipped.push(`${file}:${reason}`) });
    expect(report.findings).toEqual([]);
    expect(skipped.sort()).toEqual(['assets/logo.png:binary', 'data/big.txt:too-large', 'link.txt:symlink', 'linkdir:symlink', 'test/fixtures/keys.txt:ignored']);
    expect(report.filesScanned).toBe(2); // ok.txt and the ignore file itself
    expect(report.ignoreFileErrors).toEqual([expect.stringMatching(/^\.pave\/secret-scan-ignore:3: /)]);
  });

  it('refuses to scan more files than its bound instead of stopping silently', async () => {
    for (let i = 0; i < 5; i++) await put(`f${i}.txt`, 'x\n');
    await expect(scanDirectory(root, { maxFiles: 4 })).rejects.toThrow(/more than 4 files/);
  });
});
