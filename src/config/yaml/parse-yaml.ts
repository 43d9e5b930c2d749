/**
 * Parse one YAML file into a plain value plus a position index, with hard bounds.
 *
 * js-yaml 5's event API gives source offsets; we walk the events once to map every value's
 * JSON pointer to the offset of its value and of its key, so any later check (ajv, Choreo rules,
 * cross-file rules) can report `file:line:column` for any path. Hostile input is bounded:
 * a byte cap checked before parsing, a nesting cap (`maxDepth`), an alias cap (`maxAliases`,
 * aliases are rejected beyond it, which stops "billion laughs"), and a merge-key cap.
 */
import {
  CORE_SCHEMA,
  EVENT_ID,
  YAMLException,
  constructFromEvents,
  getScalarValue,
  mergeTag,
  parseEvents,
  type Event,
} from 'js-yaml';
import type { Diagnostic, SourcePosition } from '../../domain/diagnostic.js';
import { toPointer, type DocPath } from '../../lib/json-pointer.js';
import { LineIndex } from './line-index.js';

export interface YamlLimits {
  /** Largest accepted file, in bytes. @defaultValue 1 MiB */
  readonly maxBytes: number;
  /** Aliases (`*ref`) allowed per document; more is an error. @defaultValue 50 */
  readonly maxAliases: number;
  /** Deepest nesting of collections. @defaultValue 64 */
  readonly maxDepth: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxBytes: 1024 * 1024, maxAliases: 50, maxDepth: 64 };

const SCHEMA = CORE_SCHEMA.withTags(mergeTag);

/** A parsed document: its value and where each part of it came from. */
export interface YamlDocument {
  readonly file: string;
  /** The document's value; `null` for an empty document (only comments). */
  readonly value: unknown;
  /** Position of the value at `path`, or of its nearest ancestor that has one. */
  locate(path: DocPath): SourcePosition;
  /** Position of the *key* of the map entry at `path` (falls back to {@link locate}). */
  locateKey(path: DocPath): SourcePosition;
  /** Whether the value at `path` was written in the source (not produced by an alias or merge). */
  has(path: DocPath): boolean;
}

export type ParseYamlResult =
  | { readonly ok: true; readonly doc: YamlDocument }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

interface Spot {
  value: number;
  key: number;
}

type Frame =
  | { kind: 'map'; path: (string | number)[] | null; key: string | null; keyOffset: number }
  | { kind: 'seq'; path: (string | number)[] | null; index: number };

/** Parse bytes: checks size and UTF-8 first, then {@link parseYaml}. */
export function parseYamlBytes(file: string, bytes: Uint8Array, limits: YamlLimits = DEFAULT_YAML_LIMITS): ParseYamlResult {
  if (bytes.byteLength > limits.maxBytes) {
    // Readers hand over maxBytes + 1 bytes in place of a larger file they did not download: its size is unknown here.
    const size = bytes.byteLength > limits.maxBytes + 1 ? `${formatBytes(bytes.byteLength)}, ` : '';
    return fail(file, 'file-too-large', 1, 1, `file is ${size}larger than the ${formatBytes(limits.maxBytes)} limit`,
      'split the file or remove generated content; pave refuses oversized files to bound its work');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const loose = new TextDecoder('utf-8').decode(bytes);
    const at = Math.max(0, loose.indexOf('\uFFFD'));
    const pos = new LineIndex(loose).position(at);
    return fail(file, 'invalid-utf8', pos.line, pos.column, 'file is not valid UTF-8', 'save the file as UTF-8');
  }
  return parseYaml(file, text, limits);
}

/** Parse text. Never throws for bad input: problems come back as diagnostics with positions. */
export function parseYaml(file: string, text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): ParseYamlResult {
  if (text.length > limits.maxBytes) {
    return fail(file, 'file-too-large', 1, 1, `file is larger than the ${formatBytes(limits.maxBytes)} limit`,
      'split the file or remove generated content');
  }
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = new LineIndex(source);
  let events: Event[];
  let values: unknown[];
  try {
    events = parseEvents(source, { filename: file, maxDepth: limits.maxDepth });
    values = constructFromEvents(events, {
      source,
      filename: file,
      schema: SCHEMA,
      maxAliases: limits.maxAliases,
      maxTotalMergeKeys: 1000,
    });
  } catch (err) {
    return fail(file, ...describeYamlError(err, lines));
  }
  if (values.length > 1) {
    return fail(file, 'yaml-multiple-documents', 1, 1, `expected one YAML document, found ${values.length}`,
      'remove the extra `---` separators; each file holds exactly one document');
  }
  const spots = indexPositions(events, source);
  return { ok: true, doc: makeDocument(file, values[0] ?? null, spots, lines) };
}

function makeDocument(file: string, value: unknown, spots: Map<string, Spot>, lines: LineIndex): YamlDocument {
  function nearest(path: DocPath): Spot | undefined {
    for (let n = path.length; n >= 0; n--) {
      const spot = spots.get(toPointer(path.slice(0, n)));
      if (spot) return spot;
    }
    return undefined;
  }
  return {
    file,
    value,
    locate: (path) => lines.position(nearest(path)?.value ?? 0),
    locateKey: (path) => {
      const exact = spots.get(toPointer(path));
      if (exact && exact.key >= 0) return lines.position(exact.key);
      return lines.position(nearest(path)?.value ?? 0);
    },
    has: (path) => spots.has(toPointer(path)),
  };
}

/** One pass over the events: pointer → offsets of value and key. */
function indexPositions(events: readonly Event[], source: string): Map<string, Spot> {
  const spots = new Map<string, Spot>();
  const stack: Frame[] = [];
  let docStarted = false;

  // Decide the path of the node that starts now, or mark it as a key.
  function place(offset: number): { path: (string | number)[] | null; isKey: boolean } {
    const top = stack[stack.length - 1];
    if (!top) return { path: docStarted ? [] : null, isKey: false };
    if (top.kind === 'seq') return { path: top.path && [...top.path, top.index], isKey: false };
    if (top.key === null) return { path: null, isKey: true };
    void offset;
    return { path: top.path && [...top.path, top.key], isKey: false };
  }
  function record(path: (string | number)[] | null, offset: number): void {
    if (!path) return;
    const top = stack[stack.length - 1];
    const key = top && top.kind === 'map' ? top.keyOffset : -1;
    const pointer = toPointer(path);
    // An empty value (`port:` with nothing after it) has no offset of its own: point at its key,
    // or, in a sequence (`- `), at the sequence.
    const at = offset >= 0 ? offset : key >= 0 ? key : (top?.path && spots.get(toPointer(top.path))?.value) ?? 0;
    if (!spots.has(pointer)) spots.set(pointer, { value: at, key });
  }
  function advance(): void {
    const top = stack[stack.length - 1];
    if (!top) return;
    if (top.kind === 'seq') top.index++;
    else top.key = null;
  }

  for (const ev of events) {
    switch (ev.type) {
      case EVENT_ID.DOCUMENT:
        docStarted = true;
        break;
      case EVENT_ID.SCALAR: {
        const start = ev.anchorStart >= 0 ? ev.anchorStart - 1 : ev.tagStart >= 0 ? ev.tagStart : ev.valueStart;
        const where = place(start);
        if (where.isKey) {
          const top = stack[stack.length - 1] as Extract<Frame, { kind: 'map' }>;
          top.key = getScalarValue(source, ev);
          top.keyOffset = quotedStart(source, ev.valueStart);
        } else {
          record(where.path, quotedStart(source, ev.valueStart));
          advance();
        }
        break;
      }
      case EVENT_ID.ALIAS: {
        const where = place(ev.anchorStart);
        if (where.isKey) {
          const top = stack[stack.length - 1] as Extract<Frame, { kind: 'map' }>;
          top.key = '*alias';
          top.keyOffset = ev.anchorStart - 1;
        } else {
          record(where.path, ev.anchorStart - 1);
          advance();
        }
        break;
      }
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const where = place(ev.start);
        // A collection used as a map key is indexed nowhere (nothing addresses it by path).
        const path = where.isKey ? null : where.path;
        if (!where.isKey) record(path, ev.start);
        stack.push(
          ev.type === EVENT_ID.MAPPING
            ? { kind: 'map', path, key: null, keyOffset: -1 }
            : { kind: 'seq', path, index: 0 },
        );
        (stack[stack.length - 1] as Frame & { asKey?: boolean }).asKey = where.isKey;
        break;
      }
      case EVENT_ID.POP: {
        const done = stack.pop() as (Frame & { asKey?: boolean }) | undefined;
        if (!done) break; // end of document
        const top = stack[stack.length - 1];
        if (done.asKey && top && top.kind === 'map') top.key = '[complex key]';
        else advance();
        break;
      }
    }
  }
  return spots;
}

/** Quoted scalars report the offset after the quote; point at the quote itself. */
function quotedStart(source: string, valueStart: number): number {
  const prev = source[valueStart - 1];
  return prev === '"' || prev === "'" ? valueStart - 1 : valueStart;
}

function describeYamlError(err: unknown, lines: LineIndex): [string, number, number, string, string] {
  if (err instanceof YAMLException) {
    const line = err.mark ? err.mark.line + 1 : 1;
    const column = err.mark ? err.mark.column + 1 : 1;
    const reason = err.reason || 'invalid YAML';
    if (/alias/i.test(reason)) {
      return ['yaml-alias-limit', line, column, `too many YAML aliases: ${reason}`,
        'expand the repeated values by hand; pave limits aliases to defend against alias bombs'];
    }
    if (/depth|nest/i.test(reason)) {
      return ['yaml-too-deep', line, column, `YAML nesting too deep: ${reason}`, 'flatten the structure'];
    }
    if (/duplicat/i.test(reason)) {
      return ['yaml-duplicate-key', line, column, `YAML ${reason}`, 'each key may appear once in a mapping; remove or rename the duplicate'];
    }
    return ['yaml-syntax', line, column, `YAML syntax error: ${reason}`,
      'check indentation (spaces, not tabs), unclosed brackets or quotes, and `key: value` spacing'];
  }
  void lines;
  const message = err instanceof Error ? err.message : String(err);
  return ['yaml-syntax', 1, 1, `YAML could not be read: ${message}`, 'check that the file is well-formed YAML'];
}

function fail(file: string, code: string, line: number, column: number, message: string, hint: string): ParseYamlResult {
  return { ok: false, diagnostics: [{ severity: 'error', code, file, line, column, path: '', message, hint }] };
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
