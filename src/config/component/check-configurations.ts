/**
 * `configurations` (and its alias `configuration`) of component.yaml 1.1+: `env[]` with Choreo's
 * `envVariableSchemaV0D1` (1.1) or `V0D2` (1.2) rules — name pattern and uniqueness, at least one
 * source among `value`, `valueFrom.connectionRef`, `valueFrom.configGroupRef` and (1.2 only)
 * `valueFrom.configForm`. `file[]` (1.2) is not checked by Choreo's validator: pave reads it
 * leniently and only warns.
 */
import type { DocPath } from '../../lib/json-pointer.js';
import { displayPath, type Checker } from './checker.js';
import { readBoolean, readList, readMap, readString, warnUnknownKeys } from './read-field.js';
import { castString, isPlainMap } from './yup-coercion.js';

/** `configurations.env[].name`: Choreo's pattern. */
export const ENV_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FORM_TYPES: readonly string[] = ['string', 'number', 'boolean', 'secret'];
const FILE_TYPES: readonly string[] = ['yaml', 'json', 'toml'];

/** Check one `configurations`/`configuration` map. `connections` are the declared connectionReferences names. */
export function checkConfigurations(ck: Checker, path: DocPath, raw: unknown, version: 1.1 | 1.2, connections: ReadonlySet<string>): void {
  if (raw === undefined) return;
  const config = readMap(ck, path, raw);
  if (!config) return;
  if (version === 1.2) {
    warnUnknownKeys(ck, path, config, ['env', 'file']);
    checkFiles(ck, [...path, 'file'], config.file);
  } else {
    warnUnknownKeys(ck, path, config, ['env'], {
      file: { message: `${displayPath([...path, 'file'])} is ignored with schemaVersion 1.1`, hint: 'set `schemaVersion: 1.2` to mount configuration files' },
    });
  }
  const list = readList(ck, [...path, 'env'], config.env);
  const seen = new Map<string, number>();
  list?.forEach((item, i) => {
    const name = checkEnv(ck, [...path, 'env', i], item, version, connections);
    if (name === undefined) return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else {
      ck.error([...path, 'env', i, 'name'], 'duplicate-env-name', `environment variable ${name} is defined twice (also ${displayPath([...path, 'env', first])})`,
        'environment variable names must be unique; remove or rename one');
    }
  });
}

function checkEnv(ck: Checker, path: DocPath, raw: unknown, version: 1.1 | 1.2, connections: ReadonlySet<string>): string | undefined {
  const env = readMap(ck, path, raw);
  if (!env) return undefined;
  warnUnknownKeys(ck, path, env, ['name', 'value', 'valueFrom']);
  const name = readString(ck, [...path, 'name'], env.name, { required: true, requiredHint: 'add `name:` with the variable name, e.g. `DB_URL`' });
  if (name !== undefined && !ENV_NAME_PATTERN.test(name)) {
    ck.error([...path, 'name'], 'env-name-pattern', `${displayPath([...path, 'name'])} "${name}" is not a valid environment variable name`,
      `start with a letter or \`_\` and use only letters, digits and \`_\`, e.g. \`${name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^(?=[0-9])/, '_')}\``);
  }
  const value = readString(ck, [...path, 'value'], env.value);

  const sources: string[] = [];
  if (value) sources.push('value');
  else if (env.value !== undefined && env.value !== null && !isStringish(env.value)) sources.push('value'); // yup sees a truthy value of the wrong type
  const valueFrom = env.valueFrom === undefined ? undefined : readMap(ck, [...path, 'valueFrom'], env.valueFrom);
  if (valueFrom) {
    const fromPath = [...path, 'valueFrom'];
    const known = version === 1.2 ? ['connectionRef', 'configGroupRef', 'configForm'] : ['connectionRef', 'configGroupRef'];
    warnUnknownKeys(ck, fromPath, valueFrom, known, version === 1.2 ? {} : {
      configForm: { message: `${displayPath([...fromPath, 'configForm'])} needs schemaVersion 1.2`, hint: 'set `schemaVersion: 1.2` to use configuration forms' },
    });
    const connectionRef = checkKeyRef(ck, [...fromPath, 'connectionRef'], valueFrom.connectionRef, 'connection');
    if (connectionRef) {
      sources.push('connectionRef');
      if (connectionRef.name !== undefined && !connections.has(connectionRef.name.trim())) {
        ck.warn([...fromPath, 'connectionRef', 'name'], 'unknown-connection',
          `${displayPath([...fromPath, 'connectionRef', 'name'])} "${connectionRef.name}" is not declared in dependencies.connectionReferences`,
          connections.size > 0 ? `declared connections: ${[...connections].join(', ')}` : 'declare the connection under dependencies.connectionReferences');
      }
    }
    if (checkKeyRef(ck, [...fromPath, 'configGroupRef'], valueFrom.configGroupRef, 'configuration group')) sources.push('configGroupRef');
    if (version === 1.2 && checkConfigForm(ck, [...fromPath, 'configForm'], valueFrom.configForm)) sources.push('configForm');
  }
  if (sources.length === 0) {
    const hasForm = valueFrom !== undefined && valueFrom.configForm !== undefined && valueFrom.configForm !== null;
    ck.error(path, 'env-source-required',
      `${displayPath(path)}${name ? ` (${name})` : ''} has no value: one of value, valueFrom.connectionRef, valueFrom.configGroupRef${version === 1.2 ? ' or valueFrom.configForm' : ''} must be provided`,
      hasForm && version === 1.1
        ? 'configForm needs `schemaVersion: 1.2`; raise the version or give a `value`'
        : 'add `value: ...`, or `valueFrom:` with `connectionRef: {name, key}`, `configGroupRef: {name, key}` or `configForm: {}`');
  } else if (sources.length > 1) {
    ck.warn(path, 'env-multiple-sources', `${displayPath(path)}${name ? ` (${name})` : ''} has ${sources.length} sources (${sources.join(', ')}); pave uses ${sources[0]}`,
      'keep exactly one of value, connectionRef, configGroupRef or configForm');
  }
  return name;
}

function isStringish(raw: unknown): boolean {
  return castString(raw).kind === 'ok';
}

/** `{name, key}`, both required; null or absent means "not this source". Returns the map when present. */
function checkKeyRef(ck: Checker, path: DocPath, raw: unknown, what: string): { name?: string } | undefined {
  if (raw === undefined || raw === null) return undefined;
  const ref = readMap(ck, path, raw);
  if (!ref) return { };
  warnUnknownKeys(ck, path, ref, ['name', 'key']);
  const name = readString(ck, [...path, 'name'], ref.name, { required: true, requiredHint: `add \`name:\` with the ${what}'s name` });
  readString(ck, [...path, 'key'], ref.key, { required: true, requiredHint: what === 'connection' ? 'add `key:`, e.g. ServiceURL' : 'add `key:` with the key in the group' });
  return name === undefined ? {} : { name };
}

/** 1.2 `configForm`: `{displayName?, required? (boolean), type?}`; `{}` is a valid source. */
function checkConfigForm(ck: Checker, path: DocPath, raw: unknown): boolean {
  if (raw === undefined || raw === null) return false;
  const form = readMap(ck, path, raw);
  if (!form) return true; // a wrong type is reported; yup still counts the value as a source
  warnUnknownKeys(ck, path, form, ['displayName', 'required', 'type']);
  readString(ck, [...path, 'displayName'], form.displayName);
  readBoolean(ck, [...path, 'required'], form.required);
  const type = readString(ck, [...path, 'type'], form.type);
  if (type !== undefined && !FORM_TYPES.includes(type)) {
    ck.warn([...path, 'type'], 'config-form-type', `${displayPath([...path, 'type'])} "${type}" is not a form type Choreo documents`,
      `use ${FORM_TYPES.join(', ')}; Choreo's validator lets it pass, but the console may not render it`);
  }
  return true;
}

/** `file[]` (1.2): not checked by Choreo's validator; pave warns about what it cannot use. */
function checkFiles(ck: Checker, path: DocPath, raw: unknown): void {
  if (raw === undefined) return;
  if (!Array.isArray(raw)) {
    ck.warn(path, 'config-file-ignored', `${displayPath(path)} must be a list; pave ignores it`, 'write each file as a `- name: …` entry');
    return;
  }
  raw.forEach((item, i) => {
    const at = [...path, i];
    if (!isPlainMap(item)) {
      ck.warn(at, 'config-file-ignored', `${displayPath(at)} must be a map with name, mountPath, type and values; pave ignores it`, 'see the configuration form documentation');
      return;
    }
    warnUnknownKeys(ck, at, item, ['name', 'mountPath', 'type', 'values']);
    for (const key of ['name', 'mountPath', 'type'] as const) {
      if (castString(item[key]).kind !== 'ok' || item[key] === '') {
        ck.warn([...at, key], 'config-file-ignored', `${displayPath([...at, key])} is missing or not text; pave ignores this file entry`,
          key === 'mountPath' ? 'give the directory to mount the file in, e.g. `/app/config`' : `add \`${key}:\``, item[key] === undefined ? 'parent' : 'value');
        return;
      }
    }
    const type = String(item.type);
    if (!FILE_TYPES.includes(type)) {
      ck.warn([...at, 'type'], 'config-file-type', `${displayPath([...at, 'type'])} "${type}" is not yaml, json or toml`, 'use yaml, json or toml');
    }
    if (!Array.isArray(item.values) || item.values.length === 0) {
      ck.warn([...at, 'values'], 'config-file-values', `${displayPath([...at, 'values'])} should list at least one value`,
        'add `values:` entries of the form `- name: …, valueFrom: {configForm: {…}}`', item.values === undefined ? 'parent' : 'value');
    }
  });
}
