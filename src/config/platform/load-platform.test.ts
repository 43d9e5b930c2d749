import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../domain/diagnostic.js';
import { platformTree } from '../../../test/helpers/minimal-platform.js';
import { loadPlatform, type LoadPlatformResult } from './load-platform.js';

function problems(result: LoadPlatformResult): readonly Diagnostic[] {
  return result.ok ? result.warnings : result.diagnostics;
}

function brief(d: Diagnostic): [string, string, number, number] {
  return [d.code, d.file, d.line, d.column];
}

describe('loadPlatform', () => {
  it('loads a valid repository and fills in the defaults', () => {
    const result = loadPlatform(platformTree());

    expect(problems(result)).toEqual([]);
    if (!result.ok) return;
    const { config } = result;
    expect(config.settings).toEqual({
      organization: 'acme', githubOwners: ['acme'], defaultBranch: 'main', stateRepository: 'acme/platform-state',
      defaults: { pipeline: 'default', replicas: 1, resources: {} },
    });
    expect(config.environments.get('development')).toMatchObject({
      displayName: 'development', production: false, namespace: '{project}-{environment}',
      registry: { url: '127.0.0.1:5000', repositoryPrefix: 'acme' },
    });
    expect(config.pipelines.get('default')?.promotions).toEqual([{
      from: 'development', to: 'production', autoPromote: false,
      approvals: { count: 1, from: ['@acme/platform'] }, soakMinutes: 30, freezeWindows: [],
    }]);
    expect(config.projects.get('payments')).toEqual({
      name: 'payments', displayName: 'payments', owners: ['@acme/payments'], repos: ['acme/payments-api'],
      pipeline: 'default', quotas: {}, databasePlans: ['postgresql/small'],
    });
    expect(config.databasePlans.get('postgresql/small')).toEqual({ id: 'postgresql/small', engine: 'postgresql', name: 'small', connectionLimit: 20 });
    expect(config.buildPresets.get('nodejs')).toMatchObject({ build: ['npm ci'], test: [], output: '.', entrypoint: [], scans: { secrets: true } });
    expect(config.policies).toEqual([]);
    expect(config.catalog.size).toBe(0);
  });

  it('gives every consecutive pair of a pipeline a gate, manual when none is written', () => {
    const result = loadPlatform(platformTree({
      'environments/staging.yaml': 'name: staging\ngatewayHost: staging.apps.acme.example\nregistry: { url: registry.acme.example }\n',
      'pipelines/default.yaml': `name: default
environments: [development, staging, production]
promotions:
  - { from: staging, to: production, soakMinutes: 90, autoPromote: true }
`,
    }));

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.pipelines.get('default')?.promotions).toEqual([
      { from: 'development', to: 'staging', autoPromote: false, approvals: { count: 0, from: [] }, soakMinutes: 0, freezeWindows: [] },
      { from: 'staging', to: 'production', autoPromote: true, approvals: { count: 0, from: [] }, soakMinutes: 90, freezeWindows: [] },
    ]);
    expect([...result.config.environments.keys()]).toEqual(['development', 'staging', 'production']);
  });

  it('reads a single catalog value as the value for every environment', () => {
    const result = loadPlatform(platformTree({
      'catalog/fx-feed.yaml': `name: fx-feed
version: v2
keys:
  ServiceURL: https://fx.example.com/v2
  ApiKey:
    "*": { env: FX_SANDBOX_KEY }
    production: { file: /run/secrets/fx-key }
`,
    }));

    expect(problems(result)).toEqual([]);
    if (!result.ok) return;
    expect(result.config.catalog.get('fx-feed/v2')).toEqual({
      name: 'fx-feed', version: 'v2', description: '', projects: [],
      keys: {
        ServiceURL: { '*': 'https://fx.example.com/v2' },
        ApiKey: { '*': { env: 'FX_SANDBOX_KEY' }, production: { file: '/run/secrets/fx-key' } },
      },
    });
  });

  it('accepts .yml and ignores files that are not platform files', () => {
    const tree = platformTree({
      'platform.yaml': undefined,
      'platform.yml': 'organization: acme\ngithubOwners: [acme]\nstateRepository: ./state.git\ndefaults: { pipeline: default }\n',
      'README.md': '# platform',
      'environments/README.md': 'not yaml',
      'scripts/check.yaml': 'whatever: true',
      '.github/workflows/ci.yml': 'on: push',
    });

    const result = loadPlatform(tree);

    expect(problems(result)).toEqual([]);
  });

  it('warns about YAML files nested below a known folder', () => {
    const result = loadPlatform(platformTree({ 'environments/old/qa.yaml': 'name: qa' }));

    expect(problems(result).map(brief)).toEqual([['ignored-file', 'environments/old/qa.yaml', 1, 1]]);
  });

  it('reports a missing platform.yaml', () => {
    const result = loadPlatform(platformTree({ 'platform.yaml': undefined }));

    expect(result.ok).toBe(false);
    expect(problems(result)).toContainEqual(expect.objectContaining({
      code: 'platform-missing', file: 'platform.yaml', line: 1, column: 1, hint: expect.stringContaining('organization'),
    }));
  });

  it('reports two platform files', () => {
    const result = loadPlatform(platformTree({ 'platform.yml': 'organization: acme\ngithubOwners: [acme]\nstateRepository: a/b\ndefaults: { pipeline: default }\n' }));

    expect(problems(result).map(brief)).toEqual([
      ['duplicate-platform-file', 'platform.yaml', 1, 1],
      ['duplicate-platform-file', 'platform.yml', 1, 1],
    ]);
  });

  it('reports an empty file', () => {
    const result = loadPlatform(platformTree({ 'policies/todo.yaml': '# to be written\n' }));

    expect(problems(result).map(brief)).toEqual([['empty-file', 'policies/todo.yaml', 1, 1]]);
  });

  it('refuses an alias bomb with a clear error, and still checks the other files', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);

    const result = loadPlatform(platformTree({
      'policies/bomb.yaml': bomb.join('\n') + '\n',
      'projects/payments.yaml': 'name: payments\nrepos: [acme/payments-api]\npipeline: nightly\n',
    }));

    expect(result.ok).toBe(false);
    const found = problems(result);
    expect(found).toContainEqual(expect.objectContaining({
      code: 'yaml-alias-limit', file: 'policies/bomb.yaml', message: expect.stringContaining('alias'), hint: expect.stringContaining('alias'),
    }));
    expect(found.find((d) => d.code === 'yaml-alias-limit')!.line).toBeGreaterThan(1);
    expect(found.map((d) => d.code)).toContain('unknown-pipeline');
  });

  it('refuses a 5 MiB platform.yaml before parsing it', () => {
    const big = 'organization: acme\n#' + 'x'.repeat(5 * 1024 * 1024 - 21) + '\n';

    const started = performance.now();
    const result = loadPlatform(platformTree({ 'platform.yaml': big }));

    expect(performance.now() - started).toBeLessThan(1000);
    expect(problems(result).map(brief)).toEqual([['file-too-large', 'platform.yaml', 1, 1]]);
    expect(problems(result)[0]).toMatchObject({
      message: 'file is 5.0 MiB, larger than the 1.0 MiB limit',
      hint: expect.stringContaining('split the file'),
    });
  });

  it('does not blame references on a file that did not parse', () => {
    const result = loadPlatform(platformTree({ 'environments/production.yaml': 'name: production\n  gatewayHost: [\n' }));

    expect(problems(result).map((d) => d.code)).toEqual(['yaml-syntax']);
  });

  it('refuses more platform files than the limit', () => {
    const result = loadPlatform(platformTree(), { maxFiles: 3 });

    expect(problems(result).map((d) => d.code)).toEqual(['too-many-files']);
  });

  it('sorts diagnostics by file, line and column', () => {
    const result = loadPlatform(platformTree({
      'projects/payments.yaml': 'name: payments\nrepos: [acme/payments-api]\ndatabasePlans: [mysql/huge]\npipeline: nightly\n',
      'environments/development.yaml': 'name: development\ngatewayHost: dev.apps.acme.example\nregistry: { url: "http://127.0.0.1:5000" }\n',
    }));

    const where = problems(result).map((d) => `${d.file}:${d.line}:${d.column}`);
    expect(where).toEqual(['environments/development.yaml:3:18', 'projects/payments.yaml:3:17', 'projects/payments.yaml:4:11']);
  });
});
