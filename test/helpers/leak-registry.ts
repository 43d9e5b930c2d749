/**
 * The suite-wide secret-leak check. Vitest runs test files in parallel worker processes, so
 * everything goes through the filesystem, in a directory per run that `test/global-leaks.ts`
 * creates before any file runs (its path in `PAVE_LEAK_DIR`) and scans after the last one:
 *
 * - `recordSecret(label, value)`: a secret a test generated or saw (database passwords and API
 *   keys pave generated, the webhook secret, installation tokens, the App's key, master keys);
 * - `recordSeen(name, text)`: something pave wrote that must never hold a secret (logs, the
 *   requests pave sent to GitHub — comments, statuses —, Redis values, git objects).
 *
 * Harnesses dump what they saw just before they clean it away (`dumpRedis`, `dumpGitObjects`),
 * so the scan sees Redis keys and state repositories that no longer exist. The scan looks for
 * each secret's plaintext and its base64 (a Kubernetes Secret's `data`). Outside a vitest run (no
 * `PAVE_LEAK_DIR`) every function does nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createSecretCipher } from '../../src/adapters/secrets/index.js';
import type { EncryptedSecret } from '../../src/domain/apply.js';

export const LEAK_DIR_ENV = 'PAVE_LEAK_DIR';
/** Shorter values are not worth looking for: they would be found by chance. */
export const MIN_SECRET_LENGTH = 8;

let counter = 0;
function file(kind: 'secrets' | 'seen', name: string): string | undefined {
  const root = process.env[LEAK_DIR_ENV];
  if (!root) return undefined;
  const dir = join(root, kind);
  mkdirSync(dir, { recursive: true });
  return join(dir, `${process.pid}-${++counter}-${name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60)}`);
}

export interface RecordedSecret {
  readonly label: string;
  readonly value: string;
}

/** Record secrets that must appear nowhere pave writes. */
export function recordSecrets(secrets: readonly RecordedSecret[]): void {
  const kept = secrets.filter((s) => s.value.length >= MIN_SECRET_LENGTH);
  const path = kept.length > 0 ? file('secrets', 'secrets.json') : undefined;
  if (path) writeFileSync(path, JSON.stringify(kept));
}

export function recordSecret(label: string, value: string): void {
  recordSecrets([{ label, value }]);
}

/** Record something pave wrote (a log, the requests it sent, a dump) for the scan. */
export function recordSeen(name: string, content: string | Uint8Array): void {
  const path = file('seen', name);
  if (path) writeFileSync(path, content);
}

/** Whether the leak check is on (a vitest run with the global setup). */
export function leakCheckOn(): boolean {
  return Boolean(process.env[LEAK_DIR_ENV]);
}

/** Every value under each key prefix (strings, hashes, lists, sets, sorted sets, streams), as the scan's text. */
export async function dumpRedis(url: string, prefixes: readonly string[], name: string): Promise<void> {
  if (!leakCheckOn()) return;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, enableOfflineQueue: false });
  try {
    await redis.connect();
    const out: string[] = [];
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) out.push(key, JSON.stringify(await valueOf(redis, key)));
      } while (cursor !== '0');
    }
    recordSeen(`redis-${name}`, out.join('\n'));
  } catch {
    // A Redis that is gone (the outage test stops its own) has nothing left to leak.
  } finally {
    redis.disconnect();
  }
}

async function valueOf(redis: Redis, key: string): Promise<unknown> {
  switch (await redis.type(key)) {
    case 'string': return redis.get(key);
    case 'hash': return redis.hgetall(key);
    case 'list': return redis.lrange(key, 0, -1);
    case 'set': return redis.smembers(key);
    case 'zset': return redis.zrange(key, 0, -1);
    case 'stream': return redis.xrange(key, '-', '+');
    default: return null;
  }
}

/** Every object of a git repository (commits, trees, blobs of every branch and unreachable ones), as the scan's bytes. */
export function dumpGitObjects(gitDir: string, name: string): void {
  if (!leakCheckOn() || !existsSync(gitDir)) return;
  try {
    recordSeen(`git-${name}`, execFileSync('git', ['--git-dir', gitDir, 'cat-file', '--batch-all-objects', '--batch'], { maxBuffer: 1024 * 1024 * 1024 }));
  } catch {
    // An empty or half-created repository.
  }
}

/**
 * Record the plaintext of every secret pave generated into a state repository: decrypt each
 * `secrets/**.json` record at the state branch's head with the master key.
 */
export function recordStateRepositorySecrets(gitDir: string, masterKey: Uint8Array, label: string): void {
  if (!leakCheckOn() || !existsSync(gitDir)) return;
  recordSecret(`${label}: master key`, Buffer.from(masterKey).toString('base64'));
  const git = (args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  let paths: string[];
  try {
    paths = git(['ls-tree', '-r', '--name-only', 'main', 'secrets/']).split('\n').filter((p) => p.endsWith('.json'));
  } catch {
    return; // no commit yet
  }
  const cipher = createSecretCipher(masterKey);
  const secrets: RecordedSecret[] = [];
  for (const path of paths) {
    const records = JSON.parse(git(['show', `main:${path}`])) as Record<string, EncryptedSecret>;
    for (const [ref, record] of Object.entries(records)) secrets.push({ label: `${label}: ${path} ${ref}`, value: cipher.decrypt(record, ref) });
  }
  recordSecrets(secrets);
}
