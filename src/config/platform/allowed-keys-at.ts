import { fromPointer } from '../../lib/json-pointer.js';

type SchemaNode = Readonly<Record<string, unknown>>;

/**
 * The keys a schema allows in the mapping at `pointer` (for "did you mean …?" on unknown keys).
 * Follows `properties`, `patternProperties`, `items`, `additionalProperties`, local `$ref`s and
 * the `then` branches of `allOf`, which is all the platform schemas use. `instance` (the value at
 * `pointer`) selects the `allOf` branches whose `if` holds, as in a policy's `rule`.
 */
export function allowedKeysAt(schema: object, pointer: string, instance?: unknown): readonly string[] {
  let nodes: SchemaNode[] = [schema as SchemaNode];
  for (const segment of fromPointer(pointer)) {
    nodes = nodes.flatMap((n) => expand(schema as SchemaNode, n)).flatMap((n) => childSchemas(n, segment));
    if (nodes.length === 0) return [];
  }
  const keys = new Set<string>();
  for (const node of nodes.flatMap((n) => expand(schema as SchemaNode, n, instance))) {
    for (const key of Object.keys(asNode(node.properties) ?? {})) keys.add(key);
  }
  return [...keys];
}

/** A node plus what it pulls in through `$ref` and `allOf[].then`. */
function expand(root: SchemaNode, node: SchemaNode, instance?: unknown): SchemaNode[] {
  const out = [node];
  const ref = node.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
    const target = asNode(asNode(root.$defs)?.[ref.slice('#/$defs/'.length)]);
    if (target) out.push(...expand(root, target, instance));
  }
  if (Array.isArray(node.allOf)) {
    for (const part of node.allOf) {
      const then = asNode(asNode(part)?.then);
      if (then && (instance === undefined || constsHold(asNode(asNode(part)?.if), instance))) out.push(then);
    }
  }
  return out;
}

/** Whether an `if: { properties: { k: { const: v } } }` holds for `instance`. */
function constsHold(condition: SchemaNode | undefined, instance: unknown): boolean {
  const value = asNode(instance);
  for (const [key, sub] of Object.entries(asNode(condition?.properties) ?? {})) {
    const c = asNode(sub);
    if (c && 'const' in c && value?.[key] !== c.const) return false;
  }
  return true;
}

function childSchemas(node: SchemaNode, segment: string): SchemaNode[] {
  const property = asNode(asNode(node.properties)?.[segment]);
  if (property) return [property];
  const out: SchemaNode[] = [];
  for (const [pattern, child] of Object.entries(asNode(node.patternProperties) ?? {})) {
    const c = asNode(child);
    if (c && new RegExp(pattern, 'u').test(segment)) out.push(c);
  }
  const items = asNode(node.items);
  if (items && /^[0-9]+$/.test(segment)) out.push(items);
  const additional = asNode(node.additionalProperties);
  if (out.length === 0 && additional) out.push(additional);
  return out;
}

function asNode(value: unknown): SchemaNode | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as SchemaNode) : undefined;
}
