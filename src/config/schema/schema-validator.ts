/**
 * JSON Schema validation (ajv 8) with diagnostics that point into the YAML source.
 *
 * Schemas are compiled once per process and reused. ajv's `instancePath` is mapped to a line and
 * column through the {@link YamlDocument} position index; `required` errors point at the parent
 * mapping, `additionalProperties` at the offending key. The number of reported errors is capped so
 * a hostile document cannot produce millions of diagnostics.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Diagnostic } from '../../domain/diagnostic.js';
import { fromPointer } from '../../lib/json-pointer.js';
import type { YamlDocument } from '../yaml/parse-yaml.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** Most errors reported for one document. */
export const MAX_SCHEMA_ERRORS = 50;

export interface SchemaValidator {
  /** Validate `doc.value` (or `value` when given, positions still from `doc`). */
  validate(doc: YamlDocument, value?: unknown): Diagnostic[];
}

/**
 * Build a validator for one JSON Schema object. `severityFor` lets callers downgrade some
 * keywords (pave reports unknown keys in Choreo files as warnings, exactly like Choreo ignores them).
 */
export function createSchemaValidator(
  schema: object,
  options: { schemas?: readonly object[]; severityFor?: (e: ErrorObject) => 'error' | 'warning' } = {},
): SchemaValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, $data: false });
  addFormats(ajv);
  for (const s of options.schemas ?? []) ajv.addSchema(s);
  const check: ValidateFunction = ajv.compile(schema);
  return {
    validate(doc, value = doc.value) {
      if (check(value)) return [];
      const errors = (check.errors ?? []).filter(isUseful);
      const out = errors.slice(0, MAX_SCHEMA_ERRORS).map((e) => toDiagnostic(doc, e, options.severityFor?.(e) ?? 'error'));
      if (errors.length > MAX_SCHEMA_ERRORS) {
        out.push({
          severity: 'error', code: 'too-many-errors', file: doc.file, line: 1, column: 1, path: '',
          message: `${errors.length - MAX_SCHEMA_ERRORS} more schema errors not shown`,
          hint: 'fix the errors above first',
        });
      }
      return out;
    },
  };
}

// `if/then` wrappers and `anyOf`/`oneOf` summaries repeat what their branches already said.
function isUseful(e: ErrorObject): boolean {
  return e.keyword !== 'if' && e.keyword !== 'anyOf' && e.keyword !== 'oneOf';
}

function toDiagnostic(doc: YamlDocument, e: ErrorObject, severity: 'error' | 'warning'): Diagnostic {
  const path = fromPointer(e.instancePath);
  const where = (() => {
    if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      return { pos: doc.locateKey([...path, key]), pointer: `${e.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}` };
    }
    return { pos: path.length > 0 ? doc.locate(path) : doc.locate([]), pointer: e.instancePath };
  })();
  const subject = where.pointer === '' ? 'the document' : `\`${where.pointer.slice(1).replace(/\//g, '.')}\``;
  return {
    severity,
    code: `schema-${e.keyword}`,
    file: doc.file,
    line: where.pos.line,
    column: where.pos.column,
    path: where.pointer,
    message: messageFor(e, subject),
    hint: hintFor(e),
  };
}

function messageFor(e: ErrorObject, subject: string): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${subject} is missing required key \`${String(p.missingProperty)}\``;
    case 'additionalProperties':
      return `unknown key ${subject}`;
    case 'enum':
      return `${subject} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${subject} must be ${String(p.type)}`;
    case 'pattern':
      return `${subject} must match ${String(p.pattern)}`;
    case 'const':
      return `${subject} must be ${JSON.stringify(p.allowedValue)}`;
    default:
      return `${subject} ${e.message ?? 'is invalid'}`;
  }
}

function hintFor(e: ErrorObject): string | undefined {
  switch (e.keyword) {
    case 'additionalProperties':
      return 'check the spelling; see the JSON Schema in schemas/ for the allowed keys';
    case 'required':
      return 'add the missing key';
    case 'type':
      return 'quote strings, write numbers without quotes, use `[a, b]` or `- item` for lists';
    default:
      return undefined;
  }
}
