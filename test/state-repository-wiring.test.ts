/**
 * STATE_REPO as a remote repository: the service's composition pushes to it over HTTP with the
 * GitHub token (as `x-access-token`), and the configuration refuses what cannot work.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, loadConfig } from '../src/config/env.js';
import { silentLogger } from '../src/domain/logger.js';
import { createRepositories } from '../src/main/repositories.js';
import { createStateRepository } from '../src/main/service.js';
import { startGitHttpServer, type GitHttpServer } from './helpers/git-http-server.js';

const TOKEN = 'ghs_state_push_token_0123456789';
const SECRET = 'w'.repeat(32);
let tmp: string;
let server: GitHttpServer;

const io = { readFile: (p: string) => readFileSync(p, 'utf8'), randomSecret: () => 'unused' };

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'pave-state-remote-'));
  execFileSync('git', ['init', '--bare', '--initial-branch=main', join(tmp, 'state.git')], { stdio: 'ignore' });
  server = await startGitHttpServer({ root: tmp, token: TOKEN });
});
afterAll(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

function stateFor(token: string, mirror: string) {
  const config = loadConfig({ GITHUB_TOKEN: token, WEBHOOK_SECRET: SECRET, STATE_REPO: server.url('state.git'), STATE_MIRROR_DIR: join(tmp, mirror), GITHUB_API_URL: 'http://127.0.0.1:1' }, io);
  return createStateRepository(config, createRepositories(config, silentLogger, () => undefined));
}

describe('a remote STATE_REPO', () => {
  it('is pushed with the GitHub token', async () => {
    const state = stateFor(TOKEN, 'mirror-a.git');

    const sha = await state.commit({ 'environments/development/utility/rates/release.json': '{"ok":true}\n' }, 'apply utility/rates to development', { name: 'pave', email: 'pave@example.com' });

    const head = execFileSync('git', ['--git-dir', join(tmp, 'state.git'), 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
    expect(head).toBe(sha);
    expect((await state.readFiles('environments/development')).get('environments/development/utility/rates/release.json')).toBe('{"ok":true}\n');
  });

  it('fails for good with a wrong token, and never puts the token in the error', async () => {
    const state = stateFor('ghs_wrong_token', 'mirror-b.git');

    const err = await state.commit({ 'x.txt': 'x' }, 'x', { name: 'pave', email: 'pave@example.com' }).catch((e: unknown) => e);

    expect((err as { code?: string }).code).toBe('terminal');
    expect(String((err as Error).message)).not.toContain('ghs_wrong_token');
  });
});

describe('STATE_REPO configuration', () => {
  it.each([
    [{ STATE_REPO: 'https://x-access-token:abc@github.example/acme/state.git', GITHUB_TOKEN: 't', WEBHOOK_SECRET: SECRET }, 'no credentials in the URL'],
    [{ STATE_REPO: 'https://github.example/acme/state.git' }, 'needs GitHub credentials'],
    [{ STATE_REPO: 'ssh://git@github.example/acme/state.git', GITHUB_TOKEN: 't', WEBHOOK_SECRET: SECRET }, 'only https://'],
    [{ STATE_REPO: 'https://github.example/acme/state.git', GITHUB_APP_ID: '1', GITHUB_PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----', WEBHOOK_SECRET: SECRET }, 'GITHUB_STATE_INSTALLATION_ID'],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env, io)).toThrow(ConfigurationError);
    expect(() => loadConfig(env, io)).toThrow(message);
  });
});
