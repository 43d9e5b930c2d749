import { describe, expect, it } from 'vitest';
import { descriptorTree, spots, validateText } from '../../../test/helpers/descriptor-tree.js';
import { readComponent } from './read-component.js';
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
    ['files not a map', 'deploy: {files: [app.yaml]}\n', '2:17 schema-type'],
    ['a file\'s values not a map', 'deploy:\n  env:\n    prod:\n      files: {app.yaml: debug}\n', '5:25 schema-type'],
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

describe('deploy.image', () => {
  const digest = `sha256:${'ab12'.repeat(16)}`;

  it.each([
    `registry.example.com/team/app@${digest}`,
    `127.0.0.1:5000/acme-bank/loans-api@${digest}`,
    `app@${digest}`,
    `ghcr.io/acme/app:v1.2.3@${digest}`,
  ])('accepts %s, pinned by digest, without a warning', (image) => {
    const report = validateText(withExtensions(`deploy:\n  image: "${image}"\n`));

    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  it.each([
    ['a tag', 'deploy:\n  image: ghcr.io/acme/app:v1\n', '3:10 image-not-pinned'],
    ['no tag (latest)', 'deploy:\n  image: nginx\n', '3:10 image-not-pinned'],
    ['a tag in one environment', `deploy:\n  image: "app@${digest}"\n  env:\n    staging: {image: "app:staging"}\n`, '5:22 image-not-pinned'],
  ])('warns for %s (it can change without a commit)', (_name, yaml, spot) => {
    const report = validateText(withExtensions(yaml));

    expect(report.errors).toEqual([]);
    expect(spots(report, 'warning')).toEqual([spot]);
    expect(report.warnings[0]!.hint).toContain('@sha256:');
  });

  it.each([
    'Registry.example.com/Team/App', 'app@sha256:short', 'app:', 'https://registry.example.com/app', 'app name', '',
  ])('rejects %j, which is not an image reference', (image) => {
    const report = validateText(withExtensions(`deploy:\n  image: "${image}"\n`));

    expect(spots(report)).toEqual(['3:10 schema-pattern']);
    expect(report.choreoValid).toBe(true);
  });

  it('is read into the descriptor, with per-environment overrides', () => {
    const yaml = withExtensions(`deploy:\n  image: "app@${digest}"\n  env:\n    production: {image: "app-prod@${digest}"}\n`);
    const tree = descriptorTree({ 'svc/.choreo/component.yaml': yaml });

    const { descriptor } = readComponent(tree, 'svc', { repoName: 'acme/svc', fileChecks: false });

    expect(descriptor?.deploy.image).toBe(`app@${digest}`);
    expect(descriptor?.deploy.env.production?.image).toBe(`app-prod@${digest}`);
  });

  it('reads deploy.files as written, per environment too (the planner checks them against the forms)', () => {
    const yaml = withExtensions('deploy:\n  files:\n    app.yaml: {logging: {level: info}, hosts: [a, b]}\n  env:\n    production:\n      files: {app.yaml: {logging: null}}\n');
    const { descriptor } = readComponent(descriptorTree({ 'svc/.choreo/component.yaml': yaml }), 'svc', { repoName: 'acme/svc', fileChecks: false });

    expect(descriptor?.deploy.files).toEqual({ 'app.yaml': { logging: { level: 'info' }, hosts: ['a', 'b'] } });
    expect(descriptor?.deploy.env.production?.files).toEqual({ 'app.yaml': { logging: null } });
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
