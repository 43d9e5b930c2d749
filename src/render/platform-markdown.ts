/**
 * Render the blast radius of a platform change for the platform team's pull request: how many
 * components and environments it touches, what would break (failures first), a matrix of the
 * touched components, and per component the fields that change. Under the same hard cap as
 * plan comments.
 */
import type { Diagnostic } from '../domain/diagnostic.js';
import type { PlatformImpact, TouchedComponent, TouchedEnvironment } from '../planner/impact.js';
import { BudgetedText, code, escapeText } from './markdown.js';
import { DEFAULT_MAX_CHARS, type MarkdownOptions } from './plan-markdown.js';

const NOTE_RESERVE = 600;
const MAX_CHANGES_SHOWN = 15;

export function renderPlatformImpactMarkdown(impact: PlatformImpact, options: MarkdownOptions = {}): string {
  const max = options.maxChars ?? DEFAULT_MAX_CHARS;
  const out = new BudgetedText(Math.max(0, max - NOTE_RESERVE));
  const failures = failureLines(impact);

  out.add(`### pave platform plan${options.title ? ` · ${escapeText(options.title)}` : ''}`);
  out.add('');
  out.add(verdict(impact, failures.length));
  out.add('');
  const envs = impact.environments;
  if (impact.touched.length > 0 && envs.length > 0) {
    out.add(`| component | ${envs.map(escapeText).join(' | ')} |`);
    out.add(`|---|${envs.map(() => '---').join('|')}|`);
    out.addLines(impact.touched.map((t) => row(t, envs)), 'matrix rows');
    out.add('');
  }
  if (failures.length > 0) {
    out.add(`#### ❌ Would break (${failures.length})`);
    out.add('');
    out.addLines(failures, 'failures');
    out.add('');
  }
  for (const t of impact.touched) out.add(details(t), 'detail sections');

  return out.finish(max, options.fullPlanUrl ? ` The full plan: ${options.fullPlanUrl}` : '');
}

function verdict(impact: PlatformImpact, failures: number): string {
  const n = impact.touched.length;
  if (n === 0) return `✅ **This change touches no component** (${impact.known} known).`;
  const head = failures > 0 ? '❌' : '🧭';
  const parts = [`${head} This change touches **${n} component${n === 1 ? '' : 's'}** in **${impact.environments.length} environment${impact.environments.length === 1 ? '' : 's'}** (${impact.pairs} component-environment plan${impact.pairs === 1 ? '' : 's'}, of ${impact.known} known components)`];
  for (const [policy, count] of impact.newErrorViolations) parts.push(`⛔ ${count} would violate policy ${code(policy)}`);
  if (impact.newlyInvalid > 0) parts.push(`❌ ${impact.newlyInvalid} component${impact.newlyInvalid === 1 ? '' : 's'} could no longer be planned`);
  return parts.join(' · ');
}

function row(t: TouchedComponent, envs: readonly string[]): string {
  const cells = envs.map((env) => {
    const e = t.environments.find((x) => x.environment === env);
    if (!e) return '—';
    if (e.after === 'invalid' && e.before !== 'invalid') return '❌ invalid';
    const blocking = e.newViolations.filter((v) => v.severity === 'error').length;
    const parts = [e.changes.length > 0 ? `~${e.changes.length} field${e.changes.length === 1 ? '' : 's'}` : ''];
    if (blocking > 0) parts.push(`⛔ ${blocking} violation${blocking === 1 ? '' : 's'}`);
    if (e.resolvedViolations.length > 0) parts.push(`✅ ${e.resolvedViolations.length} fixed`);
    if (e.before === 'absent') parts.push('new');
    if (e.after === 'absent') parts.push('gone');
    return parts.filter(Boolean).join(', ') || 'changed';
  });
  return `| ${code(t.component)}${t.project ? ` (${escapeText(t.project)})` : ''} | ${cells.join(' | ')} |`;
}

function failureLines(impact: PlatformImpact): string[] {
  const lines: string[] = [];
  for (const t of impact.touched) {
    for (const e of t.environments) {
      for (const v of e.newViolations) {
        if (v.severity === 'error') lines.push(`- **${escapeText(t.component)}** · ${escapeText(e.environment)}: policy ${code(v.policy)} — ${escapeText(v.message)}`);
      }
    }
    const after = t.after;
    if (!after) continue;
    const problems: Diagnostic[] = [...after.problems.filter((p) => p.severity === 'error')];
    for (const e of after.environments) if (e.status === 'invalid') problems.push(...e.problems);
    const seen = new Set<string>();
    for (const p of problems) {
      const text = `${code(`${p.file}:${p.line}:${p.column}`)} ${escapeText(p.message)}${p.hint ? ` _(hint: ${escapeText(p.hint)})_` : ''}`;
      if (seen.has(text)) continue;
      seen.add(text);
      if (t.environments.some((e) => e.after === 'invalid' && e.before !== 'invalid') || after.problems.length > 0) {
        lines.push(`- **${escapeText(t.component)}** (${escapeText(t.repo)}): ${text}`);
      }
    }
  }
  return lines;
}

function details(t: TouchedComponent): string {
  const lines = [`<details><summary><b>${escapeText(t.component)}</b> · ${escapeText(t.repo)}${t.root ? '/' + escapeText(t.root) : ''}</summary>`, ''];
  for (const e of t.environments) lines.push(...envLines(e));
  lines.push('</details>', '');
  return lines.join('\n');
}

function envLines(e: TouchedEnvironment): string[] {
  const lines = [`**${escapeText(e.environment)}**${e.before !== e.after ? ` (${e.before} → ${e.after})` : ''}`, ''];
  for (const c of e.changes.slice(0, MAX_CHANGES_SHOWN)) lines.push(`- ${code(c.field)}: ${show(c.from)} → ${show(c.to)}`);
  if (e.changes.length > MAX_CHANGES_SHOWN) lines.push(`- … ${e.changes.length - MAX_CHANGES_SHOWN} more fields`);
  for (const v of e.newViolations) lines.push(`- ${v.severity === 'error' ? '⛔' : '⚠️'} new: policy ${code(v.policy)} — ${escapeText(v.message)}`);
  for (const v of e.resolvedViolations) lines.push(`- ✅ resolved: policy ${code(v.policy)} — ${escapeText(v.message)}`);
  lines.push('');
  return lines;
}

function show(v: unknown): string {
  if (v === undefined || v === null) return '∅';
  if (typeof v === 'object' && 'secret' in v) return '🔒 secret';
  return code(typeof v === 'string' ? v : JSON.stringify(v));
}
