/**
 * pave's web pages behind access control: the index, the run pages, the component × environment
 * matrix, the service catalog and the queue dashboard (mounted by main, which owns BullMQ).
 * Everything here reads through injected ports; nothing plans, applies or calls GitHub.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import type { RunStore } from '../domain/runs.js';
import type { CatalogViewSource, ReleaseReader } from '../domain/views.js';
import type { Access } from './auth.js';
import { createCatalogPage } from './catalog-page.js';
import { escapeHtml, layout, type PageChrome } from './layout.js';
import { createMatrixPage } from './matrix-page.js';
import { createRunPages, type RunSection } from './run-pages.js';

export interface WebPagesDeps {
  readonly access: Access;
  readonly runs: RunStore;
  readonly releases?: ReleaseReader;
  readonly catalog?: CatalogViewSource;
  /** Link to a repository (`https://github.com/<repo>`); undefined in the embedded mode. */
  readonly repoUrl?: (repo: string) => string | undefined;
  /** Environments in pipeline order (the matrix's columns); others follow alphabetically. */
  readonly environmentOrder?: () => Promise<readonly string[]>;
  /** More sections of the run page (build logs, promotion gates). */
  readonly runSections?: readonly RunSection[];
  /** The queue dashboard (bull-board), mounted at `/admin/queues` behind the same guard. */
  readonly queueBoard?: Hono;
  /** Extra middleware run before every page (request ids, logging). */
  readonly before?: MiddlewareHandler;
}

/** Paths the guard covers; webhooks, health, readiness (and metrics unless configured) stay outside. */
export const GUARDED = ['/', '/runs/*', '/matrix', '/catalog', '/admin/queues', '/admin/queues/*'] as const;

/** Mount the pages on `app` (after the webhook routes). */
export function mountWebPages(app: Hono, deps: WebPagesDeps): void {
  const { access } = deps;
  const chrome: PageChrome = (c) => ({ viewer: access.viewer(c), open: access.mode === 'open' });
  access.mount(app);
  for (const path of GUARDED) app.use(path, access.guard);

  app.get('/', (c) => {
    const { viewer, open } = chrome(c);
    const body = `<h1>pave</h1><ul>
<li><a href="/matrix">Matrix</a>: what runs where — release, image, when, by whom, health.</li>
<li><a href="/catalog">Service catalog</a>: every endpoint, with the connection snippet to copy.</li>
<li><a href="/admin/queues">Queues</a>: jobs waiting, running, failed.</li>
<li>Runs: <code>/runs/&lt;id&gt;</code>, linked from each commit status and comment.</li></ul>
<form method="get" action="/runs/" onsubmit="location.href='/runs/'+encodeURIComponent(this.id.value);return false"><label>Run id <input name="id" id="run-lookup"></label> <button>Open</button></form>
<p class="muted small">${escapeHtml(open ? 'Open mode (loopback only).' : `Signed in as ${viewer ?? '?'}.`)}</p>`;
    return c.html(layout({ title: 'pave', body, viewer, open }));
  });
  app.route('/', createRunPages(deps.runs, { sections: deps.runSections ?? [], chrome, ...(deps.repoUrl ? { repoUrl: deps.repoUrl } : {}) }));
  if (deps.releases) app.route('/', createMatrixPage(deps.releases, { chrome, ...(deps.repoUrl ? { repoUrl: deps.repoUrl } : {}), ...(deps.environmentOrder ? { environmentOrder: deps.environmentOrder } : {}) }));
  if (deps.catalog) app.route('/', createCatalogPage(deps.catalog, { chrome }));
  if (deps.queueBoard) app.route('/admin/queues', deps.queueBoard);
}
