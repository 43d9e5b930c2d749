/**
 * `npm start`: the pave service. `PAVE_ROLE=all` (default) runs the web process and the workers in
 * one process; `web` and `worker` run one side each, against the same Redis.
 *
 * Without GitHub credentials it runs the embedded default: the platform repository from
 * `PLATFORM_REPO` (default `platform-repo-example/`), component repositories from
 * `LOCAL_REPOS_DIR` (default `examples/`), reports on the run pages and in the log.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadMasterKey } from '../adapters/secrets/index.js';
import { ConfigurationError, loadConfig, type AppConfig } from '../config/env.js';
import { createLogger } from './logger.js';
import { secretFile, startService } from './service.js';

let config;
try {
  config = loadConfig(process.env, { readFile: (p) => readFileSync(p, 'utf8'), randomSecret: () => randomBytes(24).toString('hex') });
} catch (err) {
  if (err instanceof ConfigurationError) {
    process.stderr.write(`pave: ${err.message}\nSee README.md, "Configuration".\n`);
    process.exit(2);
  }
  throw err;
}
const logger = createLogger(config.logLevel);

if (config.github.kind === 'none') {
  const file = secretFile(config);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, config.webhookSecret + '\n', { mode: 0o600 });
  logger.info({ platform: config.platformRepo, repos: config.localReposDir, stateRepo: config.stateRepo },
    'no GitHub credentials: running the embedded default (reports go to the run pages and this log, not to GitHub)');
  if (config.webhookSecretGenerated) {
    // Shown on an interactive terminal only: never into a log pipeline.
    const shown = process.stderr.isTTY ? `: ${config.webhookSecret}` : '';
    process.stderr.write(`pave: generated a webhook secret for this run${shown} (saved to ${file}, mode 0600; \`npm run webhook\` reads it)\n`);
  }
}

const masterKey = await masterKeyFor(config).catch((err: unknown) => {
  process.stderr.write(`pave: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
const service = await startService(config, { logger, env: process.env, ...(masterKey ? { masterKey } : {}) }).catch((err: unknown) => {
  logger.error({ err: String(err) }, 'pave could not start');
  process.exit(1);
});
logger.info({ url: service.url, role: config.role, redis: config.redisUrl.replace(/\/\/[^@]*@/, '//***@') }, 'pave is running');
if (service.url && config.github.kind === 'none') {
  process.stderr.write(`pave: listening on ${service.url} — send a test webhook with \`npm run webhook -- --repo acme-bank/lending-backend\`\n`);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing active jobs');
    service.close().then(() => process.exit(0), (err: unknown) => {
      logger.error({ err: String(err) }, 'shutdown failed');
      process.exit(1);
    });
  });
}

/**
 * The master key for secrets: PAVE_SECRET_KEY or PAVE_SECRET_KEY_FILE; in the embedded default a
 * key generated once and kept (mode 0600) beside the state repository, so restarts can read the
 * secrets they stored. With GitHub credentials and no key, merges are not applied.
 */
async function masterKeyFor(config: AppConfig): Promise<Uint8Array | undefined> {
  if (process.env.PAVE_SECRET_KEY || process.env.PAVE_SECRET_KEY_FILE) return loadMasterKey(process.env, (p) => readFile(p));
  if (config.github.kind !== 'none') return undefined;
  const file = `${dirname(config.stateRepo)}/secret-key`;
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
    process.stderr.write(`pave: generated a master key for secrets in ${file} (mode 0600); keep it with the state repository\n`);
  }
  return loadMasterKey({ PAVE_SECRET_KEY_FILE: file }, (p) => readFile(p));
}
