/**
 * Schema validation of one platform file, made friendly: known mistakes get their own error,
 * the schema errors they explain are dropped, repeated errors are merged, and every remaining
 * error gets a hint (with "did you mean …?" for misspelt keys).
 */
import type { Diagnostic } from '../../domain/diagnostic.js';
import { closestMatch } from '../../lib/closest-match.js';
import { fromPointer } from '../../lib/json-pointer.js';
import { createSchemaValidator, type SchemaValidator } from '../schema/schema-validator.js';
import type { YamlDocument } from '../yaml/parse-yaml.js';
import { allowedKeysAt } from './allowed-keys-at.js';
import { findKnownMistakes } from './find-known-mistakes.js';
import { hintForSchemaDiagnostic } from './schema-hints.js';
import { PLATFORM_SCHEMAS, schemaFileName, type PlatformFileKind } from './schemas/platform-schemas.js';

// Compiling a schema takes milliseconds; each is compiled on first use and kept.
const validators = new Map<PlatformFileKind, SchemaValidator>();

function validatorFor(kind: PlatformFileKind): SchemaValidator {
  let v = validators.get(kind);
  if (!v) {
    v = createSchemaValidator(PLATFORM_SCHEMAS[kind]);
    validators.set(kind, v);
  }
  return v;
}

/** Validate one parsed file against its kind's schema. */
export function validatePlatformFile(kind: PlatformFileKind, doc: YamlDocument): Diagnostic[] {
  if (doc.value === null || doc.value === undefined) {
    return [{
      severity: 'error', code: 'empty-file', file: doc.file, line: 1, column: 1, path: '',
      message: 'the file is empty',
      hint: `fill it in (see schemas/${schemaFileName(kind)}) or delete it`,
    }];
  }
  const known = findKnownMistakes(kind, doc);
  const isCovered = (pointer: string): boolean =>
    known.covered.some((c) => pointer === c || pointer.startsWith(`${c}/`));
  const seen = new Set<string>();
  const out: Diagnostic[] = [...known.diagnostics];
  for (const d of validatorFor(kind).validate(doc)) {
    if (isCovered(d.path)) continue;
    const key = `${d.path}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(withHint(kind, doc, d));
  }
  return out;
}

function withHint(kind: PlatformFileKind, doc: YamlDocument, d: Diagnostic): Diagnostic {
  if (d.code === 'schema-additionalProperties') {
    const segments = fromPointer(d.path);
    const key = segments[segments.length - 1] ?? '';
    const parent = d.path.slice(0, d.path.lastIndexOf('/'));
    const allowed = allowedKeysAt(PLATFORM_SCHEMAS[kind], parent, valueAt(doc.value, segments.slice(0, -1)));
    const guess = closestMatch(key, allowed);
    if (guess) return { ...d, hint: `did you mean \`${guess}\`?` };
    if (allowed.length > 0) return { ...d, hint: `allowed keys here: ${allowed.join(', ')}` };
    if (kind === 'catalog-entry' && segments.length === 2) {
      return { ...d, hint: 'connection keys start with a letter and use letters and digits, e.g. `ServiceURL`, `ApiKey`' };
    }
    if (kind === 'catalog-entry' && segments.length === 3) {
      return { ...d, hint: 'per-environment values are keyed by an environment name or `*` (every environment)' };
    }
    return d;
  }
  const hint = hintForSchemaDiagnostic(d) ?? d.hint ?? `see schemas/${schemaFileName(kind)} for what this field accepts`;
  return { ...d, hint };
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let v = root;
  for (const segment of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[segment];
  }
  return v;
}
