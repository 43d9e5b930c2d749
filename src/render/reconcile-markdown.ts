/**
 * The platform PR's reconcile comment: progress first ("12/37 reconciled, 1 failed"), failures
 * listed before successes, one row per component, under GitHub's comment limit.
 */
import type { ItemOutcome } from '../domain/runs.js';
import { escapeText } from './markdown.js';

export interface ReconcileView {
  readonly marker: string;
  readonly repo: string;
  readonly sha: string;
  /** Components fanned out to (touched and deployed). */
  readonly total: number;
  /** Components the change touches (deployed or not). */
  readonly touched: number;
  readonly items: ReadonlyMap<string, ItemOutcome>;
  readonly done: boolean;
}

const MAX_ROWS = 300;
const ICON: Record<ItemOutcome['state'], string> = { succeeded: '✅', failed: '❌', skipped: '⏭' };

export function renderReconcileMarkdown(v: ReconcileView): string {
  const failed = [...v.items.entries()].filter(([, o]) => o.state === 'failed');
  const ok = v.items.size - failed.length;
  const lines = [v.marker, `### pave reconcile · ${escapeText(v.repo)} @ ${v.sha.slice(0, 7)}`, ''];
  if (v.total === 0) {
    lines.push(`This change touches ${v.touched} component${v.touched === 1 ? '' : 's'}; none runs in a touched environment, so there is nothing to reconcile. They get the change with their next merge.`);
    return lines.join('\n');
  }
  const head = `${v.done ? (failed.length > 0 ? '❌' : '✅') : '⏳'} **${ok}/${v.total} reconciled**${failed.length > 0 ? `, ${failed.length} failed` : ''}`;
  lines.push(`${head}${v.done ? '' : ` · ${v.total - v.items.size} to go`}${v.touched > v.total ? ` · ${v.touched - v.total} touched but not deployed` : ''}`, '');
  if (v.items.size > 0) {
    lines.push('| component | result |', '|---|---|');
    const rows = [...failed, ...[...v.items.entries()].filter(([, o]) => o.state !== 'failed')];
    for (const [item, o] of rows.slice(0, MAX_ROWS)) lines.push(`| \`${escapeText(item)}\` | ${ICON[o.state]} ${escapeText(o.detail).slice(0, 500)} |`);
    if (rows.length > MAX_ROWS) lines.push('', `…and ${rows.length - MAX_ROWS} more on the run page.`);
  }
  return lines.join('\n');
}
