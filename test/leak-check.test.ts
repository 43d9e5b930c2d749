/**
 * The suite-wide leak check itself (test/global-leaks.ts, test/helpers/leak-registry.ts): it is on
 * in this run, and its scanner finds a planted secret in plaintext and in base64, in text and in
 * binary dumps, and nothing when there is nothing.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanForLeaks } from './global-leaks.js';
import { LEAK_DIR_ENV, leakCheckOn } from './helpers/leak-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'pave-leak-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function plant(secrets: { label: string; value: string }[], seen: Record<string, string | Buffer>): string {
  const d = mkdtempSync(join(dir, 'run-'));
  mkdirSync(join(d, 'secrets'));
  mkdirSync(join(d, 'seen'));
  writeFileSync(join(d, 'secrets', '1-secrets.json'), JSON.stringify(secrets));
  for (const [name, content] of Object.entries(seen)) writeFileSync(join(d, 'seen', name), content);
  return d;
}

describe('the leak check', () => {
  it('is on in this run (the global setup gave the workers a directory)', () => {
    expect(leakCheckOn()).toBe(true);
    expect(process.env[LEAK_DIR_ENV]).toMatch(/test\/\.tmp\/leaks\/run-/);
  });

  it('finds a secret in plaintext in a log and in base64 in a binary dump, naming the label and the file', () => {
    const secret = 'pg-password-Zq8x1';
    const d = plant([{ label: 'db password', value: secret }, { label: 'unused key', value: 'never-written-anywhere' }], {
      'logs.txt': `{"msg":"connected","password":"${secret}"}`,
      'git-objects': Buffer.concat([Buffer.from([0, 1, 2, 255]), Buffer.from(`data:\n  password: ${Buffer.from(secret).toString('base64')}\n`)]),
      'clean.txt': 'nothing to see',
    });

    const result = scanForLeaks(d);

    expect(result.secrets).toBe(2);
    expect(result.files).toBe(3);
    expect(result.findings).toEqual(expect.arrayContaining([
      { label: 'db password', where: 'seen/logs.txt', form: 'plaintext' },
      { label: 'db password', where: 'seen/git-objects', form: 'base64' },
    ]));
    expect(result.findings).toHaveLength(2);
  });

  it('finds nothing when nothing leaked, and copes with an empty run', () => {
    expect(scanForLeaks(plant([{ label: 'k', value: 'secret-value-1' }], { 'a.log': 'secret-value-2' })).findings).toEqual([]);
    expect(scanForLeaks(join(dir, 'missing'))).toEqual({ secrets: 0, files: 0, bytes: 0, findings: [] });
  });
});
