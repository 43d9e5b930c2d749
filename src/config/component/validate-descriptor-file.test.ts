import fc from 'fast-check';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { descriptorTree, spots, validateText } from '../../../test/helpers/descriptor-tree.js';
import { readComponent } from './read-component.js';
import { validateDescriptorFile } from './validate-descriptor-file.js';

describe('validateDescriptorFile: hostile and broken input', () => {
  it('reports broken YAML with its position', () => {
    const report = validateText('schemaVersion: 1.2\nendpoints:\n  - name: [a, b\n    type: REST\n');

    expect(report).toMatchObject({ valid: false, choreoValid: false, schemaVersion: null });
    expect(report.errors[0]).toMatchObject({ code: 'yaml-syntax', file: 'svc/.choreo/component.yaml' });
    expect(report.errors[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('stops an alias bomb', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);

    const report = validateText(`schemaVersion: 1.2\n${bomb.join('\n')}\n`);

    expect(spots(report)).toEqual([expect.stringMatching(/ yaml-alias-limit$/)]);
  });

  it('refuses a 5 MiB file before parsing it', () => {
    const big = `schemaVersion: 1.2\n# ${'x'.repeat(5 * 1024 * 1024)}\n`;

    const report = validateText(big);

    expect(report.errors.map((d) => [d.code, d.line, d.column])).toEqual([['file-too-large', 1, 1]]);
  });

  it('refuses invalid UTF-8', () => {
    const path = 'svc/.choreo/component.yaml';
    const bytes = new Uint8Array([...new TextEncoder().encode('schemaVersion: 1.2\nx: '), 0xff, 0x0a]);

    const report = validateDescriptorFile(descriptorTree({ [path]: bytes }), path);

    expect(spots(report)).toEqual(['2:4 invalid-utf8']);
  });

  it.each([
    ['port as "abc"', 'schemaVersion: 1.2\nendpoints:\n  - {name: a, service: {port: abc}, type: REST}\n', '3:31 type'],
    ['endpoints as a map', 'schemaVersion: 1.2\nendpoints: {name: a}\n', '2:12 type'],
    ['schemaVersion 0.9', 'schemaVersion: 0.9\n', '1:16 schema-version'],
    ['schemaVersion 1.3', 'schemaVersion: 1.3\n', '1:16 schema-version'],
    ['schemaVersion "abc"', 'schemaVersion: "abc"\n', '1:16 schema-version'],
    ['resourceRef without leading slash', 'schemaVersion: 1.2\ndependencies:\n  connectionReferences:\n    - {name: hr-conn, resourceRef: "service:test3007/hr/v1/ad088/PUBLIC"}\n', '4:36 resource-ref'],
    ['visibility PUBLIC1', 'schemaVersion: 1.2\ndependencies:\n  connectionReferences:\n    - {name: hr-conn, resourceRef: "service:/p/hr/v1/ad088/PUBLIC1"}\n', '4:36 resource-ref'],
    ['duplicate endpoint names', 'schemaVersion: 1.2\nendpoints:\n  - {name: a, service: {port: 8080}, type: REST}\n  - {name: a, service: {port: 8081}, type: REST}\n', '4:12 duplicate-endpoint-name'],
    ['GRPC with Public', 'schemaVersion: 1.2\nendpoints:\n  - {name: a, service: {port: 8080}, type: GRPC, networkVisibilities: [Public]}\n', '3:71 project-only-visibility'],
    ['missing schema file', 'schemaVersion: 1.2\nendpoints:\n  - {name: a, service: {port: 8080}, type: REST, schemaFilePath: api.yaml}\n', '3:66 schema-file-missing'],
    ['schemaFilePath traversal', 'schemaVersion: 1.2\nendpoints:\n  - {name: a, service: {port: 8080}, type: REST, schemaFilePath: ../../etc/passwd}\n', '3:66 path-traversal'],
    ['build.context traversal', 'schemaVersion: 1.2\nbuild: {preset: go, context: ../../etc/passwd}\n', '2:30 build-context-outside'],
  ])('%s → error with its position', (_name, text, spot) => {
    const report = validateText(text);

    expect(spots(report)).toEqual([spot]);
    expect(report.errors[0]?.hint).toBeTruthy();
  });

  it('reports unknown keys as warnings with line and column', () => {
    const report = validateText('schemaVersion: 1.2\nendpoints: []\nbuidl: {preset: go}\n');

    expect(report.valid).toBe(true);
    expect(report.warnings.map((d) => [d.code, d.line, d.column, d.hint])).toEqual([['unknown-key', 3, 1, 'did you mean `build`?']]);
  });

  it('warns about names and places Choreo never reads, and infers the kind from the name', () => {
    const tree = descriptorTree({ 'svc/.choreo/component.yml': 'schemaVersion: 1.2\n', 'svc/endpoints-old.yaml': 'version: 0.1\nendpoints: []\n' });

    expect(validateDescriptorFile(tree, 'svc/.choreo/component.yml').warnings.map((d) => d.code)).toEqual(['descriptor-name']);
    const legacy = validateDescriptorFile(tree, 'svc/endpoints-old.yaml');
    expect(legacy.kind).toBe('endpoints.yaml');
    expect(legacy.warnings.map((d) => d.code)).toEqual(['descriptor-name', 'descriptor-location', 'outdated-source-config']);
  });

  it('reports a file that is missing, or listed but not read', () => {
    const tree = descriptorTree({}, ['svc/.choreo/component.yaml']);

    expect(spots(validateDescriptorFile(tree, 'svc/.choreo/component.yaml'))).toEqual(['1:1 file-not-read']);
    expect(spots(validateDescriptorFile(tree, 'nope/.choreo/component.yaml'))).toEqual(['1:1 file-not-read']);
  });

  it('stays fast when thousands of schema files are missing in a large repository', () => {
    const endpoints = Array.from({ length: 5000 }, (_, i) => `  - {name: e${i}, service: {port: 8080}, type: REST, schemaFilePath: s${i}.yaml}`).join('\n');
    const tree = descriptorTree({ 'svc/.choreo/component.yaml': `schemaVersion: 1.2\nendpoints:\n${endpoints}\n` },
      Array.from({ length: 50_000 }, (_, i) => `src/dir${i % 100}/f${i}.ts`));

    const started = performance.now();
    const report = validateDescriptorFile(tree, 'svc/.choreo/component.yaml');

    expect(report.errors).toHaveLength(101);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('caps the number of diagnostics', () => {
    const endpoints = Array.from({ length: 300 }, (_, i) => `  - {name: E${i}, service: {port: 80}, type: rest}`).join('\n');

    const report = validateText(`schemaVersion: 1.2\nendpoints:\n${endpoints}\n`);

    expect(report.errors).toHaveLength(101);
    expect(report.errors[100]).toMatchObject({ code: 'too-many-diagnostics', message: expect.stringMatching(/^\d+ more errors/) });
  });
});

// Keys of every descriptor kind, so random documents reach the rules and not only "unknown key".
const KEYS = ['schemaVersion', 'version', 'apiVersion', 'kind', 'spec', 'inbound', 'outbound', 'endpoints', 'name', 'displayName',
  'service', 'port', 'basePath', 'context', 'type', 'networkVisibilities', 'networkVisibility', 'schemaFilePath', 'dependencies',
  'serviceReferences', 'connectionReferences', 'resourceRef', 'connectionConfig', 'env', 'from', 'to', 'configurations',
  'configuration', 'value', 'valueFrom', 'connectionRef', 'configGroupRef', 'configForm', 'key', 'required', 'file', 'mountPath',
  'values', 'proxy', 'component', 'build', 'preset', 'resources', 'plan', 'deploy', 'replicas', 'cpu', 'memory', 'vars', 'schedule'];

const scalar = fc.oneof(
  fc.constantFrom(null, true, false, 0, 80, 8080, 65535, 1.2, 1.1, 1, 0.9, '1.2', '', '/', '/api', 'REST', 'GRPC', 'Project', 'Public',
    'service:/p/c/v1/e/PUBLIC', 'database:db', '../x', 'openapi.yaml', 'core.choreo.dev/v1beta1', 'ComponentConfig', 'nodejs', 'postgresql'),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const { node } = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie('node'), { maxKeys: 6 }),
}));

describe('validateDescriptorFile: properties', () => {
  it.each(['component.yaml', 'endpoints.yaml', 'component-config.yaml'])('never throws on random documents (%s), and every diagnostic is placed and explained', (name) => {
    fc.assert(
      fc.property(node, fc.boolean(), (value, fileChecks) => {
        const text = dump(value, { skipInvalid: true });
        const path = `svc/.choreo/${name}`;
        const tree = descriptorTree({ [path]: text }, ['svc/openapi.yaml']);

        const report = validateDescriptorFile(tree, path, { fileChecks });
        const component = readComponent(tree, 'svc', { repoName: 'acme/x', fileChecks });

        expect(report.valid).toBe(report.errors.length === 0);
        if (!report.choreoValid) expect(report.valid).toBe(false);
        for (const d of [...report.errors, ...report.warnings]) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.hint).toBeTruthy();
        }
        expect(component.descriptor === undefined).toBe(!component.reports[0]?.valid);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(() => validateText(text)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
