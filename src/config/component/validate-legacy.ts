/**
 * The deprecated descriptor files, with the rules of Choreo's `endpointYamlSchemaV0D1`
 * (`.choreo/endpoints.yaml`) and `componentConfigYamlSchemaV1beta1`
 * (`.choreo/component-config.yaml`, `core.choreo.dev/v1beta1` only). Both still build on Choreo,
 * with an "OUTDATED SOURCE CONFIG" notice that pave repeats as a warning.
 */
import type { DescriptorKind } from '../../domain/component.js';
import type { YamlDocument } from '../yaml/parse-yaml.js';
import { createChecker, type Checker, type CheckResult } from './checker.js';
import { checkServiceReferences } from './check-dependencies.js';
import { checkLegacyEndpoints } from './check-legacy-endpoints.js';
import type { FileContext } from './check-schema-file.js';
import { readMap, readRoot, readString, warnUnknownKeys } from './read-field.js';

/** The only component-config.yaml `apiVersion` Choreo's validator accepts. */
export const COMPONENT_CONFIG_API_VERSION = 'core.choreo.dev/v1beta1';

/** What validating a legacy file found. */
export interface LegacyCheck {
  readonly result: CheckResult;
  /** `version` of endpoints.yaml, `apiVersion` of component-config.yaml. */
  readonly schemaVersion: string | null;
}

/** Validate a parsed `.choreo/endpoints.yaml`. */
export function validateEndpointsYaml(doc: YamlDocument, ctx: FileContext): LegacyCheck {
  const ck = createChecker(doc);
  outdated(ck, 'endpoints.yaml');
  const map = readRoot(ck, doc.value, 'version: 0.1');
  if (!map) return { result: ck.result(), schemaVersion: null };
  warnUnknownKeys(ck, [], map, ['version', 'endpoints']);
  const version = readString(ck, ['version'], map.version, { required: true, requiredHint: 'add `version: 0.1` as the first line' });
  checkLegacyEndpoints(ck, ['endpoints'], map.endpoints, ctx, true);
  return { result: ck.result(), schemaVersion: version ?? null };
}

/** Validate a parsed `.choreo/component-config.yaml`. */
export function validateComponentConfigYaml(doc: YamlDocument, ctx: FileContext): LegacyCheck {
  const ck = createChecker(doc);
  outdated(ck, 'component-config.yaml');
  const map = readRoot(ck, doc.value, `apiVersion: ${COMPONENT_CONFIG_API_VERSION}`);
  if (!map) return { result: ck.result(), schemaVersion: null };
  warnUnknownKeys(ck, [], map, ['apiVersion', 'kind', 'spec'], {
    metadata: { message: 'metadata is ignored (it belongs to the old v1alpha1 format)', hint: 'delete it; the component name and project are set in the console' },
  });
  const apiVersion = readString(ck, ['apiVersion'], map.apiVersion, { required: true, requiredHint: `add \`apiVersion: ${COMPONENT_CONFIG_API_VERSION}\`` });
  if (apiVersion !== undefined && apiVersion !== COMPONENT_CONFIG_API_VERSION) {
    ck.error(['apiVersion'], 'api-version', `apiVersion "${apiVersion}" is not supported; Choreo accepts only ${COMPONENT_CONFIG_API_VERSION}`,
      apiVersion === 'core.choreo.dev/v1alpha1'
        ? 'v1alpha1 came from early Choreo tools; migrate to .choreo/component.yaml with `schemaVersion: 1.2` (inbound → endpoints, visibility → networkVisibilities)'
        : `write \`apiVersion: ${COMPONENT_CONFIG_API_VERSION}\`, or better, migrate to .choreo/component.yaml with \`schemaVersion: 1.2\``);
  }
  const kind = readString(ck, ['kind'], map.kind, { required: true, requiredHint: 'add `kind: ComponentConfig`' });
  if (kind !== undefined && kind !== 'ComponentConfig') {
    ck.error(['kind'], 'kind', `kind "${kind}" must be ComponentConfig`, 'write `kind: ComponentConfig` (case-sensitive)');
  }
  const spec = map.spec === undefined ? undefined : readMap(ck, ['spec'], map.spec);
  if (spec) {
    const ignored = (key: string) => ({ message: `spec.${key} is ignored by Choreo's build`, hint: 'configure this in the Choreo console, or migrate to component.yaml' });
    warnUnknownKeys(ck, ['spec'], spec, ['inbound', 'outbound'], { build: ignored('build'), image: ignored('image'), configurations: ignored('configurations') });
    checkLegacyEndpoints(ck, ['spec', 'inbound'], spec.inbound, ctx, false);
    const outbound = spec.outbound === undefined ? undefined : readMap(ck, ['spec', 'outbound'], spec.outbound);
    if (outbound) {
      warnUnknownKeys(ck, ['spec', 'outbound'], outbound, ['serviceReferences']);
      checkServiceReferences(ck, ['spec', 'outbound', 'serviceReferences'], outbound.serviceReferences);
    }
  }
  return { result: ck.result(), schemaVersion: apiVersion ?? null };
}

function outdated(ck: Checker, kind: DescriptorKind): void {
  ck.warn([], 'outdated-source-config', `OUTDATED SOURCE CONFIG: ${kind} is an outdated source configuration file; the latest is component.yaml v1.2`,
    kind === 'endpoints.yaml'
      ? 'move to .choreo/component.yaml with `schemaVersion: 1.2`: each endpoint\'s port and context go under `service:` as port and basePath, networkVisibility becomes networkVisibilities: [..], and names must be lowercase'
      : 'move to .choreo/component.yaml with `schemaVersion: 1.2`: spec.inbound becomes endpoints (port/context under service:), spec.outbound.serviceReferences becomes dependencies.serviceReferences',
    'value');
}
