import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDoubleGitServer, type DoubleGitServer } from './git-smart-http.js';
import { startGitHubDouble, type GitHubDouble } from './index.js';

let github: GitHubDouble;
let git: DoubleGitServer;
let token: string;
const work = mkdtempSync(join(tmpdir(), 'pave-double-git-test-'));

beforeAll(async () => {
  github = await startGitHubDouble();
  github.state.addInstallation(7, 'acme');
  github.state.createRepo('acme/api', { installationId: 7, files: { 'README.md': 'hello\n', 'src/index.js': 'console.log(1)\n' } });
  github.state.createRepo('other/secret', { files: { 'x.txt': 'x' } });
  token = github.tokens.issueInstallationToken(7, Date.now()).token;
  git = await startDoubleGitServer(github);
});

afterAll(async () => {
  await git?.close();
  await github?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Async: the double answers in this process, so a synchronous git would wait for itself forever. */
const run = async (args: string[]) => (await promisify(execFile)('git', args, { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } })).stdout;
const fails = (args: string[]) => run(args).then(() => false, () => true);
const url = (repo: string, t = token) => `${git.url.replace('http://', `http://x-access-token:${t}@`)}/${repo}.git`;

it('serves a repository at its real shas to a token of its installation, and the latest commit after a push to the double', async () => {
  const dir = join(work, 'clone');
  await run(['clone', '--quiet', url('acme/api'), dir]);
  expect((await run(['-C', dir, 'rev-parse', 'HEAD'])).trim()).toBe(github.state.repo('acme/api').refs.get('heads/main'));
  expect(readFileSync(join(dir, 'src/index.js'), 'utf8')).toBe('console.log(1)\n');

  github.state.commit('acme/api', { files: { 'src/index.js': 'console.log(2)\n' } });
  await run(['-C', dir, 'pull', '--quiet', '--ff-only']);
  expect((await run(['-C', dir, 'rev-parse', 'HEAD'])).trim()).toBe(github.state.repo('acme/api').refs.get('heads/main'));
  expect(await run(['-C', dir, 'fsck', '--strict'])).toBe('');
});

it('refuses wrong tokens, other installations\' repositories, unknown repositories and pushes', async () => {
  expect(await fails(['ls-remote', url('acme/api', 'ghs_wrong')])).toBe(true);
  expect(await fails(['ls-remote', url('other/secret')])).toBe(true);
  expect(await fails(['ls-remote', url('acme/missing')])).toBe(true);
  const dir = join(work, 'clone');
  await run(['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '--allow-empty', '-m', 'x']);
  expect(await fails(['-C', dir, 'push', '--quiet', 'origin', 'HEAD:main'])).toBe(true);
  expect(git.requests.filter((r) => !r.authorized).length).toBeGreaterThanOrEqual(3);
});
