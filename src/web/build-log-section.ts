/**
 * The run page's build log: every line the build printed (bounded by the job), stdout and stderr
 * told apart, pave's own steps highlighted; re-rendered live while the run is running.
 */
import type { Run } from '../domain/runs.js';
import { escapeHtml } from './layout.js';
import type { RunSection } from './run-pages.js';

export const buildLogSection: RunSection = {
  id: 'build-log',
  title: 'Build log',
  live: true,
  async render(run: Run) {
    if (!run.log || run.log.length === 0) return undefined;
    const rows = run.log.map((l) => {
      const at = `${(l.at / 1000).toFixed(1).padStart(6)}s`;
      const cls = l.stream === 'stderr' ? 'err' : l.stream === 'pave' ? 'pave' : 'out';
      return `<span class="${cls}">${escapeHtml(at)} ${escapeHtml(l.text)}</span>`;
    });
    return `<pre class="build-log">${rows.join('\n')}</pre>`;
  },
};
