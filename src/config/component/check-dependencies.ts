/**
 * `dependencies` of component.yaml and `spec.outbound` of component-config.yaml: legacy
 * `serviceReferences` (every version) and `connectionReferences` (1.1+), with Choreo's
 * `serviceReferencesSchema` and `connectionReferencesSchema` rules.
 */
import type { DocPath } from '../../lib/json-pointer.js';
import { displayPath, type Checker } from './checker.js';
import { readList, readMap, readString, warnUnknownKeys } from './read-field.js';
import { parseResourceRef, parseServiceReferenceName } from './resource-ref.js';

/** yup 1.4's `string().uuid()` pattern, which Choreo applies to `connectionConfig`. */
export const UUID_PATTERN = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000)$/i;

/**
 * 3–50 characters once surrounding whitespace is set aside; letters and digits at both ends;
 * `_`, `-`, `.` and space inside, never two in a row (Choreo's regular expression, verbatim).
 */
export const CONNECTION_NAME_PATTERN = /^[\s]*(?!.*[^a-zA-Z0-9][^a-zA-Z0-9])[a-zA-Z0-9][a-zA-Z0-9 _\-.]{1,48}[a-zA-Z0-9][\s]*$/;

/** Check the `dependencies` map of component.yaml; `connectionReferences` only count from 1.1. */
export function checkDependencies(ck: Checker, path: DocPath, raw: unknown, version: 1 | 1.1 | 1.2): void {
  if (raw === undefined) return;
  const deps = readMap(ck, path, raw);
  if (!deps) return;
  if (version === 1) {
    warnUnknownKeys(ck, path, deps, ['serviceReferences'], {
      connectionReferences: {
        message: `${displayPath([...path, 'connectionReferences'])} is ignored with schemaVersion 1.0`,
        hint: 'set `schemaVersion: 1.2` to use connectionReferences (Choreo reads them from 1.1 on)',
      },
    });
  } else {
    warnUnknownKeys(ck, path, deps, ['serviceReferences', 'connectionReferences']);
    checkConnectionReferences(ck, [...path, 'connectionReferences'], deps.connectionReferences);
  }
  checkServiceReferences(ck, [...path, 'serviceReferences'], deps.serviceReferences);
}

/** Legacy `serviceReferences[]`: `{name, connectionConfig (UUID), env[] {from, to}}`, all required. */
export function checkServiceReferences(ck: Checker, path: DocPath, raw: unknown): void {
  const list = readList(ck, path, raw);
  list?.forEach((item, i) => {
    const at = [...path, i];
    const ref = readMap(ck, at, item);
    if (!ref) return;
    warnUnknownKeys(ck, at, ref, ['name', 'connectionConfig', 'env']);
    const name = readString(ck, [...at, 'name'], ref.name, {
      required: true, requiredHint: 'add `name: choreo:///<org>/<project>/<component>/<endpoint-id>/v1/PUBLIC`',
    });
    if (name !== undefined) {
      const parsed = parseServiceReferenceName(name);
      if (!parsed.ok) ck.error([...at, 'name'], 'service-reference-name', `${displayPath([...at, 'name'])}: ${parsed.message}`, parsed.hint);
    }
    const config = readString(ck, [...at, 'connectionConfig'], ref.connectionConfig, {
      required: true, requiredHint: 'add `connectionConfig:` with the connection id (a UUID) shown in the Choreo console',
    });
    if (config !== undefined && !UUID_PATTERN.test(config)) {
      ck.error([...at, 'connectionConfig'], 'connection-config-uuid', `${displayPath([...at, 'connectionConfig'])} "${config}" is not a UUID`,
        'copy the connection id from the Choreo console, e.g. 01ef1a2b-3c4d-1e5f-a6b7-c8d9e0f1a2b3');
    }
    const env = readList(ck, [...at, 'env'], ref.env, {
      required: true, requiredHint: 'add `env:` mapping connection keys to variables, e.g. `- {from: ServiceURL, to: SERVICE_URL}`, or `env: []`',
    });
    env?.forEach((entry, j) => {
      const ep = [...at, 'env', j];
      const pair = readMap(ck, ep, entry);
      if (!pair) return;
      warnUnknownKeys(ck, ep, pair, ['from', 'to']);
      readString(ck, [...ep, 'from'], pair.from, { required: true, requiredHint: 'add `from:` with a connection key such as ServiceURL' });
      readString(ck, [...ep, 'to'], pair.to, { required: true, requiredHint: 'add `to:` with the environment variable name to set' });
    });
  });
}

/** `connectionReferences[]` (1.1+): `{name, resourceRef}`. */
export function checkConnectionReferences(ck: Checker, path: DocPath, raw: unknown): void {
  const list = readList(ck, path, raw);
  const seen = new Map<string, number>();
  list?.forEach((item, i) => {
    const at = [...path, i];
    const ref = readMap(ck, at, item);
    if (!ref) return;
    warnUnknownKeys(ck, at, ref, ['name', 'resourceRef']);
    const name = readString(ck, [...at, 'name'], ref.name, { required: true, requiredHint: 'add `name:` with the connection\'s name in Choreo' });
    if (name !== undefined) {
      if (!CONNECTION_NAME_PATTERN.test(name)) {
        ck.error([...at, 'name'], 'connection-name-pattern', `${displayPath([...at, 'name'])} "${name}" is not a valid connection name`,
          'use 3–50 characters: letters and digits at both ends, and single `_`, `-`, `.` or spaces between them (e.g. `hr-connection`)');
      } else {
        const key = name.trim();
        const first = seen.get(key);
        if (first === undefined) seen.set(key, i);
        else {
          ck.warn([...at, 'name'], 'duplicate-connection-name', `connection name "${key}" is used twice (also ${displayPath([...path, first])})`,
            'both would inject the same CHOREO_<NAME>_* variables; rename one');
        }
      }
    }
    const resourceRef = readString(ck, [...at, 'resourceRef'], ref.resourceRef, {
      required: true, requiredHint: 'add `resourceRef:`, e.g. `service:/<project>/<component>/v1/<endpoint>/PROJECT` or `database:<name>`',
    });
    if (resourceRef !== undefined) {
      const parsed = parseResourceRef(resourceRef);
      if (!parsed.ok) ck.error([...at, 'resourceRef'], 'resource-ref', `${displayPath([...at, 'resourceRef'])}: ${parsed.message}`, parsed.hint);
    }
  });
}
