import { describe, expect, it } from 'vitest';
import { spots, validateText } from '../../../test/helpers/descriptor-tree.js';

const endpoint = (fields: string) => `schemaVersion: 1.2
endpoints:
  - name: greeter
    service:
      port: 9090
    type: REST
${fields}`;

describe('component.yaml: schemaVersion', () => {
  it.each([
    ['1.2', '1.2'], ['"1.2"', '1.2'], ['1.20', '1.2'], ['1.0', '1.0'], ['1', '1.0'], ['1.1', '1.1'], ['" 1.2 "', '1.2'], ['[1.2]', '1.2'],
  ])('accepts %s as %s (Number() and yup casting)', (written, version) => {
    const report = validateText(`schemaVersion: ${written}\n`);

    expect(report.errors).toEqual([]);
    expect(report.schemaVersion).toBe(version);
  });

  it.each(['0.9', '1.3', 'abc', '2024-01-01', '""', 'true', '~'])('rejects %s at its value', (written) => {
    const report = validateText(`# comment\nschemaVersion: ${written}\n`);

    expect(report.choreoValid).toBe(false);
    expect(spots(report)).toEqual(['2:16 schema-version']);
    expect(report.errors[0]?.hint).toMatch(/1\.2/);
  });

  it('requires schemaVersion', () => {
    const report = validateText('endpoints: []\n');

    expect(spots(report)).toEqual(['1:1 schema-version-required']);
  });

  it('warns that 1.0 and 1.1 are outdated, as Choreo does, and not 1.2', () => {
    expect(validateText('schemaVersion: 1.1\n').warnings.map((d) => d.message)).toEqual([
      expect.stringContaining('OUTDATED SOURCE CONFIG: component.yaml v1.1'),
    ]);
    expect(validateText('schemaVersion: 1.0\n').warnings[0]?.message).toContain('v1 is an outdated');
    expect(validateText('schemaVersion: 1.2\n').warnings).toEqual([]);
  });

  it('treats an empty document as an error: Choreo crashes on it', () => {
    for (const text of ['', '# only a comment\n', '~\n']) {
      const report = validateText(text);

      expect(report.choreoValid).toBe(false);
      expect(report.errors.map((d) => [d.code, d.message])).toEqual([['empty-file', expect.stringContaining('empty')]]);
    }
  });

  it('requires a map at the top level', () => {
    expect(spots(validateText('- schemaVersion: 1.2\n'))).toEqual(['1:1 type']);
  });
});

describe('component.yaml: endpoints', () => {
  it('accepts a complete endpoint and casts a numeric string port like yup', () => {
    const report = validateText(endpoint('    networkVisibilities: [Public, Organization]\n    schemaFilePath: openapi.yaml\n')
      .replace('port: 9090', 'port: "9090"'), { paths: ['svc/openapi.yaml'] });

    expect(report.errors).toEqual([]);
    expect(report.warnings.map((d) => d.code)).toEqual(['number-as-text']);
  });

  it.each([
    ['port 80', (t: string) => t.replace('9090', '80'), '5:13 port-range', /80 is privileged/],
    ['port 65535', (t: string) => t.replace('9090', '65535'), '5:13 port-range', /1001–65534/],
    ['port "abc"', (t: string) => t.replace('9090', '"abc"'), '5:13 type', /digits/],
    ['port null', (t: string) => t.replace(' 9090', ''), '5:7 null-value', /null/],
    ['no port', (t: string) => t.replace('      port: 9090\n', '      basePath: /x\n'), '4:5 required', /port/],
    ['no service', (t: string) => t.replace('    service:\n      port: 9090\n', ''), '3:5 required', /service/],
    ['basePath with a dot', (t: string) => t.replace('port: 9090', 'port: 9090\n      basePath: /api/v1.0'), '6:17 base-path-pattern', /\/api\/v1-0/],
    ['basePath without slash', (t: string) => t.replace('port: 9090', 'port: 9090\n      basePath: api'), '6:17 base-path-pattern', /start it with a slash/],
    ['upper-case name', (t: string) => t.replace('name: greeter', 'name: Greeter Service'), '3:11 endpoint-name-pattern', /greeter-service/],
    ['long name', (t: string) => t.replace('name: greeter', `name: ${'a'.repeat(51)}`), '3:11 endpoint-name-length', /shorten/],
    ['type in lower case', (t: string) => t.replace('type: REST', 'type: rest'), '6:11 endpoint-type', /`REST` exactly/],
    ['type gRPC', (t: string) => t.replace('type: REST', 'type: gRPC'), '6:11 endpoint-type', /`GRPC`/],
    ['long displayName', (t: string) => t + `    displayName: ${'D'.repeat(51)}\n`, '7:18 display-name-length', /shorten/],
    ['null displayName', (t: string) => t + '    displayName:\n', '7:5 null-value', /null/],
    ['visibility in lower case', (t: string) => t + '    networkVisibilities: [public]\n', '7:27 visibility', /`Public`/],
    ['endpoints as a map', () => 'schemaVersion: 1.2\nendpoints:\n  greeter:\n    type: REST\n', '3:3 type', /- /],
    ['null endpoints', () => 'schemaVersion: 1.2\nendpoints:\n', '2:1 null-value', /\[\]/],
  ])('%s is an error at its value', (_name, edit, spot, hint) => {
    const report = validateText(edit(endpoint('')));

    expect(report.choreoValid).toBe(false);
    expect(spots(report)).toEqual([spot]);
    expect(report.errors[0]?.hint).toMatch(hint);
  });

  it('rejects duplicate endpoint names at the second one', () => {
    const text = endpoint('') + '  - name: greeter\n    service: {port: 9091}\n    type: REST\n';

    expect(spots(validateText(text))).toEqual(['7:11 duplicate-endpoint-name']);
  });

  it.each(['GRPC', 'TCP', 'UDP'])('requires exactly [Project] for %s', (type) => {
    const base = endpoint('').replace('type: REST', `type: ${type}`);

    expect(validateText(base + '    networkVisibilities: [Project]\n').errors).toEqual([]);
    expect(spots(validateText(base + '    networkVisibilities: [Public]\n'))).toEqual(['7:26 project-only-visibility']);
    expect(spots(validateText(base + '    networkVisibilities: [Project, Organization]\n'))).toEqual(['7:26 project-only-visibility']);
    expect(spots(validateText(base))).toEqual(['6:11 project-only-visibility']);
  });

  it('requires the schema file to exist, relative to the component directory', () => {
    const text = endpoint('    schemaFilePath: api/openapi.yaml\n');

    expect(validateText(text, { paths: ['svc/api/openapi.yaml'] }).errors).toEqual([]);
    expect(spots(validateText(text))).toEqual(['7:21 schema-file-missing']);
    expect(validateText(text, { paths: ['svc/api/OpenAPI.yaml'] }).errors[0]?.hint).toContain('svc/api/OpenAPI.yaml');
    expect(validateText(text, { fileChecks: false }).errors).toEqual([]);
  });

  it('resolves schema files like path.join: a leading slash stays inside, `..` may leave the component but not the repository', () => {
    expect(validateText(endpoint('    schemaFilePath: /openapi.yaml\n'), { paths: ['svc/openapi.yaml'] }).errors).toEqual([]);

    const shared = validateText(endpoint('    schemaFilePath: ../shared/openapi.yaml\n'), { paths: ['shared/openapi.yaml'] });
    expect(shared.errors).toEqual([]);
    expect(shared.warnings.map((d) => d.code)).toEqual(['schema-file-outside-component']);

    const escape = validateText(endpoint('    schemaFilePath: ../../etc/passwd\n'));
    expect(spots(escape)).toEqual(['7:21 path-traversal']);
  });
});

describe('component.yaml: dependencies', () => {
  const refs = (entries: string, version = '1.2') => `schemaVersion: ${version}\ndependencies:\n  connectionReferences:\n${entries}`;

  it('accepts the reference forms of §5.2', () => {
    const report = validateText(refs([
      '    - {name: hr connection, resourceRef: "service:/hr/employees/v1/ad088/PUBLIC"}',
      '    - {name: reports-db, resourceRef: "database:reports-db"}',
      '    - {name: stripe, resourceRef: "thirdparty:Stripe API/v1"}',
      '    - {name: bucket, resourceRef: "storage:files"}',
      '    - {name: short form, resourceRef: employees/v1}',
    ].join('\n') + '\n'));

    expect(report.errors).toEqual([]);
  });

  it.each([
    ['service:test3007/hr-emp-service/v1/ad088/PUBLIC', /leading slash/],
    ['service:/hr/emp/v1/ad088/PUBLIC1', /PUBLIC, PROJECT or ORGANIZATION/],
  ])('rejects resourceRef %s at its value', (ref, hint) => {
    const report = validateText(refs(`    - name: hr\n      resourceRef: ${ref}\n`).replace('name: hr', 'name: hr-conn'));

    expect(spots(report)).toEqual(['5:20 resource-ref']);
    expect(report.errors[0]?.hint).toMatch(hint);
  });

  it.each(['ab', 'config#test#conn', 'name-v1.1.', 'two  spaces', 'a'.repeat(51)])('rejects connection name %j', (name) => {
    const report = validateText(refs(`    - name: "${name}"\n      resourceRef: svc/v1\n`));

    expect(spots(report)).toEqual(['4:13 connection-name-pattern']);
  });

  it('ignores connectionReferences in 1.0 files, with a warning', () => {
    const report = validateText(refs('    - {name: x, resourceRef: "!!"}\n', '1.0'));

    expect(report.errors).toEqual([]);
    expect(spots(report, 'warning')).toEqual(['1:16 outdated-source-config', '3:3 ignored-key']);
  });

  it('checks legacy serviceReferences: name grammar, UUID, required env pairs', () => {
    const text = `schemaVersion: 1.0
dependencies:
  serviceReferences:
    - name: choreo:///acme/hr/employees/ad088/v1/PUBLIC
      connectionConfig: 19d2648b-d29c-4452-afdd-1b9311e81412
      env:
        - from: ServiceURL
          to: EMPLOYEE_API_URL
    - name: choreo:///acme/hr/employees/v1/ad088/PUBLIC
      connectionConfig: not-a-uuid
      env:
        - from: ServiceURL
`;

    const report = validateText(text);

    expect(spots(report)).toEqual(['9:13 service-reference-name', '10:25 connection-config-uuid', '12:11 required']);
  });
});

describe('component.yaml: configurations', () => {
  const env = (entries: string, version = '1.2', key = 'configurations') => `schemaVersion: ${version}
dependencies:
  connectionReferences:
    - {name: hr-conn, resourceRef: emp/v1}
${key}:
  env:
${entries}`;

  it('accepts every source, and configuration as an alias', () => {
    const entries = [
      '    - {name: A, value: x}',
      '    - {name: B, valueFrom: {connectionRef: {name: hr-conn, key: ServiceURL}}}',
      '    - {name: C, valueFrom: {configGroupRef: {name: g, key: k}}}',
      '    - {name: D, valueFrom: {configForm: {}}}',
      '    - {name: E, valueFrom: {configForm: {displayName: Password, required: false, type: secret}}}',
    ].join('\n') + '\n';

    expect(validateText(env(entries)).errors).toEqual([]);
    expect(validateText(env(entries, '1.2', 'configuration')).errors).toEqual([]);
  });

  it.each([
    ['no source', '    - name: A\n', '7:7 env-source-required'],
    ['empty value', '    - {name: A, value: ""}\n', '7:7 env-source-required'],
    ['bad name', '    - {name: 1A, value: x}\n', '7:14 env-name-pattern'],
    ['duplicate name', '    - {name: A, value: x}\n    - {name: A, value: y}\n', '8:14 duplicate-env-name'],
    ['non-boolean required', '    - {name: A, valueFrom: {configForm: {required: maybe}}}\n', '7:52 type'],
    ['connectionRef without key', '    - {name: A, valueFrom: {connectionRef: {name: hr-conn}}}\n', '7:29 required'],
  ])('%s', (_name, entries, spot) => {
    expect(spots(validateText(env(entries)))).toEqual([spot]);
  });

  it('accepts configForm only from 1.2', () => {
    const report = validateText(env('    - {name: A, valueFrom: {configForm: {}}}\n', '1.1'));

    expect(spots(report)).toEqual(['7:7 env-source-required']);
    expect(report.errors[0]?.hint).toMatch(/1\.2/);
  });

  it('warns (only) when connectionRef names an undeclared connection or several sources are given', () => {
    const report = validateText(env('    - {name: A, value: x, valueFrom: {connectionRef: {name: nope, key: ServiceURL}}}\n'));

    expect(report.errors).toEqual([]);
    expect(spots(report, 'warning')).toEqual(['7:61 unknown-connection', '7:7 env-multiple-sources']);
  });

  it('ignores configurations in 1.0 files, with a warning', () => {
    const report = validateText('schemaVersion: 1.0\nconfigurations:\n  env:\n    - name: 1-bad\n');

    expect(report.errors).toEqual([]);
    expect(spots(report, 'warning')).toContain('2:1 ignored-key');
  });

  it('reads file entries leniently: problems are warnings', () => {
    const report = validateText(env('    - {name: A, value: x}\n  file:\n    - name: app.yaml\n      type: xml\n'));

    expect(report.errors).toEqual([]);
    expect(spots(report, 'warning')).toEqual(['9:7 config-file-ignored']);
  });
});

describe('component.yaml: unknown keys and proxy', () => {
  it('warns about unknown keys anywhere, with their position and a suggestion', () => {
    const report = validateText(endpoint('    networkVisibilites: [Public]\n    extra: 1\n') + 'dependecies: {}\n');

    expect(report.errors).toEqual([]);
    expect(report.warnings.map((d) => [`${d.line}:${d.column}`, d.code, d.hint])).toEqual([
      ['9:1', 'unknown-key', 'did you mean `dependencies`?'],
      ['7:5', 'unknown-key', 'did you mean `networkVisibilities`?'],
      ['8:5', 'unknown-key', expect.stringContaining('known keys here')],
    ]);
  });

  it('never fails on proxy problems: Choreo does not check proxy', () => {
    const report = validateText('schemaVersion: 1.2\nproxy:\n  type: WEBSUB\n  schemaFilePath: missing.yaml\n');

    expect(report.errors).toEqual([]);
    expect(spots(report, 'warning')).toEqual(['3:9 proxy-type', '4:19 schema-file-missing']);
  });
});

describe('component.yaml: schema file paths as fs.existsSync sees them', () => {
  it('requires a directory when the path ends with a slash, and normalizes `.` and `..` first', () => {
    const text = (p: string) => endpoint(`    schemaFilePath: "${p}"\n`);
    const paths = ['svc/api/openapi.yaml'];

    expect(spots(validateText(text('api/openapi.yaml/'), { paths }))).toEqual(['7:21 schema-file-missing']);
    expect(validateText(text('api/openapi.yaml/.'), { paths }).errors).toEqual([]);
    expect(validateText(text('api/'), { paths }).warnings.map((d) => d.code)).toEqual(['schema-file-is-directory']);
    expect(validateText(text('nowhere/../api/openapi.yaml'), { paths }).errors).toEqual([]);
  });
});

describe('component.yaml: legacy keys inside a 1.x endpoint', () => {
  it('explains that the singular networkVisibility has no effect, with the list to write', () => {
    const report = validateText(endpoint('    networkVisibility: Organization\n'));

    expect(report.errors).toEqual([]);
    expect(report.warnings.map((d) => [d.line, d.column, d.code, d.hint])).toEqual([
      [7, 5, 'ignored-key', 'write the list form instead: `networkVisibilities: [Organization]` (without it the endpoint is Public)'],
    ]);
  });
});
