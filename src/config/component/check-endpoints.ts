/**
 * `endpoints[]` of component.yaml 1.0–1.2 (identical in every version), with the rules of
 * Choreo's `endpointSchemaV0D2`: name pattern, length and uniqueness, `service.port` 1001–65534,
 * `service.basePath` pattern, the type and visibility enums, "GRPC/TCP/UDP are Project-only"
 * and the schema file's existence.
 */
import { ENDPOINT_TYPES, VISIBILITIES } from '../../domain/component.js';
import type { DocPath } from '../../lib/json-pointer.js';
import { displayPath, type Checker } from './checker.js';
import { checkSchemaFile, type FileContext } from './check-schema-file.js';
import { readList, readMap, readNumber, readString, warnUnknownKeys } from './read-field.js';
import { show } from './yup-coercion.js';

/** Endpoint names in component.yaml: Choreo's pattern (at most 50 characters is checked apart). */
export const ENDPOINT_NAME_PATTERN = /^[a-z][a-z0-9_-]*$/;
/** `service.basePath` and legacy `context`: Choreo's pattern. */
export const BASE_PATH_PATTERN = /^\/[a-zA-Z0-9/\-_]*$/;
const PROJECT_ONLY_TYPES: readonly string[] = ['GRPC', 'TCP', 'UDP'];
const ENDPOINT_KEYS = ['name', 'displayName', 'service', 'type', 'networkVisibilities', 'schemaFilePath'];

/** Check `endpoints` (the raw value at `path`). */
export function checkEndpoints(ck: Checker, path: DocPath, raw: unknown, ctx: FileContext): void {
  const list = readList(ck, path, raw);
  if (!list) return;
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    const name = checkEndpoint(ck, [...path, i], item, ctx);
    if (name === undefined) return;
    const first = seen.get(name);
    if (first !== undefined) {
      ck.error([...path, i, 'name'], 'duplicate-endpoint-name', `endpoint name "${name}" is used twice (also ${displayPath([...path, first])})`,
        'endpoint names must be unique within the file; rename one of them');
    } else seen.set(name, i);
  });
}

function checkEndpoint(ck: Checker, path: DocPath, raw: unknown, ctx: FileContext): string | undefined {
  const ep = readMap(ck, path, raw);
  if (!ep) return undefined;
  warnUnknownKeys(ck, path, ep, ENDPOINT_KEYS, {
    networkVisibility: {
      message: `${displayPath([...path, 'networkVisibility'])} (singular) is ignored in component.yaml`,
      hint: ep.networkVisibilities === undefined && typeof ep.networkVisibility === 'string'
        ? `write the list form instead: \`networkVisibilities: [${ep.networkVisibility}]\` (without it the endpoint is Public)`
        : 'delete it; `networkVisibilities` (the list) is the key Choreo reads',
    },
    context: { message: `${displayPath([...path, 'context'])} is ignored in component.yaml`, hint: 'the API context is `service.basePath` here' },
    port: { message: `${displayPath([...path, 'port'])} is ignored in component.yaml`, hint: 'the port is `service.port` here' },
  });

  const name = readString(ck, [...path, 'name'], ep.name, { required: true, requiredHint: 'give the endpoint a name such as `greeter`' });
  if (name !== undefined) {
    if (name.length > 50) {
      ck.error([...path, 'name'], 'endpoint-name-length', `${displayPath([...path, 'name'])} is ${name.length} characters long; at most 50 are allowed`,
        'shorten the name; it becomes part of the endpoint URL');
    }
    if (!ENDPOINT_NAME_PATTERN.test(name)) {
      const suggestion = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z]+/, '');
      ck.error([...path, 'name'], 'endpoint-name-pattern', `${displayPath([...path, 'name'])} "${name}" must start with a lowercase letter and hold only lowercase letters, digits, \`_\` and \`-\``,
        suggestion ? `e.g. \`${suggestion}\`` : 'e.g. `greeter`');
    }
  }

  const displayName = readString(ck, [...path, 'displayName'], ep.displayName);
  if (displayName !== undefined && displayName.length > 50) {
    ck.error([...path, 'displayName'], 'display-name-length', `${displayPath([...path, 'displayName'])} is ${displayName.length} characters long; at most 50 are allowed`,
      'shorten the display name');
  }

  checkService(ck, [...path, 'service'], ep.service);

  const type = readString(ck, [...path, 'type'], ep.type, { required: true, requiredHint: `add \`type:\` with one of ${ENDPOINT_TYPES.join(', ')}` });
  if (type !== undefined) checkEndpointType(ck, [...path, 'type'], type);

  checkVisibilities(ck, [...path, 'networkVisibilities'], ep.networkVisibilities, type);

  const schemaFilePath = readString(ck, [...path, 'schemaFilePath'], ep.schemaFilePath);
  if (schemaFilePath) checkSchemaFile(ck, [...path, 'schemaFilePath'], schemaFilePath, ctx);
  return name;
}

function checkService(ck: Checker, path: DocPath, raw: unknown): void {
  // Choreo's serviceSchema is `.required()`; an absent map still fails on its required port.
  if (raw === null) {
    ck.error(path, 'required', `${displayPath(path)} is empty (null)`, 'add `port:` (and optionally `basePath:`) under `service:`');
    return;
  }
  const service = raw === undefined ? {} : readMap(ck, path, raw);
  if (!service) return;
  if (raw !== undefined) warnUnknownKeys(ck, path, service, ['basePath', 'port']);
  const basePath = readString(ck, [...path, 'basePath'], service.basePath);
  if (basePath !== undefined) checkBasePath(ck, [...path, 'basePath'], basePath);
  const port = readNumber(ck, [...path, 'port'], service.port, {
    required: true,
    requiredHint: raw === undefined ? 'add `service:` with `port:` (e.g. 8080) to the endpoint' : 'add `port:` with the port your service listens on, e.g. 8080',
  });
  if (port !== undefined) checkPort(ck, [...path, 'port'], port);
}

/** 1001–65534: Choreo's `moreThan(1000).lessThan(65535)`. */
export function checkPort(ck: Checker, path: DocPath, port: number): void {
  if (port > 1000 && port < 65535) return;
  const hint = port <= 1000
    ? `ports must be 1001–65534; ${port} is ${port >= 1 ? 'privileged' : 'not a port'} inside Choreo — listen on e.g. 8080 instead`
    : 'ports must be 1001–65534; 65535 and above are out of range';
  ck.error(path, 'port-range', `${displayPath(path)} is ${port}; it must be between 1001 and 65534`, hint);
}

/** `^/[a-zA-Z0-9/_-]*$`: starts with `/`, no dots, no braces. */
export function checkBasePath(ck: Checker, path: DocPath, value: string): void {
  if (BASE_PATH_PATTERN.test(value)) return;
  const fixed = ('/' + value.replace(/^\/+/, '')).replace(/[^a-zA-Z0-9/_-]/g, '-');
  ck.error(path, 'base-path-pattern', `${displayPath(path)} "${value}" must start with \`/\` and hold only letters, digits, \`/\`, \`_\` and \`-\``,
    value.startsWith('/') ? `remove dots, braces and other characters, e.g. \`${fixed}\`` : `start it with a slash, e.g. \`${fixed}\``);
}

/** The exact-case type enum. */
export function checkEndpointType(ck: Checker, path: DocPath, type: string): void {
  if ((ENDPOINT_TYPES as readonly string[]).includes(type)) return;
  const fold = ENDPOINT_TYPES.find((t) => t.toLowerCase() === type.toLowerCase() || (type.toLowerCase() === 'websocket' && t === 'WS'));
  ck.error(path, 'endpoint-type', `${displayPath(path)} "${type}" is not an endpoint type`,
    fold ? `write \`${fold}\` exactly (types are case-sensitive)` : `use one of ${ENDPOINT_TYPES.join(', ')}`);
}

function checkVisibilities(ck: Checker, path: DocPath, raw: unknown, type: string | undefined): void {
  const list = readList(ck, path, raw);
  if (list === undefined && raw !== undefined) return; // a type error already stops yup's custom test
  list?.forEach((item, i) => {
    const value = readString(ck, [...path, i], item);
    if (value !== undefined && !(VISIBILITIES as readonly string[]).includes(value)) {
      const fold = VISIBILITIES.find((v) => v.toLowerCase() === value.toLowerCase());
      ck.error([...path, i], 'visibility', `${displayPath([...path, i])} ${show(value)} is not a network visibility`,
        fold ? `write \`${fold}\` exactly (visibilities are case-sensitive)` : `use ${VISIBILITIES.join(', ')}`);
    }
  });
  if (type !== undefined && PROJECT_ONLY_TYPES.includes(type)) {
    const projectOnly = list?.length === 1 && list[0] === 'Project';
    if (!projectOnly) {
      ck.error(raw === undefined ? [...path.slice(0, -1), 'type'] : path, 'project-only-visibility',
        raw === undefined
          ? `${displayPath(path.slice(0, -1))} is a ${type} endpoint without networkVisibilities; ${type} endpoints must declare exactly [Project]`
          : `${displayPath(path)} must be exactly [Project] for a ${type} endpoint`,
        `add \`networkVisibilities: [Project]\`; Choreo exposes ${type} endpoints only inside the project`);
    }
  }
}
