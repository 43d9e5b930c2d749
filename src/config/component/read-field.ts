/**
 * Typed reads of one field with Choreo's semantics: yup's casts, "absent is fine unless
 * required", "null is never fine" (yup 1 schemas are non-nullable unless marked), and "an empty
 * string is missing" for required text. Each reader reports what went wrong through the
 * {@link Checker} and returns `undefined` when later rules on the field must be skipped, exactly as
 * yup skips a field's other tests once its type check fails.
 */
import type { DocPath } from '../../lib/json-pointer.js';
import { displayPath, type Checker } from './checker.js';
import { castBoolean, castNumber, castString, describeType, isPlainMap, show } from './yup-coercion.js';

export interface FieldOptions {
  readonly required?: boolean;
  /** How to fix a missing required value. */
  readonly requiredHint?: string;
}

const NULL_HINT = 'give it a value or delete the line: a key with nothing after the colon is null, which Choreo rejects';

function missing(ck: Checker, path: DocPath, opts: FieldOptions): undefined {
  if (opts.required) {
    ck.error(path, 'required', `${displayPath(path)} is required`, opts.requiredHint ?? `add \`${String(path[path.length - 1])}:\``, 'parent');
  }
  return undefined;
}

function nulled(ck: Checker, path: DocPath): undefined {
  ck.error(path, 'null-value', `${displayPath(path)} is empty (null)`, NULL_HINT);
  return undefined;
}

/** A text field (numbers and booleans are accepted as their text, as yup does). */
export function readString(ck: Checker, path: DocPath, raw: unknown, opts: FieldOptions = {}): string | undefined {
  const cast = castString(raw);
  switch (cast.kind) {
    case 'absent':
      return missing(ck, path, opts);
    case 'null':
      return nulled(ck, path);
    case 'wrong-type':
      ck.error(path, 'type', `${displayPath(path)} must be text, not ${describeType(raw)}`,
        'write a single value; quote it if it contains `:` or starts with `[` or `{`');
      return undefined;
    case 'ok':
      if (opts.required && cast.value === '') {
        ck.error(path, 'required', `${displayPath(path)} must not be empty`, opts.requiredHint ?? 'write a value between the quotes');
        return undefined;
      }
      return cast.value;
  }
}

/** A number field; `"8080"` counts (yup casts it) and earns a warning. */
export function readNumber(ck: Checker, path: DocPath, raw: unknown, opts: FieldOptions = {}): number | undefined {
  const cast = castNumber(raw);
  switch (cast.kind) {
    case 'absent':
      return missing(ck, path, opts);
    case 'null':
      return nulled(ck, path);
    case 'wrong-type':
      ck.error(path, 'type', `${displayPath(path)} must be a number, not ${describeType(raw)} ${show(raw)}`,
        'write digits only, without quotes, e.g. `8080`');
      return undefined;
    case 'ok':
      if (typeof raw !== 'number') {
        ck.warn(path, 'number-as-text', `${displayPath(path)} is ${describeType(raw)} ${show(raw)}; Choreo reads it as ${cast.value}`,
          `write it as a plain number: \`${cast.value}\``);
      }
      return cast.value;
  }
}

/** A boolean field; `"true"`, `1`, `"FALSE"` … count as Choreo casts them. */
export function readBoolean(ck: Checker, path: DocPath, raw: unknown, opts: FieldOptions = {}): boolean | undefined {
  const cast = castBoolean(raw);
  switch (cast.kind) {
    case 'absent':
      return missing(ck, path, opts);
    case 'null':
      return nulled(ck, path);
    case 'wrong-type':
      ck.error(path, 'type', `${displayPath(path)} must be true or false, not ${show(raw)}`, 'write `true` or `false` without quotes');
      return undefined;
    case 'ok':
      if (typeof raw !== 'boolean') {
        ck.warn(path, 'boolean-as-text', `${displayPath(path)} is ${show(raw)}; Choreo reads it as ${cast.value}`,
          `write \`${cast.value}\` without quotes`);
      }
      return cast.value;
  }
}

/** A map field. */
export function readMap(ck: Checker, path: DocPath, raw: unknown, opts: FieldOptions = {}): Record<string, unknown> | undefined {
  if (raw === undefined) return missing(ck, path, opts);
  if (raw === null) return nulled(ck, path);
  if (!isPlainMap(raw)) {
    ck.error(path, 'type', `${displayPath(path)} must be a map of \`key: value\` entries, not ${describeType(raw)}`,
      'indent the entries under the key, one `key: value` per line');
    return undefined;
  }
  return raw;
}

/** A list field. */
export function readList(ck: Checker, path: DocPath, raw: unknown, opts: FieldOptions = {}): unknown[] | undefined {
  if (raw === undefined) return missing(ck, path, opts);
  if (raw === null) {
    ck.error(path, 'null-value', `${displayPath(path)} is empty (null)`,
      'write `[]` for an empty list, add `- ` entries under it, or delete the key');
    return undefined;
  }
  if (!Array.isArray(raw)) {
    ck.error(path, 'type', `${displayPath(path)} must be a list, not ${describeType(raw)}`,
      'write each entry on its own line starting with `- `');
    return undefined;
  }
  return raw;
}

/** Check that every key of `map` is known; unknown keys are warnings (Choreo ignores them). */
export function warnUnknownKeys(
  ck: Checker,
  path: DocPath,
  map: Record<string, unknown>,
  known: readonly string[],
  special: Readonly<Record<string, { readonly message: string; readonly hint: string }>> = {},
): void {
  for (const key of Object.keys(map)) {
    if (known.includes(key)) continue;
    const at = [...path, key];
    const note = Object.prototype.hasOwnProperty.call(special, key) ? special[key] : undefined;
    if (note) {
      ck.warn(at, 'ignored-key', note.message, note.hint, 'key');
      continue;
    }
    const guess = closestKey(key, known);
    ck.warn(at, 'unknown-key', `unknown key \`${displayPath(at)}\`; Choreo ignores it`,
      guess ? `did you mean \`${guess}\`?` : `known keys here: ${known.join(', ')}`, 'key');
  }
}

function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = k.toLowerCase() === key.toLowerCase() ? 0 : editDistance(k, key);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 3;
}

/**
 * The document's top level, which must be a map. An empty document (nothing, or only comments) is
 * an error: Choreo's validator crashes on it ("Cannot read properties of null"), so the build fails.
 */
export function readRoot(ck: Checker, value: unknown, example: string): Record<string, unknown> | undefined {
  if (value === null || value === undefined) {
    ck.error([], 'empty-file', 'the file is empty (it holds no YAML value, only comments or nothing)',
      `Choreo fails on an empty descriptor; write its content (e.g. \`${example}\`) or delete the file`);
    return undefined;
  }
  if (!isPlainMap(value)) {
    ck.error([], 'type', `the file must hold a map of \`key: value\` entries, not ${describeType(value)}`,
      `start with \`${example}\` at the beginning of a line, without a leading \`- \``);
    return undefined;
  }
  return value;
}
