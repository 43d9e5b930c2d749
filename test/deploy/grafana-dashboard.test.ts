/**
 * The Grafana dashboard queries only metrics pave exports: every `pave_*` name in every panel's
 * expression is a registered metric (histograms through `_bucket`, `_sum`, `_count`).
 */
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { createMetrics } from '../../src/webhooks/metrics.js';

interface Panel { title: string; type: string; targets?: { expr: string }[]; panels?: Panel[] }

it('queries only metrics pave exports, and every pave metric has a panel', async () => {
  const dashboard = JSON.parse(readFileSync('deploy/grafana/pave-dashboard.json', 'utf8')) as { uid: string; panels: Panel[] };
  const registry = new Registry();
  createMetrics(registry);
  const exported = new Map((await registry.getMetricsAsJSON()).map((m) => [m.name, String(m.type)]));

  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  expect(exprs.length).toBeGreaterThan(10);
  const queried = new Set<string>();
  for (const expr of exprs) {
    const names = expr.match(/\bpave_[a-z0-9_]+/g) ?? [];
    expect(names.length, `panel expression names no pave metric: ${expr}`).toBeGreaterThan(0);
    for (const name of names) {
      const histogram = /^(.*)_(bucket|sum|count)$/.exec(name);
      const base = histogram && exported.get(histogram[1]!) === 'histogram' ? histogram[1]! : name;
      expect(exported.has(base), `${name} (in ${expr}) is not a metric pave exports`).toBe(true);
      if (base !== name) expect(exported.get(base)).toBe('histogram');
      queried.add(base);
    }
  }
  expect([...exported.keys()].filter((n) => !queried.has(n))).toEqual([]);
  expect(dashboard.uid).toBe('pave-overview');
});
