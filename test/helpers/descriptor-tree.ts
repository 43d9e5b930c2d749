/** Test helpers for component descriptors: in-memory trees and one-call validation. */
import type { SourceTree } from '../../src/domain/source-tree.js';
import { validateDescriptorFile, type FileReport } from '../../src/config/component/index.js';

/** A tree holding `files` (contents) plus `paths` that exist but were not read. */
export function descriptorTree(files: Readonly<Record<string, string | Uint8Array>>, paths: readonly string[] = []): SourceTree {
  const encoder = new TextEncoder();
  const contents = new Map(Object.entries(files).map(([p, c]) => [p, typeof c === 'string' ? encoder.encode(c) : c]));
  return { paths: new Set([...contents.keys(), ...paths]), files: contents };
}

/** Validate `text` as `svc/.choreo/<name>`, with `paths` (repository-relative) present. */
export function validateText(
  text: string,
  options: { name?: string; paths?: readonly string[]; fileChecks?: boolean } = {},
): FileReport {
  const path = `svc/.choreo/${options.name ?? 'component.yaml'}`;
  return validateDescriptorFile(descriptorTree({ [path]: text }, options.paths ?? []), path,
    options.fileChecks === undefined ? {} : { fileChecks: options.fileChecks });
}

/** Errors and warnings as `line:column code` strings, for compact assertions. */
export function spots(report: FileReport, severity: 'error' | 'warning' = 'error'): string[] {
  return (severity === 'error' ? report.errors : report.warnings).map((d) => `${d.line}:${d.column} ${d.code}`);
}
