import { describe, expect, it } from 'vitest';
import { spots, validateText } from '../../../test/helpers/descriptor-tree.js';
import { defaultComponentName } from './pave-extensions.js';

const withExtensions = (yaml: string) => `schemaVersion: 1.2\n${yaml}`;

describe('pave extension keys', () => {
  it('accepts the documented keys', () => {
    const report = validateText(withExtensions(`component:
  name: reports-api
  type: service
build:
  preset: nodejs
  context: app
resources:
  - {name: reports-db, type: postgresql, plan: small}
deploy:
  replicas: 1
  resources: {cpu: 250m, memory: 256Mi}
  vars: {LOG_LEVEL: info, WORKERS: 4}
  env:
    production: {replicas: 3, resources: {cpu: 1}}
`));

    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  it.each([
    ['bad component name', 'component: {name: Reports_API}\n', '2:19 schema-pattern'],
    ['unknown component type', 'component: {type: Service}\n', '2:19 schema-enum'],
    ['build without preset', 'build: {context: .}\n', '2:8 schema-required'],
    ['unknown engine', 'resources:\n  - {name: db, type: mongodb, plan: small}\n', '3:22 schema-enum'],
    ['negative replicas', 'deploy: {replicas: -1}\n', '2:20 schema-minimum'],
    ['bad memory', 'deploy: {resources: {memory: 1GB}}\n', '2:30 schema-pattern'],
    ['bad environment name', 'deploy:\n  env:\n    Production: {replicas: 2}\n', '4:5 environment-name'],
    ['bad variable name', 'deploy:\n  env:\n    prod:\n      vars: {log-level: debug}\n', '5:14 var-name'],
  ])('%s is pave\'s error, not Choreo\'s', (_name, yaml, spot) => {
    const report = validateText(withExtensions(yaml));

    expect(report.valid).toBe(false);
    expect(report.choreoValid).toBe(true);
    expect(spots(report)[0]).toBe(spot);
    expect(report.errors.every((d) => d.hint)).toBe(true);
  });

  it.each(['../../etc/passwd', '/srv/app', '..', 'app/../../x'])('rejects build.context %s outside the component', (context) => {
    const report = validateText(withExtensions(`build: {preset: nodejs, context: "${context}"}\n`));

    expect(spots(report)).toEqual(['2:34 build-context-outside']);
    expect(report.choreoValid).toBe(true);
  });

  it('rejects duplicate resource names', () => {
    const report = validateText(withExtensions('resources:\n  - {name: db, type: cache, plan: s}\n  - {name: db, type: mysql, plan: s}\n'));

    expect(spots(report)).toEqual(['4:12 duplicate-resource-name']);
  });

  it('reports unknown keys inside its sections as warnings', () => {
    const report = validateText(withExtensions('build: {preset: go, dockerfile: Dockerfile}\n'));

    expect(report.errors).toEqual([]);
    expect(spots(report, 'warning')).toEqual(['2:21 schema-additionalProperties']);
  });
});

describe('defaultComponentName', () => {
  it.each([
    ['services/reports-api', 'acme/mono', 'reports-api'],
    ['', 'acme/reports-api', 'reports-api'],
    ['', 'reports-api', 'reports-api'],
    ['apps/My_Service', 'x', 'my-service'],
    ['', 'acme/123', 'component'],
  ])('%j in %j → %s', (root, repo, name) => {
    expect(defaultComponentName(root, repo)).toBe(name);
  });
});
