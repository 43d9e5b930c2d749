/**
 * Value coercion exactly as Choreo's validator applies it. The official validator
 * (choreo-source-config-validator @ca8a967) casts with yup 1.4 before it checks, so a rule such as
 * "port is a number" accepts `"8080"` and even `[8080]`, and "name is a string" accepts `123`.
 * Verdicts only match Choreo's if pave casts the same way; pave then warns where the cast hid a
 * likely mistake.
 */

/** The result of casting one value: absent, null, a usable value, or a value of the wrong type. */
export type Cast<T> =
  | { readonly kind: 'absent' }
  | { readonly kind: 'null' }
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'wrong-type' };

const ABSENT = { kind: 'absent' } as const;
const NULL = { kind: 'null' } as const;
const WRONG = { kind: 'wrong-type' } as const;

/** yup `string()`: strings pass, numbers and booleans become strings, lists and maps are wrong. */
export function castString(raw: unknown): Cast<string> {
  if (raw === undefined) return ABSENT;
  if (raw === null) return NULL;
  if (typeof raw === 'string') return { kind: 'ok', value: raw };
  if (typeof raw === 'number' || typeof raw === 'boolean') return { kind: 'ok', value: String(raw) };
  return WRONG;
}

/**
 * yup `number()`: strings lose all whitespace and go through unary `+` (so `"8 080"`, `"0x1F90"` and
 * `"1e4"` are numbers), anything else through `parseFloat` (so `[8080]` is 8080 and `true` is not a
 * number). NaN is the wrong type; infinities pass the type check.
 */
export function castNumber(raw: unknown): Cast<number> {
  if (raw === undefined) return ABSENT;
  if (raw === null) return NULL;
  let parsed: number;
  if (typeof raw === 'number') parsed = raw;
  else if (typeof raw === 'string') {
    const compact = raw.replace(/\s/g, '');
    parsed = compact === '' ? NaN : +compact;
  } else parsed = parseFloat(String(raw));
  return Number.isNaN(parsed) ? WRONG : { kind: 'ok', value: parsed };
}

/** yup `boolean()`: booleans pass; `true`/`1` and `false`/`0` in any case (as text) convert. */
export function castBoolean(raw: unknown): Cast<boolean> {
  if (raw === undefined) return ABSENT;
  if (raw === null) return NULL;
  if (typeof raw === 'boolean') return { kind: 'ok', value: raw };
  const text = String(raw);
  if (/^(true|1)$/i.test(text)) return { kind: 'ok', value: true };
  if (/^(false|0)$/i.test(text)) return { kind: 'ok', value: false };
  return WRONG;
}

/** yup `object()`: only plain mappings (YAML maps) pass. */
export function isPlainMap(raw: unknown): raw is Record<string, unknown> {
  return Object.prototype.toString.call(raw) === '[object Object]';
}

/** What `String(value)` would print, shortened for messages. */
export function show(raw: unknown): string {
  const text = typeof raw === 'string' ? JSON.stringify(raw) : Array.isArray(raw) || isPlainMap(raw) ? JSON.stringify(raw) : String(raw);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Name of a YAML value's type, for messages ("a list", "a map", "text" …). */
export function describeType(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  if (isPlainMap(raw)) return 'a map';
  if (typeof raw === 'string') return 'text';
  if (typeof raw === 'number') return 'a number';
  if (typeof raw === 'boolean') return 'a boolean';
  return typeof raw;
}
