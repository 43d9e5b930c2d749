import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Logger } from '../../domain/logger.js';
import { silentLogger } from '../../domain/logger.js';
import { createLocalStateRepository } from './local-state-repository.js';
import { createReleaseReader } from './release-reader.js';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'pave-release-reader-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const release = (environment: string, sha: string) => ({
  project: 'shop', component: 'api', environment, repo: 'acme/shop-api', sourceSha: sha, image: `registry/shop-api@sha256:${sha}`,
  configHash: 'sha256:1', pullRequest: 7, actor: 'octocat', appliedAt: '2026-01-02T03:04:05.000Z',
});

it('joins every release record with the newest deployment of its environment in the ledger', async () => {
  const repo = createLocalStateRepository({ dir: join(tmp, 'state.git') });
  const warnings: unknown[] = [];
  const logger: Logger = { ...silentLogger, warn: (obj) => void warnings.push(obj) };
  const deployment = (releaseId: string, health: string) => ({ releaseId, configHash: 'x', deployedAt: '2026-01-02T03:04:05.000Z', by: 'octocat', how: 'merge', health });
  await repo.commit({
    'environments/dev/shop/api/release.json': JSON.stringify(release('dev', 'a'.repeat(40))),
    'environments/dev/shop/api/desired.json': '{}',
    'environments/dev/shop/api/manifests.yaml': 'kind: Deployment\n',
    'environments/prod/shop/api/release.json': JSON.stringify(release('prod', 'b'.repeat(40))),
    'environments/prod/shop/web/desired.json': '{}',
    'environments/prod/shop/broken/release.json': '{ not json',
    'promotion/shop/api.json': JSON.stringify({ deployments: { dev: [deployment('r-old', 'unknown'), deployment('r-new', 'healthy')] } }),
  }, 'state', { name: 'pave', email: 'pave@example.com' });

  const rows = await createReleaseReader(repo, logger).releases();

  expect(rows.map((r) => `${r.project}/${r.component}@${r.environment} ${r.release?.sourceSha.slice(0, 1) ?? '-'} ${r.deployment?.health ?? '-'}`)).toEqual([
    'shop/api@dev a healthy',
    'shop/api@prod b -',
    'shop/broken@prod - -',
    'shop/web@prod - -',
  ]);
  expect(rows[0]!.deployment?.releaseId).toBe('r-new');
  expect(warnings).toEqual([expect.objectContaining({ file: 'environments/prod/shop/broken/release.json' })]);
});

it('is empty before the first apply', async () => {
  expect(await createReleaseReader(createLocalStateRepository({ dir: join(tmp, 'state.git') })).releases()).toEqual([]);
});
