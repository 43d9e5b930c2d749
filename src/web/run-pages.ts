/**
 * `GET /runs/:id` — one run (commit statuses link here). HTML by default, `?format=json` for the
 * run as data, `?format=md` for the Markdown. Plans hold secret *references* only, never values.
 *
 * The page shows the run's state, its commit statuses (apply: one `pave/deploy/<env>` per
 * environment), the plan per component × environment, then the full plan. While the run is
 * running, a small script polls `?format=json` every 2 s and reloads the page when it finishes
 * (no script: the page says to reload).
 *
 * Extension points: `sections` adds titled sections after the plan (build logs, promotion gates):
 * each renders HTML for a run, or nothing; `live: true` sections are re-fetched while the run is
 * running (as `?section=<id>`), so a build log can grow in place.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Plan } from '../domain/plan.js';
import type { Run, RunStore } from '../domain/runs.js';
import { escapeHtml, layout, scriptJson } from './layout.js';
import type { PageChrome } from './layout.js';

/** A section of the run page another feature contributes (build log, promotion gates …). */
export interface RunSection {
  /** `[a-z0-9-]+`: the section's element id and its `?section=` name. */
  readonly id: string;
  readonly title: string;
  /** HTML (escaped by the section), or undefined when the section has nothing for this run. */
  render(run: Run): Promise<string | undefined>;
  /** Re-rendered every poll while the run is running. */
  readonly live?: boolean;
}

export interface RunPagesOptions {
  readonly sections?: readonly RunSection[];
  /** Link to a repository on GitHub (`https://github.com/<repo>`); none in the embedded mode. */
  readonly repoUrl?: (repo: string) => string | undefined;
  readonly chrome?: PageChrome;
}

const RUN_ID = /^[A-Za-z0-9_.~-]{1,200}$/;

export function createRunPages(runs: RunStore, options: RunPagesOptions = {}): Hono {
  const app = new Hono();
  const sections = options.sections ?? [];
  app.get('/runs/:id', async (c) => {
    const id = c.req.param('id');
    if (!RUN_ID.test(id)) return c.text('no such run', 404);
    const run = await runs.get(id);
    if (!run) return c.text(`no run ${id} (runs are kept for 30 days)`, 404);
    const format = c.req.query('format');
    if (format === 'json') return c.json(run);
    if (format === 'md') return c.text(run.fullMarkdown ?? run.comment ?? run.description, 200, { 'content-type': 'text/markdown; charset=utf-8' });
    const only = c.req.query('section');
    if (only !== undefined) {
      const section = sections.find((s) => s.id === only);
      if (!section) return c.text('no such section', 404);
      return c.html((await section.render(run)) ?? '');
    }
    return c.html(await page(c, run, sections, options));
  });
  return app;
}

const BADGE: Record<Run['state'], string> = {
  running: '<span class="badge wait">running</span>',
  waiting: '<span class="badge wait">waiting</span>',
  succeeded: '<span class="badge ok">succeeded</span>',
  failed: '<span class="badge bad">failed</span>',
  errored: '<span class="badge bad">errored</span>',
};
const STATUS_CLASS = { success: 'ok', failure: 'bad', error: 'bad', pending: 'wait' } as const;

async function page(c: Context, run: Run, sections: readonly RunSection[], options: RunPagesOptions): Promise<string> {
  const e = escapeHtml;
  const repoUrl = options.repoUrl?.(run.repo);
  const pr = run.prNumber !== undefined
    ? (repoUrl ? `<a href="${e(repoUrl)}/pull/${run.prNumber}">#${run.prNumber}</a>` : `#${run.prNumber}`)
    : '';
  const sha = repoUrl ? `<a href="${e(repoUrl)}/commit/${e(run.headSha)}"><code>${e(run.headSha.slice(0, 12))}</code></a>` : `<code>${e(run.headSha.slice(0, 12))}</code>`;
  const kind = ({ 'plan-pr': 'plan', 'plan-platform-pr': 'platform plan', apply: 'apply', promote: 'promotion' } as Record<string, string>)[run.kind] ?? run.kind;
  const statuses = run.statuses?.length
    ? `<h2>Statuses</h2><table id="statuses"><tr><th>context</th><th>state</th><th>description</th></tr>${run.statuses.map((s) =>
      `<tr><td><code>${e(s.context)}</code></td><td><span class="badge ${STATUS_CLASS[s.state]}">${e(s.state)}</span></td><td>${e(s.description)}</td></tr>`).join('')}</table>`
    : '';
  const extra = (await Promise.all(sections.map(async (s) => {
    const html = await s.render(run);
    return html === undefined ? '' : `<section id="section-${e(s.id)}" data-section="${e(s.id)}"${s.live ? ' data-live' : ''}><h2>${e(s.title)}</h2><div class="section-body">${html}</div></section>`;
  }))).join('');
  const body = run.fullMarkdown ?? run.comment ?? '';
  const live = run.state === 'running'
    ? '<p id="live" class="muted small">This run is in progress; the page updates by itself (reload it if scripts are off).</p>'
    : '';
  const html = `<h1>pave run <span class="muted">${e(kind)}</span></h1>
<dl><dt>run</dt><dd><code id="run-id">${e(run.id)}</code></dd>
<dt>repository</dt><dd>${e(run.repo)} ${pr} @ ${sha}</dd>
<dt>state</dt><dd><span id="run-state">${BADGE[run.state]}</span> — <span id="run-description">${e(run.description)}</span></dd>
<dt>started</dt><dd>${e(run.startedAt)}${run.finishedAt ? ` · finished ${e(run.finishedAt)}` : ''}</dd></dl>
${live}
${run.error ? `<p class="err" id="run-error">${e(run.error)}</p>` : ''}
<p class="small"><a href="?format=md">Markdown</a> · <a href="?format=json">JSON</a></p>
${statuses}
${run.plan ? planTable(run.plan) : ''}
${extra}
${body ? `<h2>Full ${run.kind === 'apply' ? 'report' : 'plan'}</h2><pre id="full-plan">${e(body)}</pre>` : ''}`;
  const chrome = options.chrome?.(c);
  return layout({ title: `run ${run.id}`, body: html, viewer: chrome?.viewer, open: chrome?.open, ...(run.state === 'running' ? { script: liveScript(run.state) } : {}) });
}

function planTable(plan: Plan): string {
  const e = escapeHtml;
  const s = plan.summary;
  const envs = [...new Set(plan.components.flatMap((c) => c.environments.map((x) => x.environment)))];
  const rows = plan.components.map((c) => {
    const cells = envs.map((env) => {
      const x = c.environments.find((y) => y.environment === env);
      if (!x) return '<td class="muted">—</td>';
      if (x.status === 'invalid') return `<td><span class="badge bad">invalid</span> ${x.problems.length} problem${x.problems.length === 1 ? '' : 's'}</td>`;
      const changes = x.actions.length;
      const blocked = x.violations.length > 0 ? ` <span class="badge bad">${x.violations.length} violation${x.violations.length === 1 ? '' : 's'}</span>` : '';
      return `<td>${x.status === 'changes' ? `<span class="badge wait">${changes} change${changes === 1 ? '' : 's'}</span>` : '<span class="badge ok">no changes</span>'}${blocked}</td>`;
    }).join('');
    return `<tr><td>${e(c.project ?? '?')}/<b>${e(c.component)}</b><br><span class="muted small">${e(c.repo)}${c.root ? `/${e(c.root)}` : ''}</span></td>${cells}</tr>`;
  }).join('');
  return `<h2>Plan</h2><p id="plan-summary">${plan.ok ? '<span class="badge ok">ok</span>' : '<span class="badge bad">blocked</span>'}
${s.components} component${s.components === 1 ? '' : 's'} · ${s.create} to create · ${s.update} to update${s.remove ? ` · ${s.remove} to remove` : ''}</p>
<table id="plan"><tr><th>component</th>${envs.map((x) => `<th>${e(x)}</th>`).join('')}</tr>${rows}</table>`;
}

function liveScript(state: string): string {
  return `(function(){var initial=${scriptJson(state)};var base=location.pathname;
function tick(){fetch(base+'?format=json',{headers:{accept:'application/json'},credentials:'same-origin'}).then(function(r){return r.ok?r.json():null}).then(function(run){
if(!run)return;document.getElementById('run-description').textContent=run.description;
if(run.state!==initial){location.reload();return}
document.querySelectorAll('section[data-live]').forEach(function(s){fetch(base+'?section='+encodeURIComponent(s.dataset.section),{credentials:'same-origin'}).then(function(r){return r.ok?r.text():null}).then(function(h){if(h!==null)s.querySelector('.section-body').innerHTML=h})});
setTimeout(tick,2000)}).catch(function(){setTimeout(tick,5000)})}
setTimeout(tick,2000)})();`;
}
