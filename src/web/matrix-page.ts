/**
 * `GET /matrix` — component × environment, read from the state repository: the release (source
 * sha, linked), the image, when it was applied, by whom (actor and pull request) and the health
 * and kind of the newest deployment in the promotion ledger. `?format=json` gives the rows.
 */
import { Hono } from 'hono';
import type { EnvironmentRelease, ReleaseReader } from '../domain/views.js';
import { escapeHtml as e, layout } from './layout.js';
import type { PageChrome } from './layout.js';

export interface MatrixOptions {
  readonly chrome?: PageChrome;
  readonly repoUrl?: (repo: string) => string | undefined;
  readonly environmentOrder?: () => Promise<readonly string[]>;
}

const HEALTH = { healthy: 'ok', unhealthy: 'bad', unknown: 'unknown' } as const;

export function createMatrixPage(reader: ReleaseReader, options: MatrixOptions = {}): Hono {
  const app = new Hono();
  app.get('/matrix', async (c) => {
    const rows = await reader.releases();
    if (c.req.query('format') === 'json') return c.json(rows);
    const order = await (options.environmentOrder?.() ?? Promise.resolve([])).catch(() => [] as readonly string[]);
    const present = new Set(rows.map((r) => r.environment));
    const environments = [...order.filter((x) => present.has(x)), ...[...present].filter((x) => !order.includes(x)).sort()];
    const components = new Map<string, Map<string, EnvironmentRelease>>();
    for (const r of rows) {
      const key = `${r.project}/${r.component}`;
      const byEnv = components.get(key) ?? new Map<string, EnvironmentRelease>();
      byEnv.set(r.environment, r);
      components.set(key, byEnv);
    }
    const cell = (r: EnvironmentRelease | undefined): string => {
      if (!r) return '<td class="muted">—</td>';
      if (!r.release) return '<td class="muted small">desired state only (not applied yet)</td>';
      const rel = r.release;
      const url = options.repoUrl?.(rel.repo);
      const sha = `<code>${e(rel.sourceSha.slice(0, 7))}</code>`;
      const pr = rel.pullRequest !== undefined ? (url ? ` <a href="${e(url)}/pull/${rel.pullRequest}">#${rel.pullRequest}</a>` : ` #${rel.pullRequest}`) : '';
      const health = r.deployment?.health ?? 'unknown';
      return `<td data-env="${e(r.environment)}"><div>${url ? `<a class="sha" href="${e(url)}/commit/${e(rel.sourceSha)}">${sha}</a>` : sha} <span class="badge ${HEALTH[health]}">${e(health)}</span></div>
<div class="small" title="${e(rel.image)}"><code>${e(shortImage(rel.image))}</code></div>
<div class="small muted"><time datetime="${e(rel.appliedAt)}">${e(rel.appliedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time> by <b>${e(rel.actor)}</b>${pr}${r.deployment ? ` · ${e(r.deployment.how)}` : ''}</div></td>`;
    };
    const table = components.size === 0
      ? '<p id="matrix-empty">Nothing is deployed yet: the matrix fills in when merges are applied.</p>'
      : `<table id="matrix"><tr><th>component</th>${environments.map((x) => `<th>${e(x)}</th>`).join('')}</tr>
${[...components].map(([name, byEnv]) => `<tr data-component="${e(name)}"><td><b>${e(name)}</b></td>${environments.map((x) => cell(byEnv.get(x))).join('')}</tr>`).join('\n')}</table>`;
    const chrome = options.chrome?.(c);
    return c.html(layout({
      title: 'Matrix',
      body: `<h1>Component × environment</h1><p class="muted small">From the state repository: release.json and the promotion ledger of each component. <a href="?format=json">JSON</a></p>${table}`,
      viewer: chrome?.viewer, open: chrome?.open,
    }));
  });
  return app;
}

/** `registry/name@sha256:0123456789ab…` → `name@sha256:0123456789ab`. */
export function shortImage(image: string): string {
  const at = image.indexOf('@');
  const name = (at < 0 ? image : image.slice(0, at)).split('/').pop() ?? image;
  return at < 0 ? name : `${name}${image.slice(at, at + 20)}`;
}
