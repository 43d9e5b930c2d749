/**
 * Merge → build → image in a real registry → development deployed, end to end: the GitHub double
 * (also serving its repositories over git smart HTTP), Debian's docker-registry on loopback, real
 * Redis, PostgreSQL and the state repository. pave checks the merged sha out with isomorphic-git,
 * scans it for secrets, runs the preset's build and test commands in a clean child process, pushes
 * an image (the preset's base by digest plus one layer of the output) and deploys it by digest.
 * A merge that adds a private key is not built: `pave/build` fails naming the file and line, and
 * nothing new is deployed.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RegistryClient } from '../../src/adapters/oci/index.js';
import { pushEventFromDouble } from '../fixtures/github/index.js';
import { startDoubleGitServer, type DoubleGitServer } from '../github-double/git-smart-http.js';
import { pushBaseImage } from '../helpers/oci-images.js';
import { startRegistry, type RunningRegistry } from '../helpers/registry.js';
import { INSTALLATION, installEverything, ORG, PLATFORM, startHarness, waitFor, type Harness } from './harness.js';

const suffix = randomBytes(3).toString('hex');
const REPO = `${ORG}/site-${suffix}`;
const COMPONENT = `site-${suffix}`;
let h: Harness;
let registry: RunningRegistry;
let git: DoubleGitServer;
let baseDigest: string;

const descriptor = `schemaVersion: 1.2
component:
  name: ${COMPONENT}
  type: service
build:
  preset: static-e2e
endpoints:
  - name: site
    service: { port: 8080 }
    type: REST
    networkVisibilities: [Project]
`;

beforeAll(async () => {
  registry = await startRegistry();
  const client = new RegistryClient(registry.host, { plainHttp: true });
  baseDigest = (await pushBaseImage(client, 'base/busybox', { layers: [{ 'bin/hello': '#!/bin/sh\necho hello\n' }] })).digest;
  h = await startHarness({
    masterKey: randomBytes(32),
    env: { PAVE_BUILDS: 'on' },
    beforeStart: async (github, tmp) => {
      git = await startDoubleGitServer(github);
      github.state.commit(PLATFORM, {
        message: 'e2e: local registry, a preset that builds offline, a project for the site',
        files: {
          'environments/development.yaml': readFileSync('platform-repo-example/environments/development.yaml', 'utf8').replace(/registry:\n  url: [^\n]+/, `registry:\n  url: ${registry.host}`),
          'build-presets/static-e2e.yaml': [
            'name: static-e2e',
            `baseImage: ${registry.host}/base/busybox@${baseDigest}`,
            'build:',
            '  - mkdir -p dist && cp -R public/. dist/ && echo built > dist/BUILD',
            'test:',
            '  - test -f dist/index.html',
            'output: dist',
            'entrypoint: [/bin/hello]',
            'scans:',
            '  secrets: true',
            '',
          ].join('\n'),
          'projects/e2e-sites.yaml': `name: e2e-sites\ndisplayName: E2E sites\nowners: ["@${ORG}/platform"]\nrepos: ["${ORG}/site-*"]\npipeline: default\n`,
        },
      });
      github.state.createRepo(REPO, { installationId: INSTALLATION, files: { '.choreo/component.yaml': descriptor, 'public/index.html': '<h1>hello</h1>\n', 'public/app.js': 'console.log("hi")\n' } });
      return { PAVE_GIT_URL: git.url, PAVE_WORK_DIR: join(tmp, 'work') };
    },
  });
  await installEverything(h, [REPO]);
}, 120_000);

afterAll(async () => {
  if (process.env.PAVE_TEST_LOG) (await import('node:fs')).writeFileSync(process.env.PAVE_TEST_LOG, h.logs());
  await h?.close();
  await git?.close();
  await registry?.stop();
});

const lastStatus = (sha: string, context: string) => h.github.state.repo(REPO).statuses.filter((s) => s.sha === sha && s.context === context).at(-1);
function stateGit(args: string[]): string {
  return execFileSync('git', ['--git-dir', join(h.tmp, 'state.git'), ...args], { encoding: 'utf8' });
}

async function merge(files: Record<string, string>, message: string): Promise<string> {
  const before = h.github.state.repo(REPO).refs.get('heads/main')!;
  h.github.state.commit(REPO, { files: { '.choreo/component.yaml': descriptor + `# ${message}\n`, ...files }, message });
  expect((await h.deliver('push', pushEventFromDouble(h.github.state, REPO, 'main', before, { pusher: 'dev' }))).status).toBe(202);
  return h.github.state.repo(REPO).refs.get('heads/main')!;
}

it('builds the merged sha into an image in the registry and deploys it by digest', async () => {
  const sha = await merge({ 'public/index.html': '<h1>hello, v2</h1>\n' }, 'v2');
  await waitFor(() => lastStatus(sha, 'pave/deploy/development')?.state === 'success' || lastStatus(sha, 'pave/build')?.state === 'failure', 'the build and deploy', 90_000);
  expect(lastStatus(sha, 'pave/build')).toMatchObject({ state: 'success' });
  expect(lastStatus(sha, 'pave/deploy/development')).toMatchObject({ state: 'success' });

  const release = JSON.parse(stateGit(['show', `main:environments/development/e2e-sites/${COMPONENT}/release.json`])) as { image: string; sourceSha: string };
  expect(release.sourceSha).toBe(sha);
  const m = /^127\.0\.0\.1:\d+\/(.+)@(sha256:[0-9a-f]{64})$/.exec(release.image);
  expect(m, release.image).not.toBeNull();
  const [, repository, digest] = m!;
  expect(stateGit(['show', `main:environments/development/e2e-sites/${COMPONENT}/manifests.yaml`])).toContain(`image: "${release.image}"`);

  // Pull it back: the tag names the short sha, the config carries the revision, the top layer holds the build output.
  const client = new RegistryClient(registry.host, { plainHttp: true });
  const byTag = await client.getManifest(repository!, sha.slice(0, 7));
  expect(byTag.digest).toBe(digest);
  const manifest = JSON.parse(byTag.bytes.toString('utf8')) as { config: { digest: string }; layers: { digest: string }[] };
  const config = JSON.parse((await client.getSmallBlob(repository!, manifest.config.digest)).toString('utf8')) as { config: { Labels: Record<string, string>; Entrypoint: string[]; User: string } };
  expect(config.config.Labels['org.opencontainers.image.revision']).toBe(sha);
  expect(config.config.Entrypoint).toEqual(['/bin/hello']);
  expect(config.config.User).toBe('1000:1000');
  expect(manifest.layers).toHaveLength(2); // the base's layer + the build output
  const layer = await client.getSmallBlob(repository!, manifest.layers[1]!.digest);
  const listing = execFileSync('tar', ['-tzf', '-'], { input: layer, encoding: 'utf8' });
  expect(listing).toMatch(/app\/index\.html/);
  expect(listing).toMatch(/app\/BUILD/);

  // Auto-promotion pins the same digest in staging: built once, promoted unchanged.
  await waitFor(() => lastStatus(sha, 'pave/deploy/staging')?.state === 'success', 'staging', 60_000);
  const staging = JSON.parse(stateGit(['show', `main:environments/staging/e2e-sites/${COMPONENT}/release.json`])) as { image: string };
  expect(staging.image).toBe(release.image);
  expect(h.github.state.repo(REPO).statuses.filter((s) => s.sha === sha && s.context === 'pave/build' && s.state === 'success')).toHaveLength(1);
}, 120_000);

it('refuses to build a merge that adds a private key, naming the file and line, and deploys nothing new', async () => {
  const before = stateGit(['rev-parse', 'main']);
  const key = ['-----BEGIN', 'RSA PRIVATE KEY-----'].join(' ') + '\n' + 'MIIEpAIBAAKCAQEA' + 'x'.repeat(60) + '\n' + ['-----END', 'RSA PRIVATE KEY-----'].join(' ') + '\n';
  const sha = await merge({ 'public/config/deploy.pem': `# deploy key\n${key}` }, 'oops');
  await waitFor(() => lastStatus(sha, 'pave/build')?.state === 'failure' && lastStatus(sha, 'pave/deploy/development') !== undefined, 'the failed build', 90_000);
  expect(lastStatus(sha, 'pave/build')!.description).toMatch(/secret/);
  expect(lastStatus(sha, 'pave/deploy/development')?.state).toBe('failure');
  await waitFor(() => h.github.state.repo(REPO).commitComments.some((c) => c.commitId === sha), 'the commit comment');
  const comment = h.github.state.repo(REPO).commitComments.find((c) => c.commitId === sha)!.body;
  expect(comment).toContain('public/config/deploy.pem:2');
  expect(comment).not.toContain('MIIEpAIBAAKCAQEA');
  expect(stateGit(['rev-parse', 'main'])).toBe(before);
}, 120_000);

it('checked out through the double\'s git with an installation token only', () => {
  expect(git.requests.some((r) => r.service === 'git-upload-pack' && r.authorized)).toBe(true);
  expect(h.github.violations).toEqual([]);
});
