/**
 * Load a platform repository: text in, trusted {@link PlatformConfig} out.
 *
 * Each file's kind comes from where it sits (see `classifyPlatformPath`). Every file is parsed
 * with the YAML bounds, validated against its kind's JSON Schema and per-file rules; then the
 * rules that span files run over everything that parsed. All problems are collected, each with
 * file, line, column and a hint. The model is built only when no error was found; warnings
 * travel with it.
 */
import { compareDiagnostics, isError, type Diagnostic } from '../../domain/diagnostic.js';
import type { PlatformConfig } from '../../domain/platform.js';
import type { SourceTree } from '../../domain/source-tree.js';
import { DEFAULT_YAML_LIMITS, parseYamlBytes, type YamlLimits } from '../yaml/parse-yaml.js';
import { buildPlatformConfig } from './build-platform-config.js';
import { checkCrossFileRules } from './check-cross-file-rules.js';
import { checkFileRules } from './check-file-rules.js';
import { classifyPlatformPath } from './classify-platform-path.js';
import type { PlatformDocument, UnreadablePlatformFile } from './platform-document.js';
import { validatePlatformFile } from './validate-platform-file.js';

export interface LoadPlatformOptions {
  /** Bounds for each file. @defaultValue {@link DEFAULT_YAML_LIMITS} (1 MiB, 50 aliases, depth 64) */
  readonly limits?: YamlLimits;
  /** Most platform files read; a larger repository is refused. @defaultValue 2000 */
  readonly maxFiles?: number;
}

export type LoadPlatformResult =
  | { readonly ok: true; readonly config: PlatformConfig; readonly warnings: readonly Diagnostic[] }
  /** Errors and warnings, sorted by file, line and column. */
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Load and validate every platform file of `tree` (paths relative to the platform repository root). */
export function loadPlatform(tree: SourceTree, options: LoadPlatformOptions = {}): LoadPlatformResult {
  const limits = options.limits ?? DEFAULT_YAML_LIMITS;
  const maxFiles = options.maxFiles ?? 2000;
  const diagnostics: Diagnostic[] = [];
  const documents: PlatformDocument[] = [];
  const unreadable: UnreadablePlatformFile[] = [];

  const candidates = [...tree.paths].sort().flatMap((path) => {
    const c = classifyPlatformPath(path);
    if (c.kind === undefined && c.nested) {
      diagnostics.push(wholeFile(path, 'warning', 'ignored-file', 'pave does not read YAML files in subdirectories of this folder',
        `move it up to \`${path.split('/')[0]}/\` if it should be loaded`));
    }
    return c.kind === undefined ? [] : [{ path, kind: c.kind, stem: c.stem }];
  });
  if (candidates.length > maxFiles) {
    return {
      ok: false,
      diagnostics: [wholeFile(candidates[maxFiles]!.path, 'error', 'too-many-files',
        `the platform repository has ${candidates.length} platform files, more than the ${maxFiles} pave reads`,
        'remove generated or unused files')],
    };
  }

  for (const { path, kind, stem } of candidates) {
    const bytes = tree.files.get(path);
    if (!bytes) {
      diagnostics.push(wholeFile(path, 'error', 'file-not-read', 'the file is listed but its contents were not read',
        'the platform repository reader must fetch every YAML file of the known folders'));
      unreadable.push({ kind, file: path, stem });
      continue;
    }
    const parsed = parseYamlBytes(path, bytes, limits);
    if (!parsed.ok) {
      diagnostics.push(...parsed.diagnostics);
      unreadable.push({ kind, file: path, stem });
      continue;
    }
    const problems = validatePlatformFile(kind, parsed.doc);
    const file = { kind, file: path, stem, doc: parsed.doc, valid: !problems.some(isError) };
    problems.push(...checkFileRules(file));
    diagnostics.push(...problems);
    documents.push({ ...file, valid: !problems.some(isError) });
  }

  if (!candidates.some((c) => c.kind === 'platform')) {
    diagnostics.push(wholeFile('platform.yaml', 'error', 'platform-missing', 'the platform repository has no platform.yaml',
      'create platform.yaml at the repository root with organization, githubOwners, stateRepository and defaults (see schemas/platform.schema.json)'));
  }
  diagnostics.push(...checkCrossFileRules(documents, unreadable, tree));
  diagnostics.sort(compareDiagnostics);

  if (diagnostics.some(isError)) return { ok: false, diagnostics };
  return { ok: true, config: buildPlatformConfig(documents, tree), warnings: diagnostics };
}

function wholeFile(file: string, severity: Diagnostic['severity'], code: string, message: string, hint: string): Diagnostic {
  return { severity, code, file, line: 1, column: 1, path: '', message, hint };
}
