/**
 * Validate one descriptor file of a {@link SourceTree} by its path: parse it with bounds, apply
 * the rules of its kind (component.yaml, component-config.yaml or endpoints.yaml) and report.
 * `readComponent` uses the same path for the file that wins in a `.choreo/` directory;
 * `pave validate <file>` uses it directly.
 */
import type { DescriptorKind } from '../../domain/component.js';
import type { Diagnostic } from '../../domain/diagnostic.js';
import type { SourceTree } from '../../domain/source-tree.js';
import { basenameOf, dirnameOf } from '../../lib/posix-path.js';
import { parseYamlBytes, type YamlDocument } from '../yaml/parse-yaml.js';
import type { CheckResult } from './checker.js';
import type { FileContext } from './check-schema-file.js';
import { DESCRIPTOR_KINDS, type FileReport } from './file-report.js';
import { validateComponentYaml, type SchemaVersion } from './validate-component-yaml.js';
import { validateComponentConfigYaml, validateEndpointsYaml } from './validate-legacy.js';

export interface ValidateFileOptions {
  /**
   * Check that files named by `schemaFilePath` exist in `tree.paths`. Turn off when the tree holds
   * only the descriptor (e.g. a file piped to `pave validate`). @defaultValue true
   */
  readonly fileChecks?: boolean;
  /** Validate as this kind whatever the file is called (the name decides otherwise). */
  readonly kind?: DescriptorKind;
}

/** A file report plus what normalization needs; internal to config/component. */
export interface FileInspection {
  readonly report: FileReport;
  readonly root: string;
  readonly doc?: YamlDocument;
  readonly version?: SchemaVersion;
}

/** Validate the descriptor file at `path` (repository-relative) in `tree`. */
export function validateDescriptorFile(tree: SourceTree, path: string, options: ValidateFileOptions = {}): FileReport {
  return inspectDescriptorFile(tree, path, options).report;
}

/** {@link validateDescriptorFile}, keeping the parsed document for normalization. */
export function inspectDescriptorFile(tree: SourceTree, path: string, options: ValidateFileOptions = {}): FileInspection {
  const name = basenameOf(path);
  const dir = dirnameOf(path);
  const inChoreoDir = basenameOf(dir) === '.choreo';
  const root = inChoreoDir ? dirnameOf(dir) : dir;
  const kind = options.kind ?? kindOf(name);
  const placement = placementWarnings(path, name, kind, inChoreoDir);

  const bytes = tree.files.get(path);
  if (!bytes) {
    const d = diagnostic(path, 'error', 'file-not-read', tree.paths.has(path) ? 'the file is in the tree but its content was not read' : 'no such file',
      tree.paths.has(path) ? 'this is a bug in the adapter that built the source tree; report it' : 'check the path; it is relative to the repository root');
    return { root, report: report(path, kind, null, { errors: [d], warnings: placement, choreoValid: false }) };
  }
  const parsed = parseYamlBytes(path, bytes);
  if (!parsed.ok) {
    return { root, report: report(path, kind, null, { errors: [...parsed.diagnostics], warnings: placement, choreoValid: false }) };
  }
  const ctx: FileContext = { root, paths: options.fileChecks === false ? null : tree.paths };
  const doc = parsed.doc;
  if (kind === 'component.yaml') {
    const check = validateComponentYaml(doc, ctx);
    return {
      root, doc,
      report: report(path, kind, check.schemaVersion, withWarnings(check.result, placement)),
      ...(check.version !== undefined ? { version: check.version } : {}),
    };
  }
  const check = kind === 'endpoints.yaml' ? validateEndpointsYaml(doc, ctx) : validateComponentConfigYaml(doc, ctx);
  return { root, doc, report: report(path, kind, check.schemaVersion, withWarnings(check.result, placement)) };
}

function kindOf(name: string): DescriptorKind {
  const exact = DESCRIPTOR_KINDS.find((k) => k === name);
  if (exact) return exact;
  if (name.startsWith('component-config')) return 'component-config.yaml';
  if (name.startsWith('endpoints')) return 'endpoints.yaml';
  return 'component.yaml';
}

function placementWarnings(path: string, name: string, kind: DescriptorKind, inChoreoDir: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (name !== kind) {
    out.push(diagnostic(path, 'warning', 'descriptor-name', `Choreo never reads a file named ${name}; it reads exactly .choreo/${kind}`,
      `rename it to ${kind}`));
  }
  if (!inChoreoDir) {
    out.push(diagnostic(path, 'warning', 'descriptor-location', `${path} is not in a .choreo/ directory, so neither Choreo nor pave reads it`,
      `move it to <component directory>/.choreo/${kind}; paths inside it stay relative to the component directory`));
  }
  return out;
}

function withWarnings(result: CheckResult, extra: readonly Diagnostic[]): CheckResult {
  return extra.length === 0 ? result : { ...result, warnings: [...extra, ...result.warnings] };
}

function report(path: string, kind: DescriptorKind, schemaVersion: string | null, result: CheckResult): FileReport {
  return {
    path,
    kind,
    schemaVersion,
    valid: result.errors.length === 0,
    choreoValid: result.choreoValid,
    errors: result.errors,
    warnings: result.warnings,
  };
}

function diagnostic(file: string, severity: Diagnostic['severity'], code: string, message: string, hint: string): Diagnostic {
  return { severity, code, file, line: 1, column: 1, path: '', message, hint };
}
