/**
 * platform-repo-example/ is documentation, smoke-test input and schema regression fixture at
 * once: it must load without a single error or warning, and say what the README promises.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSourceTree } from '../src/adapters/fs/read-source-tree.js';
import { classifyPlatformPath, isPlatformInput, loadPlatform, schemaFileName } from '../src/config/platform/index.js';
import { createSchemaValidator } from '../src/config/schema/schema-validator.js';
import { parseYaml } from '../src/config/yaml/parse-yaml.js';
import { formatDiagnostic } from '../src/domain/diagnostic.js';
import type { PlatformConfig } from '../src/domain/platform.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const exampleDir = join(root, 'platform-repo-example');
// Read as the CLI would: every path listed, contents only of what the loader needs.
const tree = await readSourceTree(exampleDir, { include: isPlatformInput });

function loadExample(): PlatformConfig {
  const result = loadPlatform(tree);
  if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
  return result.config;
}

describe('platform-repo-example', () => {
  it('loads with no errors and no warnings', () => {
    const result = loadPlatform(tree);

    expect(result.ok ? result.warnings.map(formatDiagnostic) : result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('describes acme-bank with its three projects and repositories', () => {
    const config = loadExample();

    expect(config.settings).toMatchObject({ organization: 'acme-bank', githubOwners: ['acme-bank'], defaultBranch: 'main' });
    expect(Object.fromEntries([...config.projects.values()].map((p) => [p.name, p.repos]))).toEqual({
      'investment-banking': ['acme-bank/investment-banking-backend'],
      lending: ['acme-bank/lending-backend'],
      utility: ['acme-bank/exchange-rates', 'acme-bank/interest-rates'],
    });
    expect([...config.projects.values()].every((p) => p.owners.length > 0 && p.pipeline === 'default')).toBe(true);
  });

  it('has development, staging and production, with development on the local servers', () => {
    const config = loadExample();

    expect([...config.environments.keys()]).toEqual(['development', 'staging', 'production']);
    expect([...config.environments.values()].map((e) => e.production)).toEqual([false, false, true]);
    const dev = config.environments.get('development')!;
    expect(dev.databaseServers).toEqual({
      postgresql: { host: '127.0.0.1', port: 5432, adminUser: { env: 'PAVE_PG_ADMIN_USER' }, adminPassword: { env: 'PAVE_PG_ADMIN_PASSWORD' } },
      mysql: { host: '127.0.0.1', port: 3306, adminUser: { env: 'PAVE_MYSQL_ADMIN_USER' }, adminPassword: { env: 'PAVE_MYSQL_ADMIN_PASSWORD' } },
      cache: { host: '127.0.0.1', port: 6379, adminUser: { env: 'PAVE_REDIS_ADMIN_USER' }, adminPassword: { env: 'PAVE_REDIS_ADMIN_PASSWORD' } },
    });
    for (const env of config.environments.values()) {
      expect(env.sealingCertificate).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
    }
  });

  it('promotes development → staging automatically and staging → production after approval and soak', () => {
    const pipeline = loadExample().pipelines.get('default')!;

    expect(pipeline.environments).toEqual(['development', 'staging', 'production']);
    expect(pipeline.promotions).toEqual([
      { from: 'development', to: 'staging', autoPromote: true, approvals: { count: 0, from: [] }, soakMinutes: 0, freezeWindows: [] },
      {
        from: 'staging', to: 'production', autoPromote: false,
        approvals: { count: 1, from: ['@acme-bank/platform'] }, soakMinutes: 30,
        freezeWindows: [{ name: 'year-end-close', start: '2026-12-21T00:00:00Z', end: '2027-01-04T08:00:00Z' }],
      },
    ]);
  });

  it('offers the database plans, build presets, policies and catalog entry the examples use', () => {
    const config = loadExample();

    expect([...config.databasePlans.keys()].sort()).toEqual(['cache/small', 'mysql/small', 'postgresql/medium', 'postgresql/small']);
    expect([...config.buildPresets.keys()].sort()).toEqual(['docker', 'go', 'java', 'nodejs', 'python', 'static-web']);
    for (const preset of config.buildPresets.values()) {
      expect(preset.baseImage).toMatch(/@sha256:[a-f0-9]{64}$/);
      if (preset.runtimeImage) expect(preset.runtimeImage).toMatch(/@sha256:[a-f0-9]{64}$/);
    }
    expect(config.policies.map((p) => [p.name, p.rule.kind, p.scope])).toEqual(expect.arrayContaining([
      ['production-replicas', 'min-replicas', { projects: [], environments: [], productionOnly: true }],
      ['lending-no-public-endpoints', 'forbid-visibility', { projects: ['lending'], environments: [], productionOnly: false }],
      ['require-owner', 'require-owner', { projects: [], environments: [], productionOnly: false }],
      ['project-quotas', 'project-quotas', { projects: [], environments: [], productionOnly: false }],
    ]));
    expect(config.catalog.get('market-data/v1')).toMatchObject({
      projects: ['investment-banking', 'utility'],
      keys: {
        ServiceURL: { production: 'https://api.marketdata.example.com/v1' },
        ApiKey: { '*': { env: 'PAVE_MARKET_DATA_SANDBOX_KEY' }, production: { file: '/run/secrets/pave/production/market-data-api-key' } },
      },
    });
  });

  const yamlFiles = [...tree.paths].filter((p) => classifyPlatformPath(p).kind !== undefined).sort();

  it.each(yamlFiles)('%s names its JSON Schema on the first line, by a path that exists', (path) => {
    const kind = classifyPlatformPath(path).kind!;
    const firstLine = new TextDecoder().decode(tree.files.get(path)).split('\n')[0];

    const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(firstLine ?? '');
    expect(match).not.toBeNull();
    const target = normalize(join(dirname(join(exampleDir, path)), match![1]!));
    expect(target).toBe(join(root, 'schemas', schemaFileName(kind)));
  });

  it.each(yamlFiles)('%s is valid against the published schemas/*.schema.json', (path) => {
    const kind = classifyPlatformPath(path).kind!;
    const schema = JSON.parse(readFileSync(join(root, 'schemas', schemaFileName(kind)), 'utf8')) as object;
    const parsed = parseYaml(path, new TextDecoder().decode(tree.files.get(path)));

    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(createSchemaValidator(schema).validate(parsed.doc)).toEqual([]);
  });
});
