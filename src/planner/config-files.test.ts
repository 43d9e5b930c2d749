import { parse as parseToml } from 'smol-toml';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { readComponent } from '../config/component/index.js';
import type { ComponentDescriptor } from '../domain/component.js';
import type { DesiredFile, EnvironmentPlan } from '../domain/plan.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { aDescriptor, aPlatform, byRepo, located, stateAfter } from '../../test/helpers/builders.js';
import { descriptorTree } from '../../test/helpers/descriptor-tree.js';
import { desiredFiles, mergePatch } from './config-files.js';
import { plan } from './plan.js';

/** A component.yaml 1.2 with `files` (the `configurations.file` list) and `deploy` written as YAML text. */
const texts = new WeakMap<ComponentDescriptor, string>();

function descriptor(files: string, deploy = ''): ComponentDescriptor {
  const text = `schemaVersion: 1.2
component:
  name: rates
${deploy ? `deploy:\n${deploy}` : ''}
endpoints:
  - name: api
    service: { port: 8080 }
    type: REST
configurations:
  file:
${files}`;
  const { descriptor: d, reports } = readComponent(descriptorTree({ '.choreo/component.yaml': text }), '', { repoName: 'acme/exchange-rates', fileChecks: false });
  if (!d) throw new Error(`does not read: ${JSON.stringify(reports[0]?.errors)}`);
  texts.set(d, text);
  return d;
}

const APP_FORM = `    - name: application.yaml
      mountPath: /app/config
      type: yaml
      values:
        - name: logging
          valueFrom:
            configForm:
              type: object
              properties:
                - name: level
                  values: [info, debug]
                - name: json
                  type: boolean
                  required: false
        - name: timeoutSeconds
          valueFrom:
            configForm: { type: number }
        - name: upstreams
          valueFrom:
            configForm:
              type: array
              required: false
              items:
                type: object
                properties:
                  - name: host
                  - name: weight
                    type: number
`;

function only(result: ReturnType<typeof desiredFiles>): DesiredFile {
  expect(result.problems).toEqual([]);
  expect(result.files).toHaveLength(1);
  return result.files[0]!;
}

/** Problems as `code @ <the source text at the problem's line and column>`, for compact assertions. */
function spots(d: ComponentDescriptor, result: ReturnType<typeof desiredFiles>): string[] {
  const lines = texts.get(d)!.split('\n');
  return result.problems.map((p) => `${p.code} @ ${lines[p.line - 1]!.slice(p.column - 1)}`);
}

describe('configuration files', () => {
  it('merges deploy.env.<env>.files over deploy.files, maps deeply and lists whole', () => {
    const d = descriptor(APP_FORM, `  files:
    application.yaml:
      logging: { level: info, json: true }
      timeoutSeconds: 30
      upstreams: [{ host: a.internal, weight: 1 }, { host: b.internal, weight: 2 }]
  env:
    production:
      files:
        application.yaml:
          logging: { level: debug, json: null }
          upstreams: [{ host: c.internal, weight: 3 }]
`);

    const dev = only(desiredFiles(d, 'development'));
    const prod = only(desiredFiles(d, 'production'));

    expect(dev).toMatchObject({ name: 'application.yaml', mountPath: '/app/config', type: 'yaml' });
    expect(dev.values).toEqual({ logging: { level: 'info', json: true }, timeoutSeconds: 30, upstreams: [{ host: 'a.internal', weight: 1 }, { host: 'b.internal', weight: 2 }] });
    expect(prod.values).toEqual({ logging: { level: 'debug' }, timeoutSeconds: 30, upstreams: [{ host: 'c.internal', weight: 3 }] });
    expect(load(prod.content)).toEqual(prod.values);
    expect(prod.content).toBe([
      'logging:',
      '  level: debug',
      'timeoutSeconds: 30',
      'upstreams:',
      '  - host: c.internal',
      '    weight: 3',
      '',
    ].join('\n'));
  });

  it('reports a missing required value at its form, with the key to set', () => {
    const d = descriptor(APP_FORM, `  files:
    application.yaml:
      logging: { level: info }
`);

    const result = desiredFiles(d, 'staging');

    expect(spots(d, result)).toEqual(['missing-config-file-value @ name: timeoutSeconds']);
    expect(result.problems[0]).toMatchObject({
      file: '.choreo/component.yaml',
      message: 'required value application.yaml: timeoutSeconds has no value in staging',
      hint: expect.stringContaining('deploy.env.staging.files."application.yaml".timeoutSeconds'),
    });
    expect(result.files).toEqual([]);
  });

  it('reports a nested missing value at the property that defines it', () => {
    const d = descriptor(APP_FORM, `  files:
    application.yaml:
      logging: { json: false }
      timeoutSeconds: 5
`);

    const result = desiredFiles(d, 'development');

    expect(spots(d, result)).toEqual(['missing-config-file-value @ name: level']);
    expect(result.problems[0]!.message).toBe('required value application.yaml: logging.level has no value in development');
  });

  it('reports wrong types and values the form does not allow where they are written, per environment', () => {
    const d = descriptor(APP_FORM, `  files:
    application.yaml:
      logging: { level: info }
      timeoutSeconds: "30"
  env:
    production:
      files:
        application.yaml:
          logging: { level: verbose, json: "yes" }
          upstreams: [{ host: a, weight: heavy }]
`);

    expect(spots(d, desiredFiles(d, 'development'))).toEqual(['config-file-value-type @ "30"']);
    const prod = desiredFiles(d, 'production');
    expect(spots(d, prod)).toEqual([
      'config-file-value-not-allowed @ verbose, json: "yes" }',
      'config-file-value-type @ "yes" }',
      'config-file-value-type @ "30"',
      'config-file-value-type @ heavy }]',
    ]);
    expect(prod.problems.map((p) => p.message)).toEqual([
      'application.yaml: logging.level is "verbose", which the form does not allow',
      'application.yaml: logging.json must be true or false, not the text "yes"',
      'application.yaml: timeoutSeconds must be a number, not the text "30"',
      'application.yaml: upstreams[0].weight must be a number, not the text "heavy"',
    ]);
    expect(prod.problems[2]!.hint).toBe('write it without quotes: 30');
    expect(prod.problems[0]!.hint).toBe('one of: info, debug');
  });

  it('refuses values the form does not have and files that are not declared, with a suggestion', () => {
    const d = descriptor(APP_FORM, `  files:
    application.yml:
      x: 1
    application.yaml:
      logging: { level: info, levl: 2 }
      timeoutSeconds: 1
`);

    const result = desiredFiles(d, 'development');

    expect(result.problems.map((p) => [p.code, p.hint])).toEqual([
      ['unknown-config-file', 'did you mean "application.yaml"?'],
      ['unknown-config-file-value', 'did you mean "level"?'],
    ]);
    expect(spots(d, result)).toEqual(['unknown-config-file @ x: 1', 'unknown-config-file-value @ 2 }']);
  });

  it('refuses a secret inside a file, at its definition, and says where secrets go', () => {
    const d = descriptor(`    - name: settings.json
      mountPath: /etc/app
      type: json
      values:
        - name: database
          valueFrom:
            configForm:
              type: object
              properties:
                - name: password
                  type: secret
`);

    const result = desiredFiles(d, 'development');

    expect(spots(d, result)).toEqual(['secret-in-config-file @ secret']);
    expect(result.problems[0]!.message).toBe('settings.json: database.password is a secret, and files are not the place for secrets');
    expect(result.problems[0]!.hint).toContain('configurations.env with `configForm: {type: secret}`');
  });

  it('reports bad form definitions: unknown types, objects without properties, arrays without items', () => {
    const d = descriptor(`    - name: app.toml
      mountPath: /etc/app
      type: toml
      values:
        - name: a
          valueFrom: { configForm: { type: strng } }
        - name: b
          valueFrom: { configForm: { type: object } }
        - name: c
          valueFrom: { configForm: { type: array } }
`);

    const result = desiredFiles(d, 'development');

    expect(result.problems.map((p) => [p.code, p.hint])).toEqual([
      ['config-file-form', 'did you mean string?'],
      ['config-file-form', 'list them: `properties: [{name: level, type: string}]`'],
      ['config-file-form', expect.stringContaining('items: {type: string}')],
    ]);
  });

  it('writes json with sorted keys and toml that a TOML parser reads back', () => {
    const form = (name: string, type: string) => `    - name: ${name}
      mountPath: /etc/app
      type: ${type}
      values:
        - name: server
          valueFrom:
            configForm:
              type: object
              properties: [{ name: port, type: number }, { name: host }, { name: tags, type: array, items: { type: string } }]
        - name: title
          valueFrom: { configForm: {} }
        - name: backends
          valueFrom:
            configForm: { type: array, items: { type: object, properties: [{ name: url }, { name: primary, type: boolean }] } }
`;
    const d = descriptor(form('settings.json', 'json') + form('Config.toml', 'toml'), `  files:
    settings.json: &values
      title: "Quote \\" and\\nnewline"
      server: { port: 8080, host: 0.0.0.0, tags: [a, b] }
      backends: [{ url: "https://a", primary: true }, { url: "https://b", primary: false }]
    Config.toml: *values
`);

    const result = desiredFiles(d, 'development');
    expect(result.problems).toEqual([]);
    const [json, toml] = result.files;
    const expected = {
      title: 'Quote " and\nnewline',
      server: { port: 8080, host: '0.0.0.0', tags: ['a', 'b'] },
      backends: [{ url: 'https://a', primary: true }, { url: 'https://b', primary: false }],
    };

    expect(JSON.parse(json!.content)).toEqual(expected);
    expect(json!.content.split('\n').slice(0, 3)).toEqual(['{', '  "backends": [', '    {']);
    expect(Object.keys(JSON.parse(json!.content) as object)).toEqual(['backends', 'server', 'title']);
    expect(parseToml(toml!.content)).toEqual(expected);
    expect(toml!.content).toContain('[server]\nhost = "0.0.0.0"\nport = 8080\ntags = ["a", "b"]\n');
    expect(toml!.content).toContain('[[backends]]\nprimary = true\nurl = "https://a"\n');
  });

  it('passes numbers and booleans given for text as their text, and leaves out optional values', () => {
    const d = descriptor(`    - name: app.yaml
      mountPath: /app
      type: yaml
      values:
        - name: version
          valueFrom: { configForm: { type: string } }
        - name: note
          valueFrom: { configForm: { required: false } }
`, `  files:
    app.yaml: { version: 2 }
`);

    expect(only(desiredFiles(d, 'development')).values).toEqual({ version: '2' });
  });

  it('bounds hostile input: forms nested too deep, and files over the 1 MiB a ConfigMap holds', () => {
    // The YAML reader stops nesting at 64 levels (about 20 form levels); descriptors built in code have no such limit.
    let form: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) form = { type: 'object', properties: [{ name: 'p', ...form }] };
    const deep = aDescriptor('deep', { files: [{ name: 'deep.json', mountPath: '/etc/app', type: 'json', values: [{ name: 'root', valueFrom: { configForm: form } }] }] });
    expect(desiredFiles(deep, 'development').problems.map((p) => p.code)).toEqual(['config-file-too-deep']);

    // A descriptor is at most 1 MiB, but one value can feed several files through a YAML alias.
    const blobFile = (name: string) => `    - name: ${name}
      mountPath: /etc/${name}
      type: yaml
      values:
        - name: blob
          valueFrom: { configForm: {} }
`;
    const big = descriptor(blobFile('a.yaml') + blobFile('b.yaml'), `  files:
    a.yaml: &blob { blob: "${'x'.repeat(600 * 1024)}" }
    b.yaml: *blob
`);
    const result = desiredFiles(big, 'development');
    expect(result.problems.map((p) => p.code)).toEqual(['config-files-too-large']);
    expect(result.files).toEqual([]);
  });

  it('keeps hostile keys as data', () => {
    const merged = mergePatch(mergePatch({}, JSON.parse('{"__proto__": {"polluted": true}, "a": {"b": null, "c": 1}}')), { a: { d: 2 } }) as Record<string, unknown>;

    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged).sort()).toEqual(['__proto__', 'a']);
    expect(merged.a).toEqual({ c: 1, d: 2 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('configuration files in the plan', () => {
  const platform = aPlatform();
  const d = descriptor(APP_FORM, `  files:
    application.yaml:
      logging: { level: info }
      timeoutSeconds: 30
`);
  const first = plan({ platform, known: [located('acme/exchange-rates', d)], current: new Map(), projectOf: byRepo(platform) });

  function dev(p: ReturnType<typeof plan>): Extract<EnvironmentPlan, { status: 'changes' | 'no-changes' }> {
    const e = p.components[0]!.environments.find((x) => x.environment === 'development')!;
    if (e.status === 'invalid') throw new Error(JSON.stringify(e.problems));
    return e;
  }

  it('puts the rendered files into the desired state and creates them', () => {
    const e = dev(first);

    expect(e.desired.files).toEqual([expect.objectContaining({ name: 'application.yaml', content: 'logging:\n  level: info\ntimeoutSeconds: 30\n' })]);
    expect(e.actions).toContainEqual({ op: 'create', resource: 'file', name: 'application.yaml', detail: 'yaml file at /app/config/application.yaml: logging, timeoutSeconds' });
  });

  it('shows a changed value as an update in the plan and changes the config hash', () => {
    const changed = descriptor(APP_FORM, `  files:
    application.yaml:
      logging: { level: debug }
      timeoutSeconds: 30
`);
    const second = plan({ platform, known: [located('acme/exchange-rates', changed)], current: stateAfter(first), projectOf: byRepo(platform) });
    const e = dev(second);

    expect(e.status).toBe('changes');
    expect(e.actions).toEqual([{ op: 'update', resource: 'file', name: 'application.yaml', changes: [{ field: 'values.logging.level', from: 'info', to: 'debug' }] }]);
    expect(e.desired.configHash).not.toBe(dev(first).desired.configHash);
    expect(renderPlanMarkdown(second))
      .toContain('| ✏️ update | file | `application.yaml` | values.logging.level: `info` → `debug` |');
  });

  it('has no changes when the files are as applied, and no files key for a component without files', () => {
    expect(dev(plan({ platform, known: [located('acme/exchange-rates', d)], current: stateAfter(first), projectOf: byRepo(platform) })).status).toBe('no-changes');
    const none = descriptor('    []\n');
    const e = dev(plan({ platform, known: [located('acme/exchange-rates', none)], current: new Map(), projectOf: byRepo(platform) }));
    expect('files' in e.desired).toBe(false);
  });

  it('makes the environment invalid when a value is missing there', () => {
    const p = plan({ platform, known: [located('acme/exchange-rates', descriptor(APP_FORM))], current: new Map(), projectOf: byRepo(platform) });
    const e = p.components[0]!.environments[0]!;

    expect(e.status).toBe('invalid');
    expect(e.status === 'invalid' && e.problems.map((x) => x.code)).toEqual(['missing-config-file-value', 'missing-config-file-value']);
  });
});
