/**
 * Write `test/github-double/openapi-subset.json`: the operations of GitHub's published REST
 * description that the test double serves, with their parameters, request bodies and success
 * response schemas, and without descriptions, examples or vendor keys.
 *
 * The description ships in `@octokit/openapi` (about 400 MB unpacked), which is never a
 * dependency: the script fetches the tarball with `npm pack` into a temporary directory, reads
 * the dereferenced api.github.com description there, and removes the directory.
 *
 *   npx tsx scripts/extract-github-openapi.ts            # npm pack, extract, write
 *   npx tsx scripts/extract-github-openapi.ts --from DIR # reuse an unpacked package directory
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PACKAGE = '@octokit/openapi@23.0.2';
const FILE = 'generated/api.github.com.deref.json';
const OUT = 'test/github-double/openapi-subset.json';

/** Every operation the double serves, as `METHOD path-template`. */
export const OPERATIONS = [
  'GET /app',
  'POST /app/installations/{installation_id}/access_tokens',
  'GET /app/hook/deliveries',
  'GET /app/hook/deliveries/{delivery_id}',
  'POST /app/hook/deliveries/{delivery_id}/attempts',
  'GET /app/installations',
  'GET /installation/repositories',
  'GET /rate_limit',
  'GET /user',
  'GET /user/memberships/orgs/{org}',
  'GET /orgs/{org}/teams/{team_slug}/memberships/{username}',
  'GET /repos/{owner}/{repo}',
  'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
  'GET /repos/{owner}/{repo}/commits/{ref}',
  'GET /repos/{owner}/{repo}/commits/{ref}/statuses',
  'GET /repos/{owner}/{repo}/commits/{commit_sha}/comments',
  'POST /repos/{owner}/{repo}/commits/{commit_sha}/comments',
  'PATCH /repos/{owner}/{repo}/comments/{comment_id}',
  'GET /repos/{owner}/{repo}/compare/{basehead}',
  'GET /repos/{owner}/{repo}/contents/{path}',
  'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
  'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'GET /repos/{owner}/{repo}/issues/comments/{comment_id}',
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
  'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}',
  'GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
  'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
  'GET /repos/{owner}/{repo}/pulls/{pull_number}',
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/files',
  'POST /repos/{owner}/{repo}/statuses/{sha}',
] as const;

/** Schema keywords that only document; dropped to keep the subset small. */
const DOCUMENTATION = new Set(['description', 'summary', 'title', 'example', 'examples', 'externalDocs', 'default', 'deprecated', 'readOnly', 'writeOnly']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * An OpenAPI 3.0 schema as plain JSON Schema, without documentation keywords: `nullable: true`
 * becomes a `null` type (or an `anyOf` with `{ type: 'null' }` when the schema has no type).
 * Property names are kept whatever they are.
 */
export function stripSchema(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(stripSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DOCUMENTATION.has(key) || key.startsWith('x-') || key === 'nullable') continue;
    if ((key === 'properties' || key === 'patternProperties') && value && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, stripSchema(s)]));
    } else if (key === 'enum' || key === 'required') {
      out[key] = value;
    } else {
      out[key] = stripSchema(value);
    }
  }
  if (schema.nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

interface Parameter { name: string; in: string; required?: boolean; schema?: Json }
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> };
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

function extract(description: { info: { version: string }; paths: Record<string, Record<string, Operation>> }): { source: string; generatedBy: string; operations: unknown[] } {
  const operations = OPERATIONS.map((line) => {
    const [method, path] = line.split(' ') as [string, string];
    const op = description.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${line}: not in ${PACKAGE}`);
    const body = op.requestBody?.content?.['application/json']?.schema;
    const responses = Object.fromEntries(Object.entries(op.responses)
      .filter(([status]) => /^2\d\d$/.test(status))
      .map(([status, r]) => [status, r.content?.['application/json']?.schema === undefined ? null : stripSchema(r.content['application/json'].schema)]));
    return {
      method,
      path,
      operationId: op.operationId,
      parameters: (op.parameters ?? []).map((p) => ({ name: p.name, in: p.in, required: p.required === true, schema: stripSchema(p.schema ?? {}) })),
      ...(body === undefined ? {} : { requestBody: { required: op.requestBody?.required === true, schema: stripSchema(body) } }),
      responses,
    };
  });
  return {
    source: `${PACKAGE} ${FILE} (GitHub REST API ${description.info.version})`,
    generatedBy: 'scripts/extract-github-openapi.ts: do not edit by hand',
    operations,
  };
}

/** Compact, but one operation per line so that a regenerated subset reviews as a readable diff. */
function formatSubset(subset: { operations: unknown[] } & Record<string, unknown>): string {
  const { operations, ...head } = subset;
  const headLines = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  return `{\n${headLines.join('\n')}\n  "operations": [\n${operations.map((o) => `    ${JSON.stringify(o)}`).join(',\n')}\n  ]\n}\n`;
}

function main(): void {
  const args = process.argv.slice(2);
  const fromIndex = args.indexOf('--from');
  let dir = fromIndex >= 0 ? args[fromIndex + 1] : undefined;
  let temp: string | undefined;
  if (!dir) {
    temp = mkdtempSync(join(tmpdir(), 'pave-openapi-'));
    const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', temp], { encoding: 'utf8' }).trim().split('\n').pop()!;
    execFileSync('tar', ['xzf', join(temp, tarball), '-C', temp, `package/${FILE}`]);
    dir = join(temp, 'package');
  }
  try {
    const description = JSON.parse(readFileSync(join(dir, FILE), 'utf8'));
    writeFileSync(OUT, formatSubset(extract(description)));
    process.stderr.write(`wrote ${OUT} (${OPERATIONS.length} operations)\n`);
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}

main();
