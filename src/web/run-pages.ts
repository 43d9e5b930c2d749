/**
 * `GET /runs/:id` — the full plan of one run (commit statuses link here). HTML by default,
 * `?format=json` for the run as data, `?format=md` for the Markdown. Plans hold secret
 * *references* only, never values.
 */
import { Hono } from 'hono';
import type { Run, RunStore } from '../domain/runs.js';

export function createRunPages(runs: RunStore): Hono {
  const app = new Hono();
  app.get('/runs/:id', async (c) => {
    const id = c.req.param('id');
    if (!/^[A-Za-z0-9_.~-]{1,200}$/.test(id)) return c.text('no such run', 404);
    const run = await runs.get(id);
    if (!run) return c.text(`no run ${id} (runs are kept for 30 days)`, 404);
    const format = c.req.query('format');
    if (format === 'json') return c.json(run);
    if (format === 'md') return c.text(run.fullMarkdown ?? run.comment ?? run.description, 200, { 'content-type': 'text/markdown; charset=utf-8' });
    return c.html(page(run));
  });
  return app;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function page(run: Run): string {
  const badge = { running: '⏳ running', waiting: '⏸ waiting', succeeded: '✅ succeeded', failed: '❌ failed', errored: '⚠️ errored' }[run.state];
  const body = run.fullMarkdown ?? run.comment ?? '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pave run ${escape(run.id)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem}
pre{white-space:pre-wrap;background:#f6f8fa;padding:1rem;border-radius:6px;overflow-x:auto}
dt{font-weight:600}dd{margin:0 0 .5rem 0}.err{color:#b00}</style></head>
<body><h1>pave run</h1>
<dl><dt>run</dt><dd>${escape(run.id)}</dd>
<dt>pull request</dt><dd>${escape(run.repo)} #${run.prNumber} @ <code>${escape(run.headSha.slice(0, 12))}</code></dd>
<dt>state</dt><dd>${badge} — ${escape(run.description)}</dd>
<dt>started</dt><dd>${escape(run.startedAt)}${run.finishedAt ? ` · finished ${escape(run.finishedAt)}` : ''}</dd></dl>
${run.error ? `<p class="err">${escape(run.error)}</p>` : ''}
<p><a href="?format=md">Markdown</a> · <a href="?format=json">JSON</a></p>
<pre>${escape(body)}</pre>
</body></html>`;
}
