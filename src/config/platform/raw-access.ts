/**
 * Defensive readers for parsed YAML values. Cross-file rules run on every file that parsed,
 * including files with schema errors, so they read values through these helpers and skip
 * whatever has the wrong type (the schema already reported it).
 */

/** The value as a plain mapping, or `undefined`. */
export function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `value[key]` when `value` is a mapping. */
export function field(value: unknown, key: string): unknown {
  return asRecord(value)?.[key];
}

/** `value[key]` when it is a string. */
export function stringField(value: unknown, key: string): string | undefined {
  const v = field(value, key);
  return typeof v === 'string' ? v : undefined;
}

/** `value[key]` when it is a list, else an empty list. */
export function listField(value: unknown, key: string): readonly unknown[] {
  const v = field(value, key);
  return Array.isArray(v) ? v : [];
}

/** The entries of `value[key]` when it is a mapping, else none. */
export function entriesField(value: unknown, key: string): readonly (readonly [string, unknown])[] {
  return Object.entries(asRecord(field(value, key)) ?? {});
}
