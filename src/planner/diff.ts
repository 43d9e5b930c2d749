/**
 * Compare the desired state of one (component, environment) with what the state repository
 * recorded at the last apply, resource by resource, into typed actions. A database that is no
 * longer desired is never removed: it becomes `retain-orphan`, on every plan until it is deleted
 * explicitly (the state repository's orphans); an orphan declared again is adopted.
 */
import type { CurrentState } from '../domain/orphans.js';
import type { Action, DesiredState, FieldChange } from '../domain/plan.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { deleteCommand } from './orphans.js';

export function diffStates(current: CurrentState | undefined, desired: DesiredState): Action[] {
  const actions: Action[] = [];
  const w = desired.workload;
  const kind = w.type === 'scheduled-task' ? 'CronJob' : w.type === 'manual-task' ? 'Job template' : 'Deployment';
  const workloadFields = (s: DesiredState) => ({
    type: s.workload.type,
    replicas: s.workload.replicas,
    cpu: s.workload.resources.cpu,
    memory: s.workload.resources.memory,
    schedule: s.workload.schedule,
    buildPreset: s.workload.buildPreset,
    namespace: s.namespace,
  });
  if (!current) {
    const res = [w.resources.cpu && `cpu ${w.resources.cpu}`, w.resources.memory && `memory ${w.resources.memory}`].filter(Boolean).join(', ');
    const shape = w.type === 'scheduled-task' ? `schedule "${w.schedule ?? ''}"` : w.type === 'manual-task' ? 'run on demand' : `${w.replicas} replica${w.replicas === 1 ? '' : 's'}`;
    actions.push({ op: 'create', resource: 'workload', name: desired.component, detail: `${kind} in namespace ${desired.namespace}, ${shape}${res ? `, ${res}` : ''}` });
  } else {
    const changes = fieldChanges(workloadFields(current), workloadFields(desired));
    if (changes.length > 0) actions.push({ op: 'update', resource: 'workload', name: desired.component, changes });
  }

  diffByName(actions, 'endpoint', current?.endpoints ?? [], desired.endpoints,
    (e) => `${e.type} :${e.port}${e.basePath === '/' ? '' : ' ' + e.basePath}, visible to ${e.visibilities.join(', ')} (id ${e.id})`,
    (e) => ({ type: e.type, port: e.port, basePath: e.basePath, visibilities: e.visibilities.join(',') }));

  // Orphans (databases an earlier apply stopped declaring) count as existing: one declared again
  // is adopted (data intact), the others stay retained until deleted explicitly.
  const wantedDbs = new Set(desired.databases.map((d) => d.name));
  const declared = new Set((current?.databases ?? []).map((d) => d.name));
  const orphans = (current?.orphans ?? []).filter((o) => !declared.has(o.name));
  const adopted = orphans.filter((o) => wantedDbs.has(o.name));
  diffByName(actions, 'database', [...(current?.databases ?? []), ...adopted], desired.databases,
    (d) => `${d.plan} database \`${d.database}\` owned by \`${d.user}\` on ${d.host}:${d.port}, ${d.connectionLimit} connections`,
    (d) => ({ plan: d.plan, connectionLimit: d.connectionLimit, host: d.host, port: d.port, database: d.database, user: d.user }));
  for (const o of adopted) {
    const at = actions.findIndex((a) => a.op === 'update' && a.resource === 'database' && a.name === o.name);
    const adoption: FieldChange = { field: 'orphan', from: `retained since ${o.since}`, to: 'adopted again, data intact' };
    if (at >= 0) {
      const a = actions[at] as Extract<Action, { op: 'update' }>;
      actions[at] = { ...a, changes: [adoption, ...a.changes] };
    } else {
      actions.push({ op: 'update', resource: 'database', name: o.name, changes: [adoption] });
    }
  }
  for (const old of current?.databases ?? []) {
    if (!wantedDbs.has(old.name)) {
      actions.push({ op: 'retain-orphan', resource: 'database', name: old.name,
        detail: `no longer declared; \`${old.database}\` and its data are kept (delete it explicitly if it is no longer needed)` });
    }
  }
  for (const o of orphans) {
    if (!wantedDbs.has(o.name)) {
      actions.push({ op: 'retain-orphan', resource: 'database', name: o.name,
        detail: `retained since ${o.since} (no longer declared at ${o.sourceSha.slice(0, 7)}); \`${o.database}\` and its data are kept — ` +
          `\`${deleteCommand(desired.environment, desired.component, o)}\` deletes it` });
    }
  }

  diffByName(actions, 'connection', current?.connections ?? [], desired.connections,
    (c) => `${c.kind} → ${c.target}${c.visibility ? ` (${c.visibility})` : ''}: ${Object.keys(c.env).sort().join(', ')}`,
    (c) => ({ target: c.target, visibility: c.visibility, ...Object.fromEntries(Object.entries(c.env).map(([k, v]) => [`env.${k}`, v])) }));

  const configChanges = fieldChanges(current?.config ?? {}, desired.config);
  if (!current && Object.keys(desired.config).length > 0) {
    actions.push({ op: 'create', resource: 'config', name: 'environment', detail: Object.keys(desired.config).sort().join(', ') });
  } else if (current && configChanges.length > 0) {
    actions.push({ op: 'update', resource: 'config', name: 'environment', changes: configChanges });
  }

  diffByName(actions, 'file', current?.files ?? [], desired.files ?? [],
    (f) => `${f.type} file at ${filePath(f.mountPath, f.name)}${Object.keys(f.values).length > 0 ? `: ${Object.keys(f.values).sort().join(', ')}` : ''}`,
    (f) => ({ mountPath: f.mountPath, type: f.type, ...flatten(f.values, 'values') }));

  const rules = (s: DesiredState | undefined) => ({
    ingress: (s?.network.ingress ?? []).map((r) => `${r.peer}${r.port ? ':' + r.port : ''}`).sort().join(', '),
    egress: (s?.network.egress ?? []).map((r) => `${r.peer}${r.port ? ':' + r.port : ''}`).sort().join(', '),
  });
  const net = fieldChanges(rules(current), rules(desired));
  if (!current) {
    const r = rules(desired);
    if (r.ingress || r.egress) actions.push({ op: 'create', resource: 'network', name: 'NetworkPolicy', detail: `ingress from ${r.ingress || 'nobody'}; egress to ${r.egress || 'nothing'}` });
  } else if (net.length > 0) {
    actions.push({ op: 'update', resource: 'network', name: 'NetworkPolicy', changes: net });
  }
  return actions;
}

function diffByName<T extends { name: string }>(
  actions: Action[],
  resource: 'endpoint' | 'database' | 'connection' | 'file',
  before: readonly T[],
  after: readonly T[],
  describe: (t: T) => string,
  fields: (t: T) => Record<string, unknown>,
): void {
  const old = new Map(before.map((t) => [t.name, t]));
  const now = new Set(after.map((t) => t.name));
  for (const t of after) {
    const prev = old.get(t.name);
    if (!prev) {
      actions.push({ op: 'create', resource, name: t.name, detail: describe(t) });
      continue;
    }
    const changes = fieldChanges(fields(prev), fields(t));
    if (changes.length > 0) actions.push({ op: 'update', resource, name: t.name, changes });
  }
  if (resource === 'database') return; // orphans handled by the caller: never removed
  for (const t of before) {
    if (!now.has(t.name)) actions.push({ op: 'remove', resource, name: t.name, detail: describe(t) });
  }
}

/** Leaf values of a tree by dotted path (`values.logging.level`, `values.hosts[0]`); empty maps and lists are leaves. */
function flatten(value: unknown, prefix: string, out: Record<string, unknown> = {}): Record<string, unknown> {
  if (Array.isArray(value) && value.length > 0) value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  else if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, `${prefix}.${k}`, out);
  } else out[prefix] = value;
  return out;
}

/** Where a file is mounted: `mountPath/name`. */
function filePath(mountPath: string, name: string): string {
  return `/${mountPath}/${name}`.replace(/\/{2,}/g, '/');
}

/** Changed keys between two flat records (values compared as canonical JSON). */
export function fieldChanges(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: FieldChange[] = [];
  for (const field of keys) {
    const from = before[field];
    const to = after[field];
    if (canonicalJson(from ?? null) !== canonicalJson(to ?? null)) out.push({ field, from, to });
  }
  return out;
}
