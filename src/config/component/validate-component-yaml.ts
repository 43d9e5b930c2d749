/**
 * Rules of Choreo's official validator for `.choreo/component.yaml` (schemaVersion 1.0, 1.1 and
 * 1.2), plus pave's warnings and pave's own keys. Choreo dispatches on `Number(schemaVersion)`
 * and then checks the version's yup schema; keys a version does not know are ignored (pave warns).
 */
import type { YamlDocument } from '../yaml/parse-yaml.js';
import { createChecker, type Checker, type CheckResult } from './checker.js';
import { checkConfigurations } from './check-configurations.js';
import { checkDependencies } from './check-dependencies.js';
import { checkEndpoints } from './check-endpoints.js';
import { checkProxy } from './check-proxy.js';
import type { FileContext } from './check-schema-file.js';
import { checkPaveExtensions, PAVE_EXTENSION_KEYS } from './pave-extensions.js';
import { readRoot, warnUnknownKeys } from './read-field.js';
import { castNumber, castString, isPlainMap, show } from './yup-coercion.js';

/** The schema versions Choreo's validator accepts. */
export type SchemaVersion = 1 | 1.1 | 1.2;
/** The versions Choreo's validator dispatches on, as `Number(schemaVersion)` gives them. */
export const SUPPORTED_SCHEMA_VERSIONS: readonly SchemaVersion[] = [1, 1.1, 1.2];
/** Below this, Choreo prints "OUTDATED SOURCE CONFIG". */
export const LATEST_SCHEMA_VERSION: SchemaVersion = 1.2;

/** What validating a component.yaml found. */
export interface ComponentYamlCheck {
  readonly result: CheckResult;
  /** `1.0`, `1.1`, `1.2`, the value as written when unsupported, or null when absent. */
  readonly schemaVersion: string | null;
  /** The supported version the file declares, if any. */
  readonly version?: SchemaVersion;
}

const CHOREO_KEYS = ['schemaVersion', 'endpoints', 'dependencies', 'configurations', 'configuration', 'proxy'];

/** Validate a parsed component.yaml whose component directory is `ctx.root`. */
export function validateComponentYaml(doc: YamlDocument, ctx: FileContext): ComponentYamlCheck {
  const ck = createChecker(doc);
  const map = readRoot(ck, doc.value, 'schemaVersion: 1.2');
  if (!map) return { result: ck.result(), schemaVersion: null };

  const raw = map.schemaVersion;
  const written = castString(raw);
  const schemaVersion = written.kind === 'ok' ? written.value : raw === undefined || raw === null ? null : show(raw);
  if (raw === undefined) {
    ck.error(['schemaVersion'], 'schema-version-required', 'schemaVersion is required', 'add `schemaVersion: 1.2` as the first line', 'parent');
    return { result: ck.result(), schemaVersion };
  }
  // Choreo selects the schema with Number(...) and then casts again with yup's number().
  const selected = Number(raw);
  const version = SUPPORTED_SCHEMA_VERSIONS.find((v) => v === selected);
  // Choreo's "outdated" notice uses Number(...) too, before validating.
  if (raw !== null && selected < LATEST_SCHEMA_VERSION) outdated(ck, selected);
  if (version === undefined) {
    ck.error(['schemaVersion'], 'schema-version', `schemaVersion ${show(raw)} is not supported; Choreo accepts 1.0, 1.1 and 1.2`,
      selected > LATEST_SCHEMA_VERSION && selected < 2 ? `${selected} does not exist (yet); write \`schemaVersion: 1.2\`, the latest`
      : selected > 0 && selected < 1 ? 'versions below 1.0 come from early samples; write `schemaVersion: 1.2` and check the file against the 1.2 format'
      : 'write `schemaVersion: 1.2` (a number, not a date or a word)');
    return { result: ck.result(), schemaVersion };
  }
  const cast = castNumber(raw);
  if (cast.kind !== 'ok' || cast.value !== version) {
    ck.error(['schemaVersion'], 'schema-version', `schemaVersion ${show(raw)} must be a number`, 'write `schemaVersion: 1.2` (the latest), without quotes or list brackets');
    return { result: ck.result(), schemaVersion };
  }

  const ignoredIn10 = (key: string) => ({
    message: `${key} is ignored with schemaVersion 1.0`,
    hint: 'set `schemaVersion: 1.2`: Choreo reads configurations from schemaVersion 1.1 on',
  });
  warnUnknownKeys(ck, [], map, [...CHOREO_KEYS.filter((k) => version !== 1 || !k.startsWith('configuration')), ...PAVE_EXTENSION_KEYS],
    version === 1 ? { configurations: ignoredIn10('configurations'), configuration: ignoredIn10('configuration') } : {});

  checkEndpoints(ck, ['endpoints'], map.endpoints, ctx);
  checkDependencies(ck, ['dependencies'], map.dependencies, version);
  if (version !== 1) {
    const connections = declaredConnections(map.dependencies);
    checkConfigurations(ck, ['configurations'], map.configurations, version, connections);
    checkConfigurations(ck, ['configuration'], map.configuration, version, connections);
    if (map.configurations !== undefined && map.configuration !== undefined) {
      ck.warn(['configuration'], 'configuration-alias', 'both configurations and configuration are present; pave reads only configurations',
        'merge `configuration` into `configurations` (the documented spelling)', 'key');
    }
  }
  checkProxy(ck, ['proxy'], map.proxy, ctx);
  checkPaveExtensions(ck, doc, map, ctx.root);
  return { result: ck.result(), schemaVersion: versionText(version), version };
}

function outdated(ck: Checker, version: number): void {
  ck.warn(['schemaVersion'], 'outdated-source-config',
    `OUTDATED SOURCE CONFIG: component.yaml v${version} is an outdated source configuration file; the latest is v1.2`,
    'set `schemaVersion: 1.2`: 1.0 and 1.1 files stay valid in 1.2 (1.2 adds configForm and configuration files); run `pave validate` afterwards');
}

/** `1` → `1.0`. */
export function versionText(version: SchemaVersion): string {
  return version === 1 ? '1.0' : String(version);
}

function declaredConnections(dependencies: unknown): Set<string> {
  const names = new Set<string>();
  if (!isPlainMap(dependencies) || !Array.isArray(dependencies.connectionReferences)) return names;
  for (const ref of dependencies.connectionReferences) {
    if (!isPlainMap(ref)) continue;
    const name = castString(ref.name);
    if (name.kind === 'ok') names.add(name.value.trim());
  }
  return names;
}

