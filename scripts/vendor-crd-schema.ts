/**
 * Vendor the openAPIV3Schema of a CustomResourceDefinition into test/fixtures/kubernetes, for the
 * deploy tests (Helm chart, GitOps examples) that validate objects of that kind offline.
 *
 *   npx tsx scripts/vendor-crd-schema.ts <crd.yaml> <version> <out.json> "<source: repo, path, commit, license>" [--strip-descriptions]
 *
 * The schema is copied as is (YAML to JSON), except that `--strip-descriptions` removes the
 * `description` strings (documentation only; Argo CD's Application CRD is 400 kB with them).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { load } from 'js-yaml';

const [crdPath, version, out, source, flag] = process.argv.slice(2);
if (!crdPath || !version || !out || !source) {
  process.stderr.write('usage: vendor-crd-schema.ts <crd.yaml> <version> <out.json> "<source>" [--strip-descriptions]\n');
  process.exit(2);
}
interface Crd { spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[] } }
const crd = load(readFileSync(crdPath, 'utf8')) as Crd;
const v = crd.spec.versions.find((x) => x.name === version);
if (!v) throw new Error(`${crdPath}: no version ${version} (has ${crd.spec.versions.map((x) => x.name).join(', ')})`);
const strip = flag === '--strip-descriptions';

/** Drop documentation strings; a property *named* `description` has a schema object, not a string, and stays. */
function withoutDescriptions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDescriptions);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node)
    .filter(([k, val]) => !(k === 'description' && typeof val === 'string'))
    .map(([k, val]) => [k, withoutDescriptions(val)]));
}

const schema = {
  $comment: `The openAPIV3Schema of ${crd.spec.names.kind} ${crd.spec.group}/${version}, copied ${strip ? 'with its description strings removed' : 'verbatim'} (YAML to JSON) from ${source}. Produced by scripts/vendor-crd-schema.ts.`,
  ...(strip ? withoutDescriptions(v.schema.openAPIV3Schema) as Record<string, unknown> : v.schema.openAPIV3Schema),
};
writeFileSync(out, JSON.stringify(schema, null, strip ? 0 : 1) + '\n');
process.stdout.write(`${out}: ${JSON.stringify(schema).length} characters\n`);
