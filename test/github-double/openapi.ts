/**
 * GitHub's REST description (the checked-in subset) as a router and a conformance checker: a
 * request is matched to its operation by method and path template, then its path parameters,
 * query and JSON body are checked against the operation with ajv. What does not conform is
 * recorded as a violation instead of being rejected, so a test sees every mistake at once.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export that NodeNext types as the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

interface SubsetParameter { name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: object }
interface SubsetOperation {
  method: string;
  path: string;
  operationId: string;
  parameters: SubsetParameter[];
  requestBody?: { required: boolean; schema: object };
  responses: Record<string, object | null>;
}

/** `METHOD /path/{template}` as in the subset, e.g. `GET /repos/{owner}/{repo}`. */
export type OperationKey = string;

export interface Violation {
  readonly operation: OperationKey | null;
  readonly method: string;
  readonly path: string;
  readonly problem: string;
}

/** Path parameters that may span several segments (GitHub documents them as `x-multi-segment`). */
const MULTI_SEGMENT = new Set(['path', 'ref', 'sha', 'basehead']);

interface CompiledOperation {
  readonly key: OperationKey;
  readonly op: SubsetOperation;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly pathParams: ValidateFunction;
  readonly query: ValidateFunction;
  readonly queryNames: ReadonlySet<string>;
  readonly body?: ValidateFunction;
  readonly responses: ReadonlyMap<number, ValidateFunction>;
}

export interface MatchedOperation {
  readonly key: OperationKey;
  readonly params: Readonly<Record<string, string>>;
}

function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim()).join('; ');
}

export class OpenApiSubset {
  private readonly operations: CompiledOperation[];

  constructor(file = new URL('./openapi-subset.json', import.meta.url)) {
    const subset = JSON.parse(readFileSync(file, 'utf8')) as { operations: SubsetOperation[] };
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(ajv);
    const queryAjv = new Ajv({ strict: false, allErrors: true, coerceTypes: true, logger: false });
    this.operations = subset.operations.map((op) => {
      const names: string[] = [];
      const source = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return MULTI_SEGMENT.has(name) ? '(.+?)' : '([^/]+)';
      });
      const queryParams = op.parameters.filter((p) => p.in === 'query');
      const pathParams = op.parameters.filter((p) => p.in === 'path');
      return {
        key: `${op.method} ${op.path}`,
        op,
        pattern: new RegExp(`^${source}$`),
        names,
        pathParams: queryAjv.compile({
          type: 'object',
          properties: Object.fromEntries(pathParams.map((p) => [p.name, p.schema])),
          required: pathParams.map((p) => p.name),
        }),
        query: queryAjv.compile({
          type: 'object',
          properties: Object.fromEntries(queryParams.map((p) => [p.name, p.schema])),
          required: queryParams.filter((p) => p.required).map((p) => p.name),
        }),
        queryNames: new Set(queryParams.map((p) => p.name)),
        body: op.requestBody ? ajv.compile(op.requestBody.schema) : undefined,
        responses: new Map(Object.entries(op.responses).filter(([, s]) => s !== null).map(([status, s]) => [Number(status), ajv.compile(s!)])),
      };
    });
    // A fixed segment beats a parameter: try templates with more literal characters first.
    this.operations.sort((a, b) => b.op.path.replace(/\{\w+\}/g, '').length - a.op.path.replace(/\{\w+\}/g, '').length);
  }

  /** Every operation key, for listing what the double serves. */
  get keys(): OperationKey[] {
    return this.operations.map((o) => o.key);
  }

  /** The operation a request is for, with its decoded path parameters. */
  match(method: string, path: string): MatchedOperation | undefined {
    for (const compiled of this.operations) {
      if (compiled.op.method !== method) continue;
      const m = compiled.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      compiled.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
      return { key: compiled.key, params };
    }
    return undefined;
  }

  /**
   * Problems with a request to `key`: path parameters of the wrong type (`issue_number=abc`),
   * unknown or missing query parameters, a body that does not match.
   */
  checkRequest(key: OperationKey, params: Readonly<Record<string, string>>, query: Readonly<Record<string, string>>, body: unknown): string[] {
    const compiled = this.find(key);
    const problems: string[] = [];
    if (!compiled.pathParams({ ...params })) problems.push(`path: ${describeErrors(compiled.pathParams)}`);
    for (const name of Object.keys(query)) {
      if (!compiled.queryNames.has(name)) problems.push(`unknown query parameter ${name}`);
    }
    if (!compiled.query({ ...query })) problems.push(`query: ${describeErrors(compiled.query)}`);
    if (compiled.body) {
      if (body === undefined) {
        if (compiled.op.requestBody?.required) problems.push('request body required');
      } else if (!compiled.body(body)) {
        problems.push(`body: ${describeErrors(compiled.body)}`);
      }
    } else if (body !== undefined) {
      problems.push('operation takes no request body');
    }
    return problems;
  }

  /** Problems with a JSON response the double sends (its own realism, checked like requests). */
  checkResponse(key: OperationKey, status: number, body: unknown): string[] {
    const compiled = this.find(key);
    if (status >= 300) return [];
    const validate = compiled.responses.get(status);
    if (!validate) return compiled.op.responses[String(status)] === undefined ? [`status ${status} is not a documented success response`] : [];
    return validate(body) ? [] : [`response ${status}: ${describeErrors(validate)}`];
  }

  private find(key: OperationKey): CompiledOperation {
    const compiled = this.operations.find((o) => o.key === key);
    if (!compiled) throw new Error(`no operation ${key}`);
    return compiled;
  }
}
