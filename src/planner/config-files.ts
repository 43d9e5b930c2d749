/**
 * Configuration files (`configurations.file`, component.yaml 1.2) for one environment: each file's
 * form definition (`values[]` of `configForm`s, with `object` properties and `array` items nested),
 * the values pave's `deploy.files.<file>` gives it for every environment, merged with
 * `deploy.env.<environment>.files.<file>` over them, checked against the form, and the file
 * written in its `type` (yaml, json with sorted keys, or toml).
 *
 * Merging is a JSON merge patch (RFC 7396): maps merge key by key, any other value replaces, and
 * `null` removes a value. A form value is required unless it says `required: false` (Choreo's
 * default, applied to properties too). Values of `type: string` may be written as numbers or
 * booleans (they become their text, as in `deploy.vars`); numbers and booleans must be written as
 * such. `type: secret` is refused inside files: a file is a ConfigMap, stored in git in plaintext.
 * Every problem is collected and positioned where it can be fixed: a value at its line in
 * `deploy`, a missing value or a bad definition at the form in `configurations.file`.
 */
import type { ComponentDescriptor, FileConfig } from '../domain/component.js';
import type { Diagnostic } from '../domain/diagnostic.js';
import { FILE_FORMATS, type DesiredFile, type FileFormat } from '../domain/plan.js';
import { prettyCanonicalJson } from '../lib/canonical-json.js';
import { closestMatch } from '../lib/closest-match.js';
import { toToml } from '../lib/to-toml.js';
import { toYaml } from '../lib/to-yaml.js';
import { descriptorProblem } from './problem.js';

type Path = readonly (string | number)[];

/** Nesting deeper than this (definitions or values) is refused: bounded work on hostile input. */
export const MAX_DEPTH = 32;
/** Kubernetes refuses a ConfigMap over 1 MiB; the files of a component share one. */
export const MAX_FILES_BYTES = 1024 * 1024;

const SCALAR_TYPES = ['string', 'number', 'boolean'] as const;
const FIELD_TYPES: readonly string[] = [...SCALAR_TYPES, 'object', 'array'];

/** One form field: a top-level value, an object property or an array's items. */
interface Field {
  readonly type: 'string' | 'number' | 'boolean' | 'object' | 'array';
  readonly required: boolean;
  /** Allowed values (`values:` of a scalar field). */
  readonly allowed?: readonly (string | number | boolean)[];
  readonly properties?: ReadonlyMap<string, Field>;
  readonly items?: Field;
  /** Where the field is defined in the descriptor. */
  readonly at: Path;
  /** Where a missing value is reported: the `values[]` entry or the property that names the field. */
  readonly entryAt: Path;
}

export interface FilesResult {
  readonly files: readonly DesiredFile[];
  readonly problems: readonly Diagnostic[];
}

/** The files of `d` in `environment`, or the problems that keep them from being written. */
export function desiredFiles(d: ComponentDescriptor, environment: string): FilesResult {
  const problems: Diagnostic[] = [];
  const problem = (path: Path, code: string, message: string, hint: string) => problems.push(descriptorProblem(d, path, code, message, hint));
  const base = d.deploy.files ?? {};
  const override = d.deploy.env[environment]?.files ?? {};
  const declared = new Set(d.files.map((f) => f.name));

  for (const [source, given] of [[['deploy', 'files'], base], [['deploy', 'env', environment, 'files'], override]] as const) {
    for (const name of Object.keys(given)) {
      if (declared.has(name)) continue;
      const near = closestMatch(name, declared);
      problem([...source, name], 'unknown-config-file', `${source.join('.')} names "${name}", which is not a file of configurations.file`,
        near ? `did you mean "${near}"?` : declared.size > 0 ? `files: ${[...declared].join(', ')}` : 'declare the file under configurations.file (schemaVersion 1.2) first');
    }
  }

  const files: DesiredFile[] = [];
  d.files.forEach((file, i) => {
    const at: Path = ['configurations', 'file', i];
    const before = problems.length;
    const type = FILE_FORMATS.find((t) => t === file.type);
    if (!type) problem([...at, 'type'], 'config-file-type', `configuration file ${file.name} has type "${file.type}", which pave cannot write`, 'use yaml, json or toml');
    const form = readForm(file, at, problem);
    const baseValues = base[file.name] ?? {};
    const overrideValues = override[file.name] ?? {};
    const merged = mergePatch(mergePatch({}, baseValues), overrideValues) as Record<string, unknown>;
    // Where a merged value was written: the environment's override when it has the path, else the default.
    const locateValue = (path: Path): Path =>
      has(overrideValues, path) ? ['deploy', 'env', environment, 'files', file.name, ...path] : ['deploy', 'files', file.name, ...path];
    const values = checkTable(form, merged, [], { file: file.name, environment, problem, locateValue, formAt: [...at, 'values'] });
    if (problems.length > before || !type) return;
    files.push({ name: file.name, mountPath: file.mountPath, type, values, content: render(type, values) });
  });

  const bytes = files.reduce((n, f) => n + new TextEncoder().encode(f.content).length, 0);
  if (bytes > MAX_FILES_BYTES) {
    problem(['configurations', 'file'], 'config-files-too-large', `the configuration files of ${d.name} are ${bytes} bytes in ${environment}; a ConfigMap holds at most 1 MiB`,
      'keep large data out of configuration files: ship it in the image or fetch it at start');
  }
  return { files: problems.length > 0 ? [] : files, problems };
}

function render(type: FileFormat, values: Record<string, unknown>): string {
  switch (type) {
    case 'yaml': return toYaml(values);
    case 'json': return prettyCanonicalJson(values);
    case 'toml': return toToml(values);
  }
}

type Report = (path: Path, code: string, message: string, hint: string) => void;

// ---------------------------------------------------------------------------------------------
// Form definitions

/** The fields of a file's `values[]`, by name. Bad definitions are reported and left out. */
function readForm(file: FileConfig, at: Path, problem: Report): Map<string, Field> {
  const fields = new Map<string, Field>();
  const list = Array.isArray(file.values) ? file.values : [];
  list.forEach((entry: unknown, j) => {
    const here = [...at, 'values', j];
    if (!isMap(entry) || typeof entry.name !== 'string' || entry.name === '') {
      problem(here, 'config-file-form', `value ${j + 1} of configuration file ${file.name} has no name`, 'write it as `- name: …` with `valueFrom: {configForm: {…}}`');
      return;
    }
    const form = isMap(entry.valueFrom) && isMap(entry.valueFrom.configForm) ? entry.valueFrom.configForm : undefined;
    if (!form) {
      problem(here, 'config-file-form', `value ${entry.name} of configuration file ${file.name} has no valueFrom.configForm`,
        'files take their values from forms only: `valueFrom: {configForm: {type: string}}`');
      return;
    }
    if (fields.has(entry.name)) {
      problem([...here, 'name'], 'config-file-form', `value ${entry.name} of configuration file ${file.name} is defined twice`, 'give each value its own name');
      return;
    }
    const field = readField(form, [...here, 'valueFrom', 'configForm'], here, `${file.name}: ${entry.name}`, problem, 0);
    if (field) fields.set(entry.name, field);
  });
  return fields;
}

/** One definition (`configForm`, a property, or `items`). `what` names it in messages. */
function readField(def: Record<string, unknown>, at: Path, entryAt: Path, what: string, problem: Report, depth: number): Field | undefined {
  if (depth > MAX_DEPTH) {
    problem(at, 'config-file-too-deep', `the form of ${what} nests deeper than ${MAX_DEPTH} levels`, 'flatten the form');
    return undefined;
  }
  const raw = def.type ?? (isMap(def.items) ? 'array' : Array.isArray(def.properties) ? 'object' : 'string');
  const type = String(raw);
  if (type === 'secret') {
    problem([...at, 'type'], 'secret-in-config-file', `${what} is a secret, and files are not the place for secrets`,
      'a configuration file is a ConfigMap, stored in git in plaintext: move the value to configurations.env with `configForm: {type: secret}` and read it from the environment');
    return undefined;
  }
  if (!FIELD_TYPES.includes(type)) {
    const near = closestMatch(type, FIELD_TYPES);
    problem([...at, 'type'], 'config-file-form', `${what} has type "${type}", which a form inside a file cannot have`,
      near ? `did you mean ${near}?` : `use ${FIELD_TYPES.join(', ')}`);
    return undefined;
  }
  const required = def.required === undefined ? true : def.required === true || def.required === 'true';
  const base = { type: type as Field['type'], required, at, entryAt };

  if (type === 'object') {
    if (!Array.isArray(def.properties) || def.properties.length === 0) {
      problem(at, 'config-file-form', `${what} is an object without properties`, 'list them: `properties: [{name: level, type: string}]`');
      return undefined;
    }
    const properties = new Map<string, Field>();
    let ok = true;
    def.properties.forEach((p: unknown, k) => {
      const pat = [...at, 'properties', k];
      if (!isMap(p) || typeof p.name !== 'string' || p.name === '') {
        problem(pat, 'config-file-form', `property ${k + 1} of ${what} has no name`, 'write each property as `{name: …, type: …}`');
        ok = false;
        return;
      }
      if (properties.has(p.name)) {
        problem([...pat, 'name'], 'config-file-form', `property ${p.name} of ${what} is defined twice`, 'give each property its own name');
        ok = false;
        return;
      }
      const field = readField(p, pat, pat, `${what}.${p.name}`, problem, depth + 1);
      if (field) properties.set(p.name, field);
      else ok = false;
    });
    return ok ? { ...base, properties } : undefined;
  }
  if (type === 'array') {
    if (!isMap(def.items)) {
      problem(at, 'config-file-form', `${what} is an array without items`, 'say what each item is: `items: {type: string}` or `items: {type: object, properties: […]}`');
      return undefined;
    }
    const items = readField({ ...def.items, required: true }, [...at, 'items'], [...at, 'items'], `${what}[]`, problem, depth + 1);
    return items ? { ...base, items } : undefined;
  }
  if (def.values !== undefined) {
    if (!Array.isArray(def.values) || def.values.length === 0 || !def.values.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
      problem([...at, 'values'], 'config-file-form', `the allowed values of ${what} must be a non-empty list of texts, numbers or booleans`, 'e.g. `values: [info, debug]`');
      return undefined;
    }
    return { ...base, allowed: def.values as (string | number | boolean)[] };
  }
  return base;
}

// ---------------------------------------------------------------------------------------------
// Values

interface Context {
  readonly file: string;
  readonly environment: string;
  readonly problem: Report;
  /** Descriptor path of a value at `path` inside the file's values. */
  readonly locateValue: (path: Path) => Path;
  /** Descriptor path of the file's `values` list (for values missing at the top). */
  readonly formAt: Path;
}

function checkTable(fields: ReadonlyMap<string, Field>, given: Record<string, unknown>, path: Path, ctx: Context): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(given)) {
    if (fields.has(key)) continue;
    const near = closestMatch(key, fields.keys());
    ctx.problem(ctx.locateValue([...path, key]), 'unknown-config-file-value', `${describe(ctx, [...path, key])} is not in the form of ${ctx.file}`,
      near ? `did you mean "${near}"?` : fields.size > 0 ? `the form has: ${[...fields.keys()].join(', ')}` : 'add it to the form in configurations.file first');
  }
  for (const [name, field] of fields) {
    const value = given[name];
    if (value === undefined) {
      if (field.required) {
        ctx.problem(field.entryAt, 'missing-config-file-value', `required value ${describe(ctx, [...path, name])} has no value in ${ctx.environment}`,
          `set deploy.env.${ctx.environment}.files."${ctx.file}".${[...path, name].join('.')} (or deploy.files."${ctx.file}".… for every environment)`);
      }
      continue;
    }
    const checked = checkValue(field, value, [...path, name], ctx);
    if (checked !== undefined) setOwn(out, name, checked);
  }
  return out;
}

function checkValue(field: Field, value: unknown, path: Path, ctx: Context): unknown {
  const wrong = (expected: string, hint: string) => {
    ctx.problem(ctx.locateValue(path), 'config-file-value-type', `${describe(ctx, path)} must be ${expected}, not ${kindOf(value)}`, hint);
    return undefined;
  };
  if (path.length > MAX_DEPTH) return wrong(`at most ${MAX_DEPTH} levels deep`, 'flatten the value');
  switch (field.type) {
    case 'string': {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return wrong('text', 'write a text, e.g. `"info"`');
      const text = String(value);
      if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)) return wrong('Unicode text', 'remove the lone surrogate escape (`\\ud800`…)');
      return allowed(field, text, path, ctx);
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return wrong('a number', typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? `write it without quotes: ${value.trim()}` : 'write a number, e.g. `30`');
      }
      return allowed(field, value, path, ctx);
    case 'boolean':
      if (typeof value !== 'boolean') return wrong('true or false', typeof value === 'string' ? 'write true or false without quotes' : 'write true or false');
      return allowed(field, value, path, ctx);
    case 'object':
      if (!isMap(value)) return wrong('a map', `write the properties as a map: ${[...field.properties!.keys()].slice(0, 3).map((k) => `${k}: …`).join(', ')}`);
      return checkTable(field.properties!, value, path, ctx);
    case 'array': {
      if (!Array.isArray(value)) return wrong('a list', 'write a list, e.g. `[a, b]` or `- …` lines');
      const items = value.map((item, n) => checkValue(field.items!, item, [...path, n], ctx));
      return items.every((x) => x !== undefined) ? items : undefined;
    }
  }
}

function allowed(field: Field, value: string | number | boolean, path: Path, ctx: Context): unknown {
  if (!field.allowed || field.allowed.some((a) => String(a) === String(value))) return value;
  ctx.problem(ctx.locateValue(path), 'config-file-value-not-allowed', `${describe(ctx, path)} is "${String(value)}", which the form does not allow`,
    `one of: ${field.allowed.map(String).join(', ')}`);
  return undefined;
}

function describe(ctx: Context, path: Path): string {
  return `${ctx.file}: ${path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('')}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isMap(value)) return 'a map';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

// ---------------------------------------------------------------------------------------------
// Merging

/**
 * RFC 7396: maps merge, `null` removes, anything else replaces. `mergePatch({}, v)` is `v` without
 * its map entries that are null (a `null` in the defaults means "no value" too).
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return patch;
  const out: Record<string, unknown> = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setOwn(out, k, mergePatch(Object.hasOwn(out, k) ? out[k] : undefined, v));
  }
  return out;
}

/** `map[key] = value` that stays a data property for any key, `__proto__` included. */
function setOwn(map: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

function has(root: unknown, path: Path): boolean {
  let node = root;
  for (const key of path) {
    if (typeof key === 'number' ? !Array.isArray(node) : !isMap(node)) return false;
    if (!Object.hasOwn(node as object, key)) return false;
    const next = (node as Record<string | number, unknown>)[key];
    node = next;
  }
  return true;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
