/**
 * `proxy` of component.yaml (API proxies built from a repository). Choreo's validator does not
 * check this key at all, so nothing here is an error: pave warns about what it cannot use.
 */
import type { DocPath } from '../../lib/json-pointer.js';
import { displayPath, type Checker } from './checker.js';
import { checkSchemaFile, type FileContext } from './check-schema-file.js';
import { warnUnknownKeys } from './read-field.js';
import { castString, isPlainMap } from './yup-coercion.js';

/** API types a proxy may declare (REST: OpenAPI, WS: AsyncAPI, GraphQL: SDL). */
export const PROXY_TYPES: readonly string[] = ['REST', 'WS', 'GraphQL'];
const PROXY_VISIBILITIES: readonly string[] = ['Public', 'Organization'];

/** Warn about a `proxy` value pave cannot use. */
export function checkProxy(ck: Checker, path: DocPath, raw: unknown, ctx: FileContext): void {
  if (raw === undefined) return;
  if (!isPlainMap(raw)) {
    ck.warn(path, 'proxy-ignored', `${displayPath(path)} must be a map with type and schemaFilePath; pave ignores it`,
      'write `proxy: {type: REST, schemaFilePath: openapi.yaml}`');
    return;
  }
  warnUnknownKeys(ck, path, raw, ['type', 'schemaFilePath', 'networkVisibilities', 'thumbnailPath', 'docPath']);
  const type = castString(raw.type);
  if (type.kind !== 'ok') {
    ck.warn([...path, 'type'], 'proxy-type', `${displayPath([...path, 'type'])} is missing; pave ignores the proxy`, `add \`type:\` with ${PROXY_TYPES.join(', ')}`,
      raw.type === undefined ? 'parent' : 'value');
  } else if (!PROXY_TYPES.includes(type.value)) {
    ck.warn([...path, 'type'], 'proxy-type', `${displayPath([...path, 'type'])} "${type.value}" is not a proxy type pave supports`, `use ${PROXY_TYPES.join(', ')}`);
  }
  const schema = castString(raw.schemaFilePath);
  if (schema.kind !== 'ok' || schema.value === '') {
    ck.warn([...path, 'schemaFilePath'], 'proxy-schema', `${displayPath([...path, 'schemaFilePath'])} is missing; pave ignores the proxy`,
      'add `schemaFilePath:` with the API definition, relative to the component directory', raw.schemaFilePath === undefined ? 'parent' : 'value');
  } else {
    checkSchemaFile(ck, [...path, 'schemaFilePath'], schema.value, ctx, false);
  }
  const vis = raw.networkVisibilities;
  if (vis !== undefined) {
    if (!Array.isArray(vis)) {
      ck.warn([...path, 'networkVisibilities'], 'proxy-visibility', `${displayPath([...path, 'networkVisibilities'])} must be a list; pave uses [Public]`, 'write `networkVisibilities: [Public]`');
    } else {
      vis.forEach((v, i) => {
        if (typeof v !== 'string' || !PROXY_VISIBILITIES.includes(v)) {
          ck.warn([...path, 'networkVisibilities', i], 'proxy-visibility', `${displayPath([...path, 'networkVisibilities', i])} must be Public or Organization; pave ignores it`,
            'a proxy is reachable from the organization or the internet; write Public or Organization');
        }
      });
    }
  }
}
