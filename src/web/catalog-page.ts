/**
 * `GET /catalog` — every endpoint of every indexed component and every third-party entry of the
 * platform, with search (`q`) and filters (`project`, `type`, `visibility`) in the query string
 * (works without JavaScript; a script filters as you type). Each endpoint shows the
 * `dependencies.connectionReferences` entry to paste into `.choreo/component.yaml` per visibility
 * a consumer may use, and the environment variables the consumer then gets, with a copy button.
 * `?format=json` gives the filtered entries.
 */
import { Hono } from 'hono';
import type { CatalogEndpointView, CatalogViewSource } from '../domain/views.js';
import { escapeHtml as e, layout } from './layout.js';
import type { PageChrome } from './layout.js';

export interface CatalogFilters {
  readonly q?: string | undefined;
  readonly project?: string | undefined;
  readonly type?: string | undefined;
  readonly visibility?: string | undefined;
}

/** The entries a query selects (every word of `q` must appear in the endpoint's text). */
export function filterCatalog(entries: readonly CatalogEndpointView[], f: CatalogFilters): CatalogEndpointView[] {
  const words = (f.q ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 20);
  return entries.filter((x) =>
    (!f.project || x.project === f.project) &&
    (!f.type || x.type === f.type) &&
    (!f.visibility || x.visibilities.includes(f.visibility)) &&
    words.every((w) => searchText(x).includes(w)));
}

function searchText(x: CatalogEndpointView): string {
  return `${x.project} ${x.component} ${x.endpoint} ${x.id} ${x.type} ${x.repo} ${x.basePath ?? ''}`.toLowerCase();
}

export function createCatalogPage(source: CatalogViewSource, options: { chrome?: PageChrome } = {}): Hono {
  const app = new Hono();
  app.get('/catalog', async (c) => {
    const view = await source();
    const param = (name: string) => {
      const v = c.req.query(name);
      return v && v.length <= 200 ? v : undefined;
    };
    const filters: CatalogFilters = { q: param('q'), project: param('project'), type: param('type'), visibility: param('visibility') };
    const shown = filterCatalog(view.endpoints, filters);
    if (c.req.query('format') === 'json') return c.json({ endpoints: shown, problems: view.problems });
    const select = (name: keyof CatalogFilters, label: string, values: readonly string[]) =>
      `<label>${label}<select name="${name}" id="filter-${name}"><option value="">all</option>${values.map((v) =>
        `<option${filters[name] === v ? ' selected' : ''}>${e(v)}</option>`).join('')}</select></label>`;
    const uniq = (f: (x: CatalogEndpointView) => readonly string[]) => [...new Set(view.endpoints.flatMap(f))].sort();
    const form = `<form class="filters" method="get" action="/catalog" id="catalog-filters">
<label>Search<input type="search" name="q" id="filter-q" value="${e(filters.q ?? '')}" placeholder="component, endpoint, id…"></label>
${select('project', 'Project', uniq((x) => [x.project]))}${select('type', 'Type', uniq((x) => [x.type]))}${select('visibility', 'Visibility', uniq((x) => x.visibilities))}
<button type="submit">Filter</button> <a href="/catalog">clear</a></form>`;
    const rows = view.endpoints.map((x) => {
      const visible = shown.includes(x);
      const snippets = x.snippets.map((s, i) => `<div class="snippet"><div class="small"><b>${e(s.visibility)}</b> — for ${s.audience === '*' ? 'every project' : `project ${e(s.audience)}`}</div>
<pre id="snippet-${e(x.id.replace(/[^a-z0-9]/gi, '-'))}-${i}">${e(s.yaml)}</pre><button type="button" class="copy" data-target="snippet-${e(x.id.replace(/[^a-z0-9]/gi, '-'))}-${i}">Copy</button>
<div class="small">Environment variables: ${s.envVars.map((v) => `<code>${e(v)}</code>`).join(' ') || '<span class="muted">none</span>'}</div></div>`).join('');
      return `<tr class="endpoint" data-project="${e(x.project)}" data-type="${e(x.type)}" data-visibility="${e(x.visibilities.join(' '))}" data-search="${e(searchText(x))}"${visible ? '' : ' hidden'}>
<td><b class="name">${e(x.project)}/${e(x.component)}</b><div class="small muted">${e(x.repo)}</div></td>
<td><code>${e(x.endpoint)}</code><div class="small muted">id ${e(x.id)}${x.port ? ` · port ${x.port}` : ''}${x.basePath ? ` · ${e(x.basePath)}` : ''}</div></td>
<td>${e(x.type)}</td><td>${x.visibilities.map((v) => `<span class="badge">${e(v)}</span>`).join(' ')}</td><td>${snippets}</td></tr>`;
    }).join('\n');
    const problems = view.problems.length ? `<div class="notice">${view.problems.map((p) => `<div>${e(p)}</div>`).join('')}</div>` : '';
    const body = `<h1>Service catalog</h1>${problems}${form}
<p class="small muted"><span id="catalog-count">${shown.length}</span> of ${view.endpoints.length} endpoints · <a href="?format=json">JSON</a></p>
<table id="catalog"><tr><th>component</th><th>endpoint</th><th>type</th><th>visibility</th><th>connect (paste under <code>.choreo/component.yaml</code>)</th></tr>${rows}</table>`;
    const chrome = options.chrome?.(c);
    return c.html(layout({ title: 'Service catalog', body, viewer: chrome?.viewer, open: chrome?.open, script: SCRIPT }));
  });
  return app;
}

const SCRIPT = `(function(){var form=document.getElementById('catalog-filters');if(!form)return;
function apply(){var q=form.q.value.toLowerCase().split(/\\s+/).filter(Boolean),p=form.project.value,t=form.type.value,v=form.visibility.value,n=0;
document.querySelectorAll('tr.endpoint').forEach(function(r){var ok=(!p||r.dataset.project===p)&&(!t||r.dataset.type===t)&&(!v||r.dataset.visibility.split(' ').indexOf(v)>=0)&&q.every(function(w){return r.dataset.search.indexOf(w)>=0});r.hidden=!ok;if(ok)n++});
document.getElementById('catalog-count').textContent=String(n);
var params=new URLSearchParams();['q','project','type','visibility'].forEach(function(k){if(form[k].value)params.set(k,form[k].value)});history.replaceState(null,'',params.toString()?'?'+params:location.pathname)}
form.addEventListener('input',apply);form.addEventListener('change',apply);form.addEventListener('submit',function(ev){ev.preventDefault();apply()});
document.querySelectorAll('button.copy').forEach(function(b){b.addEventListener('click',function(){var text=document.getElementById(b.dataset.target).textContent;
var done=function(){b.textContent='Copied';b.dataset.copied='true';setTimeout(function(){b.textContent='Copy'},1500)};
if(navigator.clipboard&&navigator.clipboard.writeText){navigator.clipboard.writeText(text).then(done,function(){fallback(text);done()})}else{fallback(text);done()}})});
function fallback(text){var t=document.createElement('textarea');t.value=text;document.body.appendChild(t);t.select();try{document.execCommand('copy')}catch(e){}t.remove()}})();`;
