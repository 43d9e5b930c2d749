/**
 * A small, deterministic TOML (v1.0) writer for the values configuration forms allow: tables,
 * arrays, strings, finite numbers and booleans. Equal values give equal text: keys are sorted (by
 * UTF-16 code units, as {@link toYaml} and `canonicalJson` sort them) in every table.
 *
 * - A table's own key/value pairs come first, then its sub-tables as `[a.b]` sections, then its
 *   arrays of tables as `[[a.c]]` sections (a section header ends the previous table, so nothing
 *   of a table may follow one of its sub-tables).
 * - A non-empty array whose items are all tables is an array of tables; any other array is an
 *   inline array, with tables inside it written as inline tables (`{ k = v }`).
 * - Keys are bare when TOML allows (`A-Za-z0-9_-`), else basic strings. Strings are basic strings
 *   with TOML's escapes, and `\uXXXX` for other control characters.
 * - Safe integers (|n| < 2^53, exact in every reader) are written as integers, every other number
 *   as a float (with a `.` or an exponent, so a reader never takes it for an integer): a larger
 *   "integer" is a rounded double already, and JavaScript readers refuse it as an integer.
 *
 * TOML has no null: a null or undefined entry of a table is left out; one inside an array is an error.
 */

/**
 * Write `table` as a TOML document, ending with a line break (empty for an empty table).
 *
 * @throws TypeError for a value TOML cannot hold: null or undefined inside an array, a
 *   non-finite number, a string with a lone surrogate (not Unicode), a function or class instance.
 */
export function toToml(table: Readonly<Record<string, unknown>>): string {
  const lines: string[] = [];
  writeTable(lines, [], table, 'root');
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

type Header = 'root' | 'table' | 'array';

function writeTable(lines: string[], path: readonly string[], table: Readonly<Record<string, unknown>>, header: Header): void {
  const keys = Object.keys(table).filter((k) => table[k] !== undefined && table[k] !== null).sort();
  const tables = keys.filter((k) => isTable(table[k]));
  const arrays = keys.filter((k) => isArrayOfTables(table[k]));
  const inline = keys.filter((k) => !tables.includes(k) && !arrays.includes(k));
  if (header !== 'root') {
    if (lines.length > 0) lines.push('');
    const name = path.map(writeKey).join('.');
    lines.push(header === 'table' ? `[${name}]` : `[[${name}]]`);
  }
  for (const k of inline) lines.push(`${writeKey(k)} = ${inlineValue(table[k])}`);
  for (const k of tables) writeTable(lines, [...path, k], table[k] as Record<string, unknown>, 'table');
  for (const k of arrays) for (const item of table[k] as Record<string, unknown>[]) writeTable(lines, [...path, k], item, 'array');
}

function inlineValue(value: unknown): string {
  if (typeof value === 'string') return basicString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return number(value);
  if (Array.isArray(value)) {
    return `[${value.map((item) => {
      if (item === null || item === undefined) throw new TypeError('TOML arrays cannot hold null');
      return inlineValue(item);
    }).join(', ')}]`;
  }
  if (isTable(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined && value[k] !== null).sort();
    return keys.length === 0 ? '{}' : `{ ${keys.map((k) => `${writeKey(k)} = ${inlineValue(value[k])}`).join(', ')} }`;
  }
  throw new TypeError(`TOML cannot hold a ${value === null ? 'null' : typeof value} value`);
}

function number(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`TOML cannot hold the number ${n}`);
  if (Number.isSafeInteger(n)) return String(Object.is(n, -0) ? 0 : n);
  if (Number.isInteger(n)) return n.toExponential(); // "9.007199254740992e+15"
  return String(n); // "0.5", "1.5e-7", "1e+300": each has a "." or an exponent, so TOML reads a float
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

function writeKey(key: string): string {
  return BARE_KEY.test(key) ? key : basicString(key);
}

const ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function basicString(s: string): string {
  if (LONE_SURROGATE.test(s)) throw new TypeError('TOML strings must be Unicode text: this one has a lone surrogate');
  return `"${s.replace(/["\\\u0000-\u001f\u007f]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`)}"`;
}

function isTable(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function isArrayOfTables(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length > 0 && value.every(isTable);
}
