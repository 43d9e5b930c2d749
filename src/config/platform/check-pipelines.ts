/**
 * Pipelines name defined environments, each once, and their promotions link each environment
 * to the next one in the list: no gate between environments that are not neighbours, no gate
 * given twice, no cycle.
 */
import type { Diagnostic } from '../../domain/diagnostic.js';
import { diagnosticAt, placeOf } from './diagnostic-at.js';
import type { PlatformIndex } from './index-platform.js';
import type { PlatformDocument } from './platform-document.js';
import { field, listField, stringField } from './raw-access.js';
import { ENVIRONMENT, unknownReference } from './unknown-reference.js';

interface Edge {
  readonly index: number;
  readonly from: string;
  readonly to: string;
}

/** Check every pipeline file. */
export function checkPipelines(index: PlatformIndex): Diagnostic[] {
  return index.documents.filter((f) => f.kind === 'pipeline').flatMap((f) => checkPipeline(index, f));
}

function checkPipeline(index: PlatformIndex, file: PlatformDocument): Diagnostic[] {
  const { doc } = file;
  const out: Diagnostic[] = [];
  const known = index.ids('environment');
  const listed = Array.isArray(field(doc.value, 'environments'));
  const order = new Map<string, number>();
  listField(doc.value, 'environments').forEach((env, i) => {
    if (typeof env !== 'string') return;
    if (!index.isDefined('environment', env)) out.push(unknownReference(doc, ['environments', i], ENVIRONMENT, env, known));
    const earlier = order.get(env);
    if (earlier !== undefined) {
      out.push(diagnosticAt(doc, ['environments', i], {
        code: 'duplicate-pipeline-environment',
        message: `environment \`${env}\` appears twice in the pipeline (first at ${placeOf(doc, ['environments', earlier])})`,
        hint: 'a release passes each environment once; remove the repeated entry',
      }));
    } else order.set(env, i);
  });

  const edges: Edge[] = [];
  listField(doc.value, 'promotions').forEach((gate, i) => {
    const from = stringField(gate, 'from');
    const to = stringField(gate, 'to');
    for (const [key, env] of [['from', from], ['to', to]] as const) {
      if (env === undefined) continue;
      if (!index.isDefined('environment', env)) out.push(unknownReference(doc, ['promotions', i, key], ENVIRONMENT, env, known));
      else if (listed && !order.has(env)) {
        out.push(diagnosticAt(doc, ['promotions', i, key], {
          code: 'promotion-outside-pipeline',
          message: `promotion ${key} \`${env}\`, which is not one of this pipeline's environments`,
          hint: `add \`${env}\` to \`environments\` or promote between ${[...order.keys()].join(', ')}`,
        }));
      }
    }
    if (from !== undefined && to !== undefined) edges.push({ index: i, from, to });
  });

  // The gate that goes backwards closes the cycle and is reported as such; the others are
  // still checked for skipping environments.
  const closing = new Set<number>();
  for (const cycle of findCycles(edges)) {
    const first = cycle[0]!;
    const route = [...cycle.map((e) => e.from), first.from].join(' → ');
    const back = cycle.find((e) => (order.get(e.to) ?? Infinity) <= (order.get(e.from) ?? -Infinity)) ?? first;
    closing.add(back.index);
    out.push(diagnosticAt(doc, ['promotions', back.index], {
      code: 'promotion-cycle',
      message: `promotions form a cycle: ${route}`,
      hint: 'promotions only move forward, from each environment to the next in `environments`; remove the gate that goes back',
    }));
  }

  const seen = new Map<string, number>();
  for (const e of edges) {
    const key = `${e.from}\u0000${e.to}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      out.push(diagnosticAt(doc, ['promotions', e.index], {
        code: 'duplicate-promotion',
        message: `the gate ${e.from} → ${e.to} is given twice (first at ${placeOf(doc, ['promotions', earlier])})`,
        hint: 'merge the two entries into one',
      }));
      continue;
    }
    seen.set(key, e.index);
    if (closing.has(e.index)) continue;
    const a = order.get(e.from);
    const b = order.get(e.to);
    if (a !== undefined && b !== undefined && b !== a + 1) {
      const next = [...order.keys()][a + 1];
      out.push(diagnosticAt(doc, ['promotions', e.index], {
        code: 'promotion-not-consecutive',
        message: `promotion ${e.from} → ${e.to} skips the order of \`environments\``,
        hint: next !== undefined
          ? `a release leaving \`${e.from}\` goes to \`${next}\`; write \`to: ${next}\` or reorder \`environments\``
          : `\`${e.from}\` is the last environment of the pipeline; nothing is promoted out of it`,
      }));
    }
  }
  return out;
}

/** Each elementary cycle once (graphs here have a handful of edges), in the order of its first edge. */
function findCycles(edges: readonly Edge[]): Edge[][] {
  const cycles: Edge[][] = [];
  const reported = new Set<number>();
  for (const start of edges) {
    if (reported.has(start.index)) continue;
    const path = pathBetween(edges, start.to, start.from);
    if (!path) continue;
    const cycle = [start, ...path];
    for (const e of cycle) reported.add(e.index);
    cycles.push(cycle);
  }
  return cycles;
}

/** Breadth-first path of edges from `from` to `to` (empty when they are equal). */
function pathBetween(edges: readonly Edge[], from: string, to: string): Edge[] | undefined {
  const via = new Map<string, Edge | null>([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (node === to) {
      const path: Edge[] = [];
      for (let e = via.get(node); e; e = via.get(e.from)) path.unshift(e);
      return path;
    }
    for (const e of edges) {
      if (e.from === node && !via.has(e.to)) {
        via.set(e.to, e);
        queue.push(e.to);
      }
    }
  }
  return undefined;
}
