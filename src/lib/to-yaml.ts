/**
 * A small, deterministic YAML writer for JSON-compatible data (what Kubernetes manifests are):
 * plain objects, arrays, strings, finite numbers, booleans and null. Equal values give equal text:
 * mapping keys are sorted (by UTF-16 code units, as `kubectl get -o yaml` and {@link canonicalJson}
 * sort them), block style throughout, two-space indentation, never anchors or aliases.
 *
 * Strings are written so that every YAML reader, YAML 1.1 ones included (Go's yaml.v2, which
 * kubectl and many GitOps tools use), reads back the same string:
 * - plain (unquoted) only when nothing could read them as anything else: a letter or `/` first, then
 *   letters, digits and `. _ / @ : + -`, not ending in `:`, and not a YAML 1.1 boolean or null
 *   (`yes`, `No`, `on`, `y`, `null` …); or a Kubernetes quantity such as `250m` or `256Mi`;
 * - multi-line text as a literal block (`|`, `|-`, `|+`, with an explicit indentation indicator
 *   when the text starts with a space or a line break), when every character may appear there;
 * - everything else double-quoted with JSON escapes, plus `\uXXXX` for the characters YAML does
 *   not allow raw or that YAML 1.1 reads as line breaks (DEL, C1 controls including NEL, U+2028,
 *   U+2029, U+FEFF, U+FFFE, U+FFFF).
 *
 * This lives in `lib/` rather than using js-yaml's `dump` because `render/` may not import
 * js-yaml (the dependency rule keeps parsers out of the pure core), and because its output rules
 * are ours to pin: the state repository diffs on them.
 */

/** Keys longer than this cannot be implicit YAML keys (YAML 1.2 §7.4.2 limits them to 1024). */
const MAX_KEY_LENGTH = 1000;

const RESERVED = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);
const PLAIN = /^[A-Za-z/][A-Za-z0-9._/@:+-]*$/;
const QUANTITY = /^[0-9]+(m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P|E)$/;
// Characters JSON.stringify leaves raw that YAML forbids or YAML 1.1 treats as line breaks.
const NEEDS_ESCAPE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;
// Characters a literal block cannot hold: control characters other than LF and TAB, the ones
// above, and lone surrogates.
const NOT_IN_BLOCK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Write `value` as one YAML document (no `---`), ending with a line break.
 *
 * @throws TypeError for a value JSON cannot hold (undefined at the top or in an array, a
 *   function, a non-finite number, a class instance), RangeError for a key over 1,000 characters.
 */
export function toYaml(value: unknown): string {
  // A top-level string is never a literal block: its indentation would be relative to -1.
  const lines = typeof value === 'string' && !isPlainSafe(value) ? [doubleQuoted(value)] : node(value, 0);
  return `${lines.join('\n')}\n`;
}

/** The lines of `value` written at indentation `indent` (the first line carries no indent when it is a scalar). */
function node(value: unknown, indent: number): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return ['[]'];
    return value.flatMap((item) => sequenceItem(item, indent));
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    if (keys.length === 0) return ['{}'];
    const pad = ' '.repeat(indent);
    const lines: string[] = [];
    for (const key of keys) {
      const child = value[key];
      const k = `${pad}${writeKey(key)}:`;
      if (isCollection(child)) lines.push(k, ...node(child, indent + 2));
      else {
        const [first, ...rest] = scalar(child, indent + 2);
        lines.push(`${k} ${first}`, ...rest);
      }
    }
    return lines;
  }
  return scalar(value, indent);
}

/** One `- item` of a sequence at `indent`. */
function sequenceItem(item: unknown, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (item === undefined) throw new TypeError('undefined cannot be written as a sequence item');
  if (!isCollection(item)) {
    const [first, ...rest] = scalar(item, indent + 2);
    return [`${pad}- ${first}`, ...rest];
  }
  // A nested collection starts on the dash's line: its first line is written at indent + 2 and
  // its leading spaces become `- `.
  const [first, ...rest] = node(item, indent + 2);
  return [`${pad}- ${first!.slice(indent + 2)}`, ...rest];
}

/** A non-empty object or array: written on the lines below its key or dash. */
function isCollection(value: unknown): value is object {
  return (Array.isArray(value) && value.length > 0) || (isPlainObject(value) && Object.values(value).some((v) => v !== undefined));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A scalar (or empty collection); a block string spans several lines, indented by `indent`. */
function scalar(value: unknown, indent: number): string[] {
  if (value === null) return ['null'];
  if (typeof value === 'boolean') return [value ? 'true' : 'false'];
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${value} cannot be written as YAML`);
    return [writeNumber(value)];
  }
  if (typeof value === 'string') return writeString(value, indent);
  if (Array.isArray(value) && value.length === 0) return ['[]'];
  if (isPlainObject(value)) return ['{}'];
  throw new TypeError(`a ${value === undefined ? 'undefined value' : typeof value === 'object' ? 'non-plain object' : typeof value} cannot be written as YAML`);
}

/**
 * As JSON writes numbers (`-0` is `0`), except that YAML 1.1 floats need a dot and a signed
 * exponent: `1e+21` → `1.0e+21`, `4e-323` → `4.0e-323`.
 */
function writeNumber(n: number): string {
  const text = String(n);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const mantissa = text.slice(0, e);
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}${text.slice(e)}`;
}

function writeKey(key: string): string {
  if (key.length > MAX_KEY_LENGTH) throw new RangeError(`a mapping key of ${key.length} characters cannot be written (at most ${MAX_KEY_LENGTH})`);
  return isPlainSafe(key) ? key : doubleQuoted(key);
}

function writeString(s: string, indent: number): string[] {
  if (isPlainSafe(s)) return [s];
  if (s.includes('\n') && /\S/.test(s) && !NOT_IN_BLOCK.test(s)) return literalBlock(s, indent);
  return [doubleQuoted(s)];
}

function isPlainSafe(s: string): boolean {
  if (QUANTITY.test(s)) return true;
  return PLAIN.test(s) && !s.endsWith(':') && !RESERVED.has(s.toLowerCase());
}

/** JSON's string syntax is YAML's double-quoted style; escape what JSON leaves raw and YAML does not allow. */
function doubleQuoted(s: string): string {
  return JSON.stringify(s).replace(NEEDS_ESCAPE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `|` keeps one final line break, `|-` none, `|+` all of them. An explicit indentation indicator
 * is needed when the first line starts with a space (or the text with a line break), because a
 * reader would otherwise take the indentation from that line.
 */
function literalBlock(s: string, indent: number): string[] {
  const trailing = /\n*$/.exec(s)![0].length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing === 0 ? s : s.slice(0, -1);
  const indicator = /^[ \n]/.test(s) ? '2' : '';
  const pad = ' '.repeat(indent);
  return [`|${indicator}${chomp}`, ...body.split('\n').map((line) => (line === '' ? '' : pad + line))];
}
