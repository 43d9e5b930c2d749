import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Logger } from '../../domain/logger.js';
import { silentLogger } from '../../domain/logger.js';
import { createGitStateSource } from './git-state-source.js';
import { createLocalStateRepository } from './local-state-repository.js';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'pave-state-source-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function desired(environment: string, project: string, component: string) {
  return {
    project, component, environment, configHash: 'sha256:1', workload: { type: 'service' }, endpoints: [], databases: [],
    connections: [], config: {}, network: {},
  };
}

it('reads the desired state of every component from the state repository', async () => {
  const repo = createLocalStateRepository({ dir: join(tmp, 'state.git') });
  const warnings: unknown[] = [];
  const logger: Logger = { ...silentLogger, warn: (obj) => void warnings.push(obj) };
  await repo.commit({
    'environments/dev/shop/api/desired.json': JSON.stringify(desired('dev', 'shop', 'api')),
    'environments/dev/shop/api/manifests.yaml': 'kind: Deployment\n',
    'environments/prod/shop/api/desired.json': JSON.stringify(desired('prod', 'shop', 'api')),
    'environments/prod/shop/web/desired.json': '{ not json',
    'secrets/dev/shop/api.json': '{}',
  }, 'state', { name: 'pave', email: 'pave@example.com' });

  const snapshot = await createGitStateSource(repo, logger).snapshot();

  expect([...snapshot.keys()].sort()).toEqual(['dev/shop/api', 'prod/shop/api']);
  expect(snapshot.get('prod/shop/api')).toEqual(desired('prod', 'shop', 'api'));
  expect(warnings).toEqual([expect.objectContaining({ file: 'environments/prod/shop/web/desired.json' })]);
});

it('is empty before the first apply', async () => {
  const snapshot = await createGitStateSource(createLocalStateRepository({ dir: join(tmp, 'state.git') })).snapshot();

  expect(snapshot.size).toBe(0);
});
