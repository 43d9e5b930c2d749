/**
 * A problem found in a user's file. Every error and warning pave reports carries the file, a
 * 1-based line and column, the JSON-pointer path of the offending value and a hint that says
 * how to fix it. Diagnostics are data: validation never throws for bad input.
 */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  /** Stable machine-readable code, e.g. `endpoint-port-range`, `yaml-syntax`, `unknown-key`. */
  readonly code: string;
  /** File path as given to the reader (relative to the tree that was scanned). */
  readonly file: string;
  /** 1-based line; 1 when the problem concerns the whole file. */
  readonly line: number;
  /** 1-based column; 1 when the problem concerns the whole file. */
  readonly column: number;
  /** JSON pointer of the value in the document (`/endpoints/0/service/port`); `` for the root. */
  readonly path: string;
  readonly message: string;
  /** How to fix it, in one sentence. */
  readonly hint?: string;
}

/** Where a value sits in a source file. Both numbers are 1-based. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export function isError(d: Diagnostic): boolean {
  return d.severity === 'error';
}

/** `file:line:column: severity: message (hint)` — the one-line form used by the CLI and comments. */
export function formatDiagnostic(d: Diagnostic): string {
  const hint = d.hint ? ` — hint: ${d.hint}` : '';
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${hint}`;
}

/** Stable ordering: file, line, column, then message. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.message.localeCompare(b.message)
  );
}
