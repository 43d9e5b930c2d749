/**
 * pave's own top-level keys in component.yaml (`component`, `build`, `resources`, `deploy`):
 * checked with `schemas/component-extensions.schema.json` plus the rules a schema cannot say
 * (build context inside the component, unique resource names), and read into the descriptor's
 * pave part with defaults. Choreo ignores these keys, so their errors are pave's own: they make
 * the file unusable for pave but do not change Choreo's verdict.
 */
import {
  COMPONENT_TYPES, type BuildSpec, type ComponentType, type ContainerResources, type DatabaseEngine, type DeployOverride,
  type DeploySpec, type ResourceSpec,
} from '../../domain/component.js';
import type { Diagnostic } from '../../domain/diagnostic.js';
import { isWithin, joinRepoPath } from '../../lib/posix-path.js';
import { createSchemaValidator, type SchemaValidator } from '../schema/schema-validator.js';
import type { YamlDocument } from '../yaml/parse-yaml.js';
import { displayPath, type Checker } from './checker.js';
import {
  COMPONENT_NAME_PATTERN, componentExtensionsSchema, ENV_VAR_PATTERN, ENVIRONMENT_PATTERN, IMAGE_PATTERN, PINNED_IMAGE_PATTERN,
} from './component-extensions-schema.js';
import { isPlainMap } from './yup-coercion.js';

/** The top-level keys pave adds to component.yaml. */
export const PAVE_EXTENSION_KEYS = ['component', 'build', 'resources', 'deploy'] as const;

let validator: SchemaValidator | undefined;

function extensionsValidator(): SchemaValidator {
  // Compiled once per process: ajv compilation is the expensive part.
  validator ??= createSchemaValidator(componentExtensionsSchema, {
    severityFor: (e) => (e.keyword === 'additionalProperties' ? 'warning' : 'error'),
  });
  return validator;
}

/** Check pave's keys of a component.yaml whose value is `map`; `root` is the component directory. */
export function checkPaveExtensions(ck: Checker, doc: YamlDocument, map: Record<string, unknown>, root: string): void {
  if (!PAVE_EXTENSION_KEYS.some((k) => k in map)) return;
  const subset: Record<string, unknown> = {};
  for (const k of PAVE_EXTENSION_KEYS) if (k in map) subset[k] = map[k];
  ck.addPave(extensionsValidator().validate(doc, subset).filter((d) => !isPropertyNameError(d)).map(withHint));
  checkPropertyNames(ck, map.deploy);
  checkImagesPinned(ck, map.deploy);

  const build = map.build;
  if (isPlainMap(build) && typeof build.context === 'string' && build.context !== '') {
    const context = build.context;
    const resolved = joinRepoPath(root, context);
    if (/^([/\\]|[a-zA-Z]:[/\\])/.test(context) || resolved === null || !isWithin(root, resolved)) {
      ck.paveError(['build', 'context'], 'build-context-outside', `build.context "${context}" points outside the component directory${root ? ` ${root}/` : ''}`,
        'give a path relative to the component directory that stays inside it, e.g. `.` or `app`');
    }
  }

  const resources = map.resources;
  if (Array.isArray(resources)) {
    const seen = new Map<string, number>();
    resources.forEach((r, i) => {
      if (!isPlainMap(r) || typeof r.name !== 'string') return;
      const first = seen.get(r.name);
      if (first === undefined) seen.set(r.name, i);
      else {
        ck.paveError(['resources', i, 'name'], 'duplicate-resource-name', `resource name "${r.name}" is used twice (also ${displayPath(['resources', first])})`,
          'each database of a component needs its own name');
      }
    });
  }
}

// ajv reports a bad map key (propertyNames) at the map, twice, without naming the key: pave
// reports those keys itself, at the key.
const NAMED_MAPS = /^\/deploy(\/env\/[^/]+)?\/vars$|^\/deploy\/env$/;

function isPropertyNameError(d: Diagnostic): boolean {
  return d.code === 'schema-propertyNames' || (d.code === 'schema-pattern' && NAMED_MAPS.test(d.path));
}

function checkPropertyNames(ck: Checker, deploy: unknown): void {
  if (!isPlainMap(deploy)) return;
  const vars = (path: (string | number)[], value: unknown): void => {
    if (!isPlainMap(value)) return;
    for (const name of Object.keys(value)) {
      if (!ENV_VAR_NAME.test(name)) {
        ck.paveError([...path, name], 'var-name', `variable name "${name}" in ${displayPath(path)} is not a valid environment variable name`,
          `use letters, digits and \`_\`, not starting with a digit, e.g. \`${name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_')}\``, 'key');
      }
    }
  };
  vars(['deploy', 'vars'], deploy.vars);
  if (!isPlainMap(deploy.env)) return;
  for (const [name, value] of Object.entries(deploy.env)) {
    if (!ENVIRONMENT_NAME.test(name)) {
      ck.paveError(['deploy', 'env', name], 'environment-name', `"${name}" in deploy.env is not a valid environment name`,
        `environment names are lowercase letters, digits and \`-\`, as in the platform repository, e.g. \`${name.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}\``, 'key');
    }
    if (isPlainMap(value)) vars(['deploy', 'env', name, 'vars'], value.vars);
  }
}

/** A valid `deploy.image` that is not pinned by digest runs whatever its tag points at today: warn. */
function checkImagesPinned(ck: Checker, deploy: unknown): void {
  if (!isPlainMap(deploy)) return;
  const check = (path: (string | number)[], image: unknown): void => {
    if (typeof image !== 'string' || !IMAGE.test(image) || PINNED_IMAGE.test(image)) return;
    ck.warn(path, 'image-not-pinned', `${displayPath(path)} "${image}" is not pinned by digest: the image behind a tag can change without a commit`,
      `write it as name@sha256:<digest> (e.g. \`${image.replace(/:[^/:@]*$/, '')}@sha256:…\`); \`docker buildx imagetools inspect ${image}\` shows the digest`);
  };
  check(['deploy', 'image'], deploy.image);
  if (!isPlainMap(deploy.env)) return;
  for (const [name, value] of Object.entries(deploy.env)) if (isPlainMap(value)) check(['deploy', 'env', name, 'image'], value.image);
}

const IMAGE = new RegExp(IMAGE_PATTERN);
const PINNED_IMAGE = new RegExp(PINNED_IMAGE_PATTERN);
const ENV_VAR_NAME = new RegExp(ENV_VAR_PATTERN);
const ENVIRONMENT_NAME = new RegExp(ENVIRONMENT_PATTERN);

const HINTS: readonly (readonly [RegExp, string])[] = [
  [/^\/component\/name$/, 'lowercase letters, digits and `-`, starting with a letter, at most 63 characters, e.g. `reports-api`'],
  [/^\/component\/type$/, `one of ${COMPONENT_TYPES.join(', ')}`],
  [/^\/build$/, 'add `preset:` with a build preset of the platform repository, e.g. `preset: nodejs`'],
  [/^\/build\/preset$/, 'a preset name from the platform repository\'s build-presets/, e.g. `nodejs`'],
  [/^\/build\/context$/, 'a directory relative to the component, e.g. `.`'],
  [/^\/resources(\/\d+)?$/, 'each resource is `{name, type, plan}`, e.g. `- {name: reports-db, type: postgresql, plan: small}`'],
  [/^\/resources\/\d+\/name$/, 'lowercase letters, digits and `-`, starting with a letter, e.g. `reports-db`'],
  [/^\/resources\/\d+\/type$/, 'postgresql, mysql or cache'],
  [/^\/resources\/\d+\/plan$/, 'a plan name from the platform repository\'s databases/, e.g. `small`'],
  [/\/replicas$/, 'a whole number of instances, e.g. `2`'],
  [/\/cpu$/, 'millicores such as `250m`, or cores such as `0.5`'],
  [/\/memory$/, 'a quantity such as `256Mi` or `1Gi`'],
  [/\/image$/, 'an image reference pinned by digest, e.g. `registry.example.com/team/app@sha256:<64 hex>`'],
  [/\/schedule$/, 'five cron fields, e.g. `0 3 * * *`, or a macro such as `@daily`'],
  [/\/files$/, 'map each file name of configurations.file to its values, e.g. `files: {"application.yaml": {logging: {level: info}}}`'],
  [/\/files\/[^/]+$/, 'the values of one configuration file: a map of its form\'s value names to values, e.g. `{logging: {level: info}}`'],
  [/\/vars(\/.*)?$/, 'variable names use letters, digits and `_`; values are text, numbers or booleans'],
  [/^\/deploy\/env(\/[^/]*)?$/, 'keys are environment names from the platform repository, e.g. `production: {replicas: 3}`'],
];

function withHint(d: Diagnostic): Diagnostic {
  if (d.hint) return d;
  const hint = HINTS.find(([re]) => re.test(d.path))?.[1] ?? 'see the descriptions in schemas/component-extensions.schema.json';
  return { ...d, hint };
}

/** pave's part of a descriptor, with defaults applied. */
export interface PaveExtensions {
  readonly name: string;
  readonly type: ComponentType;
  readonly build?: BuildSpec;
  readonly resources: readonly ResourceSpec[];
  readonly deploy: DeploySpec;
}

/**
 * Read pave's keys from a file that passed {@link checkPaveExtensions}. `defaultName` is used when
 * `component.name` is absent.
 */
export function readPaveExtensions(map: Record<string, unknown>, defaultName: string): PaveExtensions {
  const component = isPlainMap(map.component) ? map.component : {};
  const build = isPlainMap(map.build) ? map.build : undefined;
  const deploy = isPlainMap(map.deploy) ? map.deploy : {};
  const env: Record<string, DeployOverride> = {};
  if (isPlainMap(deploy.env)) {
    for (const [name, value] of Object.entries(deploy.env)) env[name] = readOverride(isPlainMap(value) ? value : {});
  }
  return {
    name: typeof component.name === 'string' ? component.name : defaultName,
    type: typeof component.type === 'string' ? (component.type as ComponentType) : 'service',
    ...(build && typeof build.preset === 'string'
      ? { build: { preset: build.preset, context: typeof build.context === 'string' ? normalizeContext(build.context) : '.' } }
      : {}),
    resources: Array.isArray(map.resources)
      ? map.resources.filter(isPlainMap).map((r) => ({ name: String(r.name), type: String(r.type) as DatabaseEngine, plan: String(r.plan) }))
      : [],
    deploy: { ...readOverride(deploy), env },
  };
}

function readOverride(map: Record<string, unknown>): DeployOverride {
  const out: {
    image?: string; replicas?: number; resources?: ContainerResources; schedule?: string; vars?: Record<string, string>;
    files?: Record<string, Record<string, unknown>>;
  } = {};
  if (typeof map.image === 'string') out.image = map.image;
  if (typeof map.replicas === 'number') out.replicas = map.replicas;
  if (isPlainMap(map.resources)) {
    const r = map.resources;
    out.resources = {
      ...(r.cpu !== undefined ? { cpu: String(r.cpu) } : {}),
      ...(typeof r.memory === 'string' ? { memory: r.memory } : {}),
    };
  }
  if (typeof map.schedule === 'string') out.schedule = map.schedule;
  if (isPlainMap(map.vars)) out.vars = Object.fromEntries(Object.entries(map.vars).map(([k, v]) => [k, String(v)]));
  // Values as written: the planner checks them against each file's form.
  if (isPlainMap(map.files)) out.files = Object.fromEntries(Object.entries(map.files).filter((e): e is [string, Record<string, unknown>] => isPlainMap(e[1])));
  return out;
}

function normalizeContext(context: string): string {
  return joinRepoPath('', context) || '.';
}

/**
 * The default component name: the directory's last segment, or the repository's name for a
 * component at the repository root, turned into a valid name when it is not one.
 */
export function defaultComponentName(root: string, repoName: string): string {
  const raw = root === '' ? repoName.slice(repoName.lastIndexOf('/') + 1) : root.slice(root.lastIndexOf('/') + 1);
  if (new RegExp(COMPONENT_NAME_PATTERN).test(raw)) return raw;
  const cleaned = raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 63).replace(/-+$/, '');
  return cleaned || 'component';
}
