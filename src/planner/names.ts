/**
 * Names pave derives: Choreo's connection environment variables, stable endpoint ids, and
 * physical database/user names that are safe identifiers on every engine.
 */
import { createHash } from 'node:crypto';

/**
 * Choreo's default variable for a connection key: `CHOREO_<NAME>_<KEY>`, where NAME is the
 * connection name upper-cased with each space, `-`, `.` or `_` turned into `_` (leading and
 * trailing whitespace trimmed) and KEY is the upper-cased key (`ServiceURL` → `SERVICEURL`).
 */
export function choreoEnvVar(connectionName: string, key: string): string {
  const name = connectionName.trim().replace(/[ \-._]+/g, '_').toUpperCase();
  return `CHOREO_${name}_${key.toUpperCase()}`;
}

/** Stable 5-hex endpoint id: the same project, component and endpoint name always give the same id. */
export function endpointId(project: string, component: string, endpoint: string): string {
  return sha256(`${project}/${component}/${endpoint}`).slice(0, 5);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A lower-case identifier of `[a-z0-9_]` at most `max` characters long, built from parts. When
 * the joined name is too long it is cut and an 8-hex hash of the full name is appended, so two
 * long names never collide. PostgreSQL allows 63, MySQL users 32.
 */
export function physicalName(parts: readonly string[], max: number): string {
  const full = parts.map((p) => p.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')).join('_');
  const safe = /^[a-z]/.test(full) ? full : `p_${full}`;
  if (safe.length <= max) return safe;
  return `${safe.slice(0, max - 9).replace(/_+$/, '')}_${sha256(full).slice(0, 8)}`;
}

/** Fill `{project}`, `{component}` and `{environment}` in a pattern. */
export function fillPattern(pattern: string, values: Readonly<Record<string, string>>): string {
  return pattern.replace(/\{(\w+)\}/g, (m, key: string) => values[key] ?? m);
}
