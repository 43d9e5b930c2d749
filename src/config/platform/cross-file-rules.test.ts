import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../domain/diagnostic.js';
import { platformTree } from '../../../test/helpers/minimal-platform.js';
import { loadPlatform } from './load-platform.js';

function check(changes: Record<string, string | undefined>): readonly Diagnostic[] {
  const result = loadPlatform(platformTree(changes));
  return result.ok ? result.warnings : result.diagnostics;
}

function brief(d: Diagnostic): [string, string, string, number, number] {
  return [d.severity, d.code, d.file, d.line, d.column];
}

const STAGING = 'name: staging\ngatewayHost: staging.acme.example\nregistry: { url: registry.acme.example }\n';

describe('cross-file rules', () => {
  it('reports every problem of a broken repository in one pass', () => {
    const found = check({
      'pipelines/default.yaml': `name: default
environments: [development, qa, production]
promotions:
  - { from: development, to: production }
  - { from: production, to: development }
`,
      'projects/payments.yaml': 'name: payments\nrepos: ["acme/payments-[api"]\ndatabasePlans: [postgresql/huge]\n',
      'projects/ledger.yaml': 'name: payments\nrepos: [acme/ledger]\n',
      'environments/development.yaml': `name: development
gatewayHost: dev.acme.example
databaseServers:
  postgresql:
    host: 127.0.0.1
    port: 5432
    adminUser: { env: PAVE_PG_ADMIN_USER }
    adminPassword: hunter2
registry: { url: 127.0.0.1:5000 }
`,
      'build-presets/nodejs.yaml': 'name: nodejs\nbaseImage: node:20-bookworm-slim\n',
    });

    expect(found.map(brief)).toEqual([
      ['error', 'image-not-pinned', 'build-presets/nodejs.yaml', 2, 12],
      ['error', 'inline-secret', 'environments/development.yaml', 8, 20],
      ['error', 'unknown-environment', 'pipelines/default.yaml', 2, 29],
      ['error', 'promotion-not-consecutive', 'pipelines/default.yaml', 4, 5],
      ['error', 'promotion-cycle', 'pipelines/default.yaml', 5, 5],
      ['warning', 'name-mismatch', 'projects/ledger.yaml', 1, 7],
      ['error', 'duplicate-name', 'projects/ledger.yaml', 1, 7],
      ['error', 'duplicate-name', 'projects/payments.yaml', 1, 7],
      ['error', 'invalid-repo-glob', 'projects/payments.yaml', 2, 9],
      ['error', 'unknown-database-plan', 'projects/payments.yaml', 3, 17],
    ]);
    expect(found.every((d) => d.hint && d.message)).toBe(true);
  });

  it('names the other place of a duplicated name on both sides', () => {
    const found = check({ 'environments/prod.yaml': 'name: production\ngatewayHost: apps.acme.example\nregistry: { url: r.acme.example }\n' });

    const dupes = found.filter((d) => d.code === 'duplicate-name');
    expect(dupes.map((d) => [d.file, d.message])).toEqual([
      ['environments/prod.yaml', 'environment `production` is also defined at environments/production.yaml:1:7'],
      ['environments/production.yaml', 'environment `production` is also defined at environments/prod.yaml:1:7'],
    ]);
  });

  it('reports duplicate plan ids across and within database files', () => {
    const found = check({
      'databases/postgres.yaml': 'engine: postgresql\nplans:\n  - { name: small, connectionLimit: 5 }\n  - { name: large, connectionLimit: 50 }\n  - { name: large, connectionLimit: 60 }\n',
    });

    expect(found.map(brief)).toEqual([
      ['warning', 'name-mismatch', 'databases/postgres.yaml', 1, 9],
      ['error', 'duplicate-name', 'databases/postgres.yaml', 3, 13],
      ['error', 'duplicate-name', 'databases/postgres.yaml', 5, 13],
      ['error', 'duplicate-name', 'databases/postgresql.yaml', 3, 11],
    ]);
  });

  it('checks that platform defaults name an existing pipeline', () => {
    const found = check({ 'platform.yaml': 'organization: acme\ngithubOwners: [acme]\nstateRepository: acme/s\ndefaults:\n  pipeline: defualt\n' });

    expect(found).toEqual([expect.objectContaining({
      code: 'unknown-pipeline', file: 'platform.yaml', line: 5, column: 13, path: '/defaults/pipeline',
      hint: 'did you mean `default`? (defined: default)',
    })]);
  });

  it('reports a pipeline environment listed twice', () => {
    const found = check({ 'pipelines/default.yaml': 'name: default\nenvironments: [development, production, development]\n' });

    expect(found.map(brief)).toEqual([['error', 'duplicate-pipeline-environment', 'pipelines/default.yaml', 2, 41]]);
  });

  it('reports a promotion into an environment outside the pipeline', () => {
    const found = check({
      'environments/staging.yaml': STAGING,
      'pipelines/default.yaml': 'name: default\nenvironments: [development, production]\npromotions:\n  - { from: development, to: staging }\n',
      'pipelines/full.yaml': 'name: full\nenvironments: [development, staging, production]\n',
    });

    expect(found.map(brief)).toEqual([['error', 'promotion-outside-pipeline', 'pipelines/default.yaml', 4, 30]]);
  });

  it('reports a promotion that skips an environment, and suggests the next one', () => {
    const found = check({
      'environments/staging.yaml': STAGING,
      'pipelines/default.yaml': 'name: default\nenvironments: [development, staging, production]\npromotions:\n  - { from: development, to: production }\n',
    });

    expect(found).toEqual([expect.objectContaining({
      code: 'promotion-not-consecutive', line: 4, column: 5, hint: expect.stringContaining('`to: staging`'),
    })]);
  });

  it('reports a promotion to itself as a cycle, and a repeated gate', () => {
    const found = check({
      'pipelines/default.yaml': `name: default
environments: [development, production]
promotions:
  - { from: development, to: development }
  - { from: development, to: production }
  - { from: development, to: production, autoPromote: true }
`,
    });

    expect(found.map((d) => [d.code, d.line, d.message])).toEqual([
      ['promotion-cycle', 4, 'promotions form a cycle: development → development'],
      ['duplicate-promotion', 6, 'the gate development → production is given twice (first at pipelines/default.yaml:5:5)'],
    ]);
  });

  it('reports a three-environment promotion cycle once, at the gate that goes back', () => {
    const found = check({
      'environments/staging.yaml': STAGING,
      'pipelines/default.yaml': `name: default
environments: [development, staging, production]
promotions:
  - { from: development, to: staging }
  - { from: staging, to: production }
  - { from: production, to: development }
`,
    });

    expect(found.map((d) => [d.code, d.line, d.message])).toEqual([
      ['promotion-cycle', 6, 'promotions form a cycle: development → staging → production → development'],
    ]);
  });

  it('checks per-gate rules: soak given twice, freeze windows, approvers', () => {
    const found = check({
      'pipelines/default.yaml': `name: default
environments: [development, production]
promotions:
  - from: development
    to: production
    soak: 1h
    soakMinutes: 60
    approvals: { count: 3, from: ["@alice", "@bob"] }
    freezeWindows:
      - { name: xmas, start: "2026-12-27T00:00:00Z", end: "2026-12-24T00:00:00Z" }
`,
    });

    expect(found.map(brief)).toEqual([
      ['error', 'soak-conflict', 'pipelines/default.yaml', 7, 5],
      ['error', 'approvals-unsatisfiable', 'pipelines/default.yaml', 8, 25],
      ['error', 'freeze-window-order', 'pipelines/default.yaml', 10, 59],
    ]);
  });

  it('requires approvers when approvals are required', () => {
    const found = check({
      'pipelines/default.yaml': 'name: default\nenvironments: [development, production]\npromotions:\n  - { from: development, to: production, approvals: { count: 1 } }\n',
    });

    expect(found.map((d) => d.code)).toEqual(['approvals-without-approvers']);
  });

  it('reports projects naming a missing pipeline or plan', () => {
    const found = check({ 'projects/payments.yaml': 'name: payments\nrepos: [acme/payments-api]\npipeline: fast\ndatabasePlans: [postgresql/small, mysql/small]\n' });

    expect(found.map(brief)).toEqual([
      ['error', 'unknown-pipeline', 'projects/payments.yaml', 3, 11],
      ['error', 'unknown-database-plan', 'projects/payments.yaml', 4, 35],
    ]);
  });

  it.each([
    ['acme/payments-[api', 'does not compile'],
    ['acme/{payments,ledger', 'does not compile'],
    ['acme', 'no repository name'],
    ['acme/', 'no repository name'],
    ['acme/mono//payments', 'empty path segment'],
    ['acme/mono/../payments', '`..` path segment'],
    ['acme/mono/', 'empty path segment'],
    ['*/payments-api', 'literal GitHub owner'],
  ])('reports the malformed repo glob %s', (glob, problem) => {
    const found = check({ 'projects/payments.yaml': `name: payments\nrepos: ["${glob}"]\n` });

    expect(found).toContainEqual(expect.objectContaining({
      code: 'invalid-repo-glob', line: 2, column: 9, message: expect.stringContaining(problem),
    }));
  });

  it('warns about a repo owner pave does not serve, and rejects a glob claimed twice', () => {
    const found = check({
      'projects/payments.yaml': 'name: payments\nrepos: [acme/payments-api, acme-labs/payments-poc]\n',
      'projects/ledger.yaml': 'name: ledger\nrepos: [acme/ledger, ACME/payments-api]\n',
    });

    expect(found.map(brief)).toEqual([
      ['error', 'duplicate-repo-glob', 'projects/ledger.yaml', 2, 22],
      ['error', 'duplicate-repo-glob', 'projects/payments.yaml', 2, 9],
      ['warning', 'repo-owner-not-served', 'projects/payments.yaml', 2, 28],
    ]);
  });

  it('checks policy scopes against projects and environments', () => {
    const found = check({
      'policies/replicas.yaml': `name: replicas
scope:
  projects: [payments, lending]
  environments: [prod]
rule: { kind: min-replicas, min: 2 }
`,
    });

    expect(found.map((d) => [d.code, d.line, d.column, d.hint])).toEqual([
      ['unknown-project', 3, 24, 'define it in projects/ or fix the name (defined: payments)'],
      ['unknown-environment', 4, 18, 'did you mean `production`? (defined: development, production)'],
    ]);
  });

  it('warns about a productionOnly policy scoped to non-production environments', () => {
    const found = check({
      'policies/replicas.yaml': 'name: replicas\nscope: { environments: [development], productionOnly: true }\nrule: { kind: min-replicas, min: 2 }\n',
    });

    expect(found.map(brief)).toEqual([['warning', 'policy-never-applies', 'policies/replicas.yaml', 2, 55]]);
  });

  it('checks catalog projects and per-environment keys', () => {
    const found = check({
      'catalog/fx.yaml': `name: fx
version: v1
projects: [payment]
keys:
  ServiceURL:
    development: https://sandbox.fx.example.com
    prod: https://fx.example.com
  ApiKey: { env: FX_KEY }
`,
    });

    expect(found.map((d) => [d.severity, d.code, d.line, d.column])).toEqual([
      ['error', 'unknown-project', 3, 12],
      ['warning', 'catalog-key-incomplete', 5, 3],
      ['error', 'unknown-environment', 7, 5],
      ['warning', 'catalog-key-incomplete', 8, 3],
      ['error', 'unknown-environment', 8, 13],
    ]);
    expect(found.find((d) => d.line === 8 && d.severity === 'error')?.hint).toBe('a secret reference goes under an environment name or `*`: `ApiKey: { "*": { env: … } }`');
  });

  it('warns about an environment no pipeline uses', () => {
    const found = check({ 'environments/staging.yaml': STAGING });

    expect(found.map(brief)).toEqual([['warning', 'environment-unused', 'environments/staging.yaml', 1, 7]]);
  });

  it('reads a sealing certificate from the repository, and reports a missing one', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
    const env = (path: string): string => `name: production\nproduction: true\ngatewayHost: apps.acme.example\nregistry: { url: r.acme.example }\nsealingCertificate: ${path}\n`;

    const ok = loadPlatform(platformTree({ 'environments/production.yaml': env('certificates/production.pem'), 'certificates/production.pem': pem }));
    const missing = check({ 'environments/production.yaml': env('certificates/prod.pem') });
    const notPem = check({ 'environments/production.yaml': env('certificates/production.pem'), 'certificates/production.pem': 'hello' });

    expect(ok.ok && ok.config.environments.get('production')?.sealingCertificate).toBe(pem);
    expect(missing.map(brief)).toEqual([['error', 'sealing-certificate-missing', 'environments/production.yaml', 5, 21]]);
    expect(notPem.map((d) => d.code)).toEqual(['sealing-certificate-invalid']);
  });

  it('warns when a name differs from its file name', () => {
    const found = check({ 'build-presets/node.yaml': `name: node20\nbaseImage: node@sha256:${'c'.repeat(64)}\n` });

    expect(found).toEqual([expect.objectContaining({
      severity: 'warning', code: 'name-mismatch', file: 'build-presets/node.yaml', line: 1, column: 7,
      hint: 'rename the file to `node20.yaml` or set `name: node`, so the file is easy to find',
    })]);
  });

  it('warns about plan fields that do not fit the engine', () => {
    const found = check({ 'databases/cache.yaml': 'engine: cache\nplans:\n  - { name: small, connectionLimit: 50, storageGb: 1 }\n' });

    expect(found.map(brief)).toEqual([['warning', 'plan-field-ignored', 'databases/cache.yaml', 3, 41]]);
  });
});
