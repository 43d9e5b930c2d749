/**
 * Collects the diagnostics of one descriptor file. Every diagnostic is anchored in the YAML
 * source: at the offending value, at the key of an unknown entry, or (for a missing key) at the
 * key of the map that lacks it. Errors are split by whose rule failed: `error` is a rule of
 * Choreo's official validator (Choreo rejects the file too), `paveError` is one of pave's own
 * rules (extension keys, repository bounds) that Choreo does not check.
 */
import type { Diagnostic } from '../../domain/diagnostic.js';
import { toPointer, type DocPath } from '../../lib/json-pointer.js';
import type { YamlDocument } from '../yaml/parse-yaml.js';

/** Most errors, and separately most warnings, kept per file. */
export const MAX_DIAGNOSTICS_PER_FILE = 100;

/** Where a diagnostic points: the value at the path, its key, or the key of its parent map. */
export type Anchor = 'value' | 'key' | 'parent';

export interface Checker {
  readonly doc: YamlDocument;
  /** A rule of Choreo's validator failed. */
  error(path: DocPath, code: string, message: string, hint: string, anchor?: Anchor): void;
  /** A rule of pave's own failed; Choreo's validator would not object. */
  paveError(path: DocPath, code: string, message: string, hint: string, anchor?: Anchor): void;
  warn(path: DocPath, code: string, message: string, hint: string, anchor?: Anchor): void;
  /** Add diagnostics made elsewhere (e.g. by a JSON Schema validator) as pave's own. */
  addPave(diagnostics: readonly Diagnostic[]): void;
  result(): CheckResult;
}

export interface CheckResult {
  readonly errors: Diagnostic[];
  readonly warnings: Diagnostic[];
  /** No rule of Choreo's validator failed. */
  readonly choreoValid: boolean;
}

/** Start collecting diagnostics for `doc`. */
export function createChecker(doc: YamlDocument): Checker {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  let choreoErrors = 0;
  let droppedErrors = 0;
  let droppedWarnings = 0;

  function make(severity: Diagnostic['severity'], path: DocPath, code: string, message: string, hint: string, anchor: Anchor): Diagnostic {
    const pos =
      anchor === 'key' ? doc.locateKey(path)
      : anchor === 'parent' ? (path.length > 1 ? doc.locateKey(path.slice(0, -1)) : doc.locate([]))
      : doc.locate(path);
    return { severity, code, file: doc.file, line: pos.line, column: pos.column, path: toPointer(path), message, hint };
  }
  function pushError(d: Diagnostic): void {
    if (errors.length < MAX_DIAGNOSTICS_PER_FILE) errors.push(d);
    else droppedErrors++;
  }

  return {
    doc,
    error(path, code, message, hint, anchor = 'value') {
      choreoErrors++;
      pushError(make('error', path, code, message, hint, anchor));
    },
    paveError(path, code, message, hint, anchor = 'value') {
      pushError(make('error', path, code, message, hint, anchor));
    },
    warn(path, code, message, hint, anchor = 'value') {
      if (warnings.length < MAX_DIAGNOSTICS_PER_FILE) warnings.push(make('warning', path, code, message, hint, anchor));
      else droppedWarnings++;
    },
    addPave(diagnostics) {
      for (const d of diagnostics) {
        if (d.severity === 'error') pushError(d);
        else if (warnings.length < MAX_DIAGNOSTICS_PER_FILE) warnings.push(d);
        else droppedWarnings++;
      }
    },
    result() {
      const more = (n: number, what: string): Diagnostic => ({
        severity: what === 'errors' ? 'error' : 'warning', code: 'too-many-diagnostics', file: doc.file, line: 1, column: 1, path: '',
        message: `${n} more ${what} not shown`, hint: 'fix the ones above first',
      });
      return {
        errors: droppedErrors > 0 ? [...errors, more(droppedErrors, 'errors')] : [...errors],
        warnings: droppedWarnings > 0 ? [...warnings, more(droppedWarnings, 'warnings')] : [...warnings],
        choreoValid: choreoErrors === 0,
      };
    },
  };
}

/** `endpoints[0].service.port`: the path as Choreo's messages and its users write it. */
export function displayPath(path: DocPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? 'the document' : out;
}
