import type { Diagnostic } from '../../domain/diagnostic.js';
import { toPointer, type DocPath } from '../../lib/json-pointer.js';
import type { YamlDocument } from '../yaml/parse-yaml.js';

export interface DiagnosticSpec {
  readonly code: string;
  readonly message: string;
  readonly hint: string;
  /** @defaultValue `error` */
  readonly severity?: Diagnostic['severity'];
  /** Point at the map key instead of its value (for misplaced or duplicated keys). */
  readonly atKey?: boolean;
}

/** A diagnostic positioned at the value (or key) at `path` of `doc`. */
export function diagnosticAt(doc: YamlDocument, path: DocPath, spec: DiagnosticSpec): Diagnostic {
  const pos = spec.atKey ? doc.locateKey(path) : doc.locate(path);
  return {
    severity: spec.severity ?? 'error',
    code: spec.code,
    file: doc.file,
    line: pos.line,
    column: pos.column,
    path: toPointer(path),
    message: spec.message,
    hint: spec.hint,
  };
}

/** `file:line:column` of the value at `path`, for messages that point at another place. */
export function placeOf(doc: YamlDocument, path: DocPath): string {
  const pos = doc.locate(path);
  return `${doc.file}:${pos.line}:${pos.column}`;
}
