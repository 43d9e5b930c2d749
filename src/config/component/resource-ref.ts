/**
 * The two reference grammars of Choreo descriptors, with the official validator's regular
 * expressions (choreo-source-config-validator @ca8a967, `validateResourceRef` and
 * `validateServiceName`), parsed into {@link ResourceRef}.
 *
 * - `connectionReferences[].resourceRef` (1.1+):
 *   `[service:][/<project>/]<component>/<[v]N[.N]>[/<endpoint>][/<PUBLIC|PROJECT|ORGANIZATION>]`,
 *   `thirdparty:<name>/<vN[.N]>`, `database:[<server>/]<db>`, `storage:<name>`.
 * - legacy `serviceReferences[].name`: `choreo:///<org>/<project>/<component>/<endpoint-id>/v<N>[.<N>]/<VIS>`,
 *   `thirdparty:` and `database:` as above.
 */
import type { ResourceRef } from '../../domain/component.js';

const SEGMENT = '[a-zA-Z0-9_-]+';
const SERVICE_REF = new RegExp(
  `^(service:)?(/(${SEGMENT})/)?(${SEGMENT})/([vV]?\\d+(\\.\\d+)*)(/(${SEGMENT}))?(/(PUBLIC|PROJECT|ORGANIZATION))?$`,
);
const THIRD_PARTY_REF = /^thirdparty:([a-zA-Z0-9\s_.-]+)\/([vV]\d+(\.\d+)*)$/;
const DATABASE_REF = /^database:(([a-zA-Z0-9_-]+)\/)?([a-zA-Z0-9_-]+)$/;
const STORAGE_REF = /^storage:([a-zA-Z0-9\s_.-]+)$/;
const LEGACY_SERVICE_NAME = new RegExp(
  `^choreo:///(${SEGMENT})/(${SEGMENT})/(${SEGMENT})/(${SEGMENT})/(v\\d+(\\.\\d+)?)/(PUBLIC|PROJECT|ORGANIZATION)$`,
);

const VISIBILITY_WORDS = ['PUBLIC', 'PROJECT', 'ORGANIZATION'] as const;
type VisibilityWord = (typeof VISIBILITY_WORDS)[number];

/** A parsed reference, or why it is not one (message and hint for the user). */
export type RefResult =
  | { readonly ok: true; readonly ref: ResourceRef }
  | { readonly ok: false; readonly message: string; readonly hint: string };

const SERVICE_FORMAT = '[service:][/<project>/]<component>/<major-version>[/<endpoint>][/<PUBLIC|PROJECT|ORGANIZATION>]';
const THIRD_PARTY_HINT = 'use thirdparty:<service name>/<version>, e.g. `thirdparty:Stripe API/v1`; the name may hold letters, digits, spaces, `_`, `.` and `-`';
const DATABASE_HINT = 'use database:[<server>/]<database>, e.g. `database:reports-db` or `database:main/reports`; only letters, digits, `_` and `-`';

/** Parse a `connectionReferences[].resourceRef`, dispatching on its prefix as Choreo does. */
export function parseResourceRef(value: string): RefResult {
  if (value.startsWith('thirdparty:')) return parseThirdParty(value);
  if (value.startsWith('database:')) return parseDatabase(value);
  if (value.startsWith('storage:')) {
    const m = STORAGE_REF.exec(value);
    return m?.[1] !== undefined
      ? { ok: true, ref: { kind: 'storage', name: m[1] } }
      : invalid(`"${value}" is not a valid storage reference`, 'use storage:<name>; the name may hold letters, digits, spaces, `_`, `.` and `-`');
  }
  const m = SERVICE_REF.exec(value);
  if (!m) {
    const hint = value.startsWith('service:') && !value.startsWith('service:/') && value.split('/').length > 4
      ? `a project must be written with a leading slash: service:/<project>/<component>/…; the form is ${SERVICE_FORMAT}`
      : value.startsWith('service:') || !value.includes(':')
        ? `use ${SERVICE_FORMAT}; the visibility, if given, is PUBLIC, PROJECT or ORGANIZATION in capitals`
        : `the prefix must be service:, thirdparty:, database: or storage:; for a service use ${SERVICE_FORMAT}`;
    return invalid(`"${value}" is not a valid resource reference`, hint);
  }
  let endpoint = m[8];
  let visibility = m[10] as VisibilityWord | undefined;
  // `comp/v1/PUBLIC` matches with PUBLIC as the endpoint; it can only mean the visibility.
  if (visibility === undefined && endpoint !== undefined && (VISIBILITY_WORDS as readonly string[]).includes(endpoint)) {
    visibility = endpoint as VisibilityWord;
    endpoint = undefined;
  }
  return {
    ok: true,
    ref: {
      kind: 'service',
      ...(m[3] !== undefined ? { project: m[3] } : {}),
      component: m[4] ?? '',
      version: m[5] ?? '',
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(visibility !== undefined ? { visibility } : {}),
    },
  };
}

/** Parse a legacy `serviceReferences[].name` (`choreo:///…`, `thirdparty:…`, `database:…`). */
export function parseServiceReferenceName(value: string): RefResult {
  if (value.startsWith('choreo:///')) {
    const m = LEGACY_SERVICE_NAME.exec(value);
    if (!m) {
      return invalid(`"${value}" is not a valid Choreo service reference`,
        'use choreo:///<org>/<project>/<component>/<endpoint-id>/v<major>[.<minor>]/<PUBLIC|PROJECT|ORGANIZATION>; the endpoint id comes before the version');
    }
    return {
      ok: true,
      ref: {
        kind: 'service', org: m[1] ?? '', project: m[2] ?? '', component: m[3] ?? '', endpoint: m[4] ?? '', version: m[5] ?? '',
        visibility: m[7] as VisibilityWord,
      },
    };
  }
  if (value.startsWith('thirdparty:')) return parseThirdParty(value);
  if (value.startsWith('database:')) return parseDatabase(value);
  return invalid(`"${value}" is not a valid service reference name`,
    'it must start with choreo:///, thirdparty: or database:; or move to dependencies.connectionReferences (schemaVersion 1.1+)');
}

function parseThirdParty(value: string): RefResult {
  const m = THIRD_PARTY_REF.exec(value);
  return m?.[1] !== undefined && m[2] !== undefined
    ? { ok: true, ref: { kind: 'thirdparty', name: m[1], version: m[2] } }
    : invalid(`"${value}" is not a valid third-party reference`, THIRD_PARTY_HINT);
}

function parseDatabase(value: string): RefResult {
  const m = DATABASE_REF.exec(value);
  return m?.[3] !== undefined
    ? { ok: true, ref: { kind: 'database', ...(m[2] !== undefined ? { server: m[2] } : {}), database: m[3] } }
    : invalid(`"${value}" is not a valid database reference`, DATABASE_HINT);
}

function invalid(message: string, hint: string): RefResult {
  return { ok: false, message, hint };
}
