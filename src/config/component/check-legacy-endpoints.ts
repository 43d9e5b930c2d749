/**
 * Endpoint entries of the deprecated files: `endpoints.yaml` `endpoints[]` and
 * `component-config.yaml` `spec.inbound[]` (Choreo's `endpointSchemaV0D1`). Names are free text,
 * visibility is the singular `networkVisibility`, the API context is `context` (required for
 * REST, GraphQL and WS). Choreo checks neither name uniqueness nor Project-only types here; pave
 * warns about both.
 */
import { VISIBILITIES } from '../../domain/component.js';
import type { DocPath } from '../../lib/json-pointer.js';
import { displayPath, type Checker } from './checker.js';
import { checkBasePath, checkEndpointType, checkPort } from './check-endpoints.js';
import { checkSchemaFile, type FileContext } from './check-schema-file.js';
import { readList, readMap, readNumber, readString, warnUnknownKeys } from './read-field.js';

const CONTEXT_REQUIRED_TYPES: readonly string[] = ['REST', 'GraphQL', 'WS'];
const LEGACY_ENDPOINT_KEYS = ['name', 'port', 'type', 'networkVisibility', 'context', 'schemaFilePath'];

/** Check a legacy endpoint list at `path`; `required` for endpoints.yaml's top-level list. */
export function checkLegacyEndpoints(ck: Checker, path: DocPath, raw: unknown, ctx: FileContext, required: boolean): void {
  const list = readList(ck, path, raw, { required, requiredHint: 'add `endpoints:` with at least one entry, or `endpoints: []`' });
  if (!list) return;
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    const name = checkLegacyEndpoint(ck, [...path, i], item, ctx);
    if (name === undefined) return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else {
      ck.warn([...path, i, 'name'], 'duplicate-endpoint-name', `endpoint name "${name}" is used twice (also ${displayPath([...path, first])})`,
        'Choreo does not check this in legacy files, but the endpoints clash; rename one (component.yaml requires unique names)');
    }
  });
}

function checkLegacyEndpoint(ck: Checker, path: DocPath, raw: unknown, ctx: FileContext): string | undefined {
  const ep = readMap(ck, path, raw);
  if (!ep) return undefined;
  warnUnknownKeys(ck, path, ep, LEGACY_ENDPOINT_KEYS, {
    networkVisibilities: {
      message: `${displayPath([...path, 'networkVisibilities'])} is ignored in this legacy file`,
      hint: 'legacy files take one `networkVisibility: Public`; the list form belongs to component.yaml',
    },
    visibility: {
      message: `${displayPath([...path, 'visibility'])} is the v1alpha1 spelling and is ignored`,
      hint: 'write `networkVisibility:` (Public, Organization or Project)',
    },
  });
  const name = readString(ck, [...path, 'name'], ep.name, { required: true, requiredHint: 'give the endpoint a name' });
  const port = readNumber(ck, [...path, 'port'], ep.port, { required: true, requiredHint: 'add `port:` with the port your service listens on, e.g. 8080' });
  if (port !== undefined) checkPort(ck, [...path, 'port'], port);
  const type = readString(ck, [...path, 'type'], ep.type, { required: true, requiredHint: 'add `type:` (REST, GraphQL, GRPC, TCP, UDP or WS)' });
  if (type !== undefined) checkEndpointType(ck, [...path, 'type'], type);

  const visibility = readString(ck, [...path, 'networkVisibility'], ep.networkVisibility);
  if (visibility !== undefined && !(VISIBILITIES as readonly string[]).includes(visibility)) {
    const fold = VISIBILITIES.find((v) => v.toLowerCase() === visibility.toLowerCase());
    ck.error([...path, 'networkVisibility'], 'visibility', `${displayPath([...path, 'networkVisibility'])} "${visibility}" is not a network visibility`,
      fold ? `write \`${fold}\` exactly (visibilities are case-sensitive)` : `use ${VISIBILITIES.join(', ')}`);
  }

  checkContext(ck, [...path, 'context'], ep.context, type);

  const schemaFilePath = readString(ck, [...path, 'schemaFilePath'], ep.schemaFilePath);
  if (schemaFilePath) checkSchemaFile(ck, [...path, 'schemaFilePath'], schemaFilePath, ctx);
  return name;
}

function checkContext(ck: Checker, path: DocPath, raw: unknown, type: string | undefined): void {
  if (raw === null) {
    readString(ck, path, raw); // reports the null
    return;
  }
  const context = readString(ck, path, raw);
  if (raw !== undefined && context === undefined) return; // wrong type, already reported
  // Choreo's contextRequired reads the *cast* type of the same entry.
  if (!context && type !== undefined && CONTEXT_REQUIRED_TYPES.includes(type)) {
    ck.error(path, 'context-required', `${displayPath(path)} is required for a ${type} endpoint`,
      'add `context: /` or the API base path, e.g. `context: /greeting`', raw === undefined ? 'parent' : 'value');
    return;
  }
  // An empty string is not absent: it fails the pattern whatever the type.
  if (context !== undefined) checkBasePath(ck, path, context);
}
