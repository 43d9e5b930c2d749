import type { Diagnostic } from '../domain/diagnostic.js';
import type { ComponentDescriptor } from '../domain/component.js';
import { toPointer } from '../lib/json-pointer.js';

/** An error about a descriptor, positioned at `path` in its source file when the reader kept positions. */
export function descriptorProblem(
  descriptor: ComponentDescriptor,
  path: readonly (string | number)[],
  code: string,
  message: string,
  hint: string,
  severity: 'error' | 'warning' = 'error',
): Diagnostic {
  const pos = descriptor.locate?.(path) ?? { line: 1, column: 1 };
  return { severity, code, file: descriptor.sourceFile, line: pos.line, column: pos.column, path: toPointer(path), message, hint };
}
