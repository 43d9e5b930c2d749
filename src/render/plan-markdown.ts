/**
 * Render a plan as the Markdown of one pull-request comment: a verdict and the counts first,
 * then a component × environment matrix, then failures (problems and policy violations), then
 * one folded section per (component, environment) with its actions. Always under the hard cap
 * (60,000 characters by default, under GitHub's 65,536): what does not fit is cut from the end,
 * and a closing note says what was cut and where the full plan is.
 */
import type { Diagnostic } from '../domain/diagnostic.js';
import { isSecret, type Action, type ComponentPlan, type EnvironmentPlan, type EnvValue, type Plan } from '../domain/plan.js';
import { assertNever } from '../lib/assert-never.js';
import { BudgetedText, code, escapeText } from './markdown.js';

export interface MarkdownOptions {
  /** Heading, e.g. `acme-bank/lending-backend @ 1a2b3c4`. */
  readonly title?: string;
  /** Where the full plan can be read (run page); named in the cut note. */
  readonly fullPlanUrl?: string;
  /** Hard cap on the output length, in characters. @defaultValue 60000 */
  readonly maxChars?: number;
}

export const DEFAULT_MAX_CHARS = 60_000;
const NOTE_RESERVE = 600;

export function renderPlanMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const max = options.maxChars ?? DEFAULT_MAX_CHARS;
  const out = new BudgetedText(Math.max(0, max - NOTE_RESERVE));

  out.add(`### pave plan${options.title ? ` · ${escapeText(options.title)}` : ''}`);
  out.add('');
  const failures = failureLines(plan);
  out.add(verdictLine(plan, failures.length));
  out.add('');

  const envs = environmentColumns(plan);
  if (plan.components.length > 0 && envs.length > 0) {
    out.add(`| component | ${envs.map(escapeText).join(' | ')} |`);
    out.add(`|---|${envs.map(() => '---').join('|')}|`);
    out.addLines(plan.components.map((c) => matrixRow(c, envs)), 'matrix rows');
    out.add('');
  }

  if (failures.length > 0) {
    out.add(`#### ❌ Failures (${failures.length})`);
    out.add('');
    out.addLines(failures, 'failures');
    out.add('');
  }

  const warnings = warningLines(plan);
  if (warnings.length > 0) {
    out.add(`<details><summary>⚠️ Warnings (${warnings.length})</summary>\n`);
    out.addLines(warnings, 'warnings');
    out.add('\n</details>\n');
  }

  for (const c of plan.components) {
    for (const e of c.environments) {
      // Invalid environments are listed under Failures already.
      if (e.status === 'changes') out.add(detailSection(c, e), 'detail sections');
    }
  }

  return out.finish(max, options.fullPlanUrl ? ` The full plan: ${options.fullPlanUrl}` : ' Run `pave plan --format json` for the full plan.');
}

function verdictLine(plan: Plan, errors: number): string {
  const s = plan.summary;
  const head = plan.ok
    ? s.create + s.update + s.remove + s.retain === 0 ? '✅ **No changes**' : '✅ **Plan ready**'
    : `❌ **Blocked**: ${errors} failure${errors === 1 ? '' : 's'}`;
  const counts = [
    `${s.components} component${s.components === 1 ? '' : 's'} × ${s.environments} environment plans`,
    `${s.create} to create`,
    `${s.update} to update`,
    `${s.remove} to remove`,
    s.retain > 0 ? `${s.retain} retained` : '',
    `${s.unchanged} unchanged`,
    s.violations > 0 ? `${s.violations} policy violation${s.violations === 1 ? '' : 's'}` : '',
    s.warnings > 0 ? `${s.warnings} warning${s.warnings === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return `${head} · ${counts.join(' · ')}`;
}

function environmentColumns(plan: Plan): string[] {
  const seen: string[] = [];
  for (const c of plan.components) for (const e of c.environments) if (!seen.includes(e.environment)) seen.push(e.environment);
  return seen;
}

function matrixRow(c: ComponentPlan, envs: readonly string[]): string {
  const name = `${code(c.component)}${c.project ? ` (${escapeText(c.project)})` : ''}`;
  if (c.problems.some((p) => p.severity === 'error')) return `| ${name} | ${envs.map(() => '❌ invalid').join(' | ')} |`;
  const cells = envs.map((env) => {
    const e = c.environments.find((x) => x.environment === env);
    if (!e) return '—';
    return cell(e);
  });
  return `| ${name} | ${cells.join(' | ')} |`;
}

function cell(e: EnvironmentPlan): string {
  const blocking = e.violations.filter((v) => v.severity === 'error').length;
  if (e.status === 'invalid') return '❌ invalid';
  const counts = countOps(e.actions);
  const parts = [
    counts.create ? `+${counts.create}` : '',
    counts.update ? `~${counts.update}` : '',
    counts.remove ? `−${counts.remove}` : '',
    counts.retain ? `⏸${counts.retain}` : '',
  ].filter(Boolean);
  const change = parts.length > 0 ? parts.join(' ') : 'no changes';
  if (blocking > 0) return `⛔ ${change}, ${blocking} violation${blocking === 1 ? '' : 's'}`;
  return e.status === 'no-changes' ? '✓ no changes' : `📝 ${change}`;
}

function countOps(actions: readonly Action[]) {
  const c = { create: 0, update: 0, remove: 0, retain: 0 };
  for (const a of actions) {
    if (a.op === 'retain-orphan') c.retain++;
    else c[a.op]++;
  }
  return c;
}

function failureLines(plan: Plan): string[] {
  const lines: string[] = [];
  for (const c of plan.components) {
    const where = (env?: string) => `**${escapeText(c.component)}**${env ? ` · ${escapeText(env)}` : ''}`;
    for (const p of c.problems) if (p.severity === 'error') lines.push(`- ${where()}: ${diagnostic(p)}`);
    // Problems repeated in every environment are listed once, with the environments named.
    const seen = new Map<string, string[]>();
    for (const e of c.environments) {
      if (e.status === 'invalid') {
        for (const p of e.problems) {
          const key = diagnostic(p);
          seen.set(key, [...(seen.get(key) ?? []), e.environment]);
        }
      }
      for (const v of e.violations) {
        if (v.severity === 'error') lines.push(`- ${where(e.environment)}: policy ${code(v.policy)} — ${escapeText(v.message)}${v.hint ? ` _(${escapeText(v.hint)})_` : ''}`);
      }
    }
    for (const [text, envs] of seen) lines.push(`- ${where(envs.join(', '))}: ${text}`);
  }
  return lines;
}

function warningLines(plan: Plan): string[] {
  const lines: string[] = [];
  for (const c of plan.components) {
    for (const p of c.problems) if (p.severity === 'warning') lines.push(`- **${escapeText(c.component)}**: ${diagnostic(p)}`);
    const seen = new Set<string>();
    for (const e of c.environments) {
      for (const v of e.violations) {
        if (v.severity === 'warning') lines.push(`- **${escapeText(c.component)}** · ${escapeText(e.environment)}: policy ${code(v.policy)} — ${escapeText(v.message)}`);
      }
      for (const w of e.warnings) {
        const text = diagnostic(w);
        if (!seen.has(text)) lines.push(`- **${escapeText(c.component)}**: ${text}`);
        seen.add(text);
      }
    }
  }
  return lines;
}

function diagnostic(d: Diagnostic): string {
  return `${code(`${d.file}:${d.line}:${d.column}`)} ${escapeText(d.message)}${d.hint ? ` _(hint: ${escapeText(d.hint)})_` : ''}`;
}

function detailSection(c: ComponentPlan, e: Extract<EnvironmentPlan, { status: 'changes' | 'no-changes' }>): string {
  const counts = countOps(e.actions);
  const summary = [counts.create && `${counts.create} to create`, counts.update && `${counts.update} to update`, counts.remove && `${counts.remove} to remove`, counts.retain && `${counts.retain} retained`].filter(Boolean).join(', ');
  const lines = [`<details><summary><b>${escapeText(c.component)}</b> · ${escapeText(e.environment)} — ${summary}</summary>`, ''];
  {
    lines.push('| | resource | name | what |', '|---|---|---|---|');
    for (const a of e.actions) lines.push(actionRow(a));
    const env = { ...e.desired.config, ...Object.assign({}, ...e.desired.connections.map((x) => x.env)) } as Record<string, EnvValue>;
    const names = Object.keys(env).sort();
    if (names.length > 0) {
      lines.push('', `Environment: ${names.map((n) => `${code(n)}=${showValue(env[n]!)}`).join(', ')}`);
    }
    lines.push('', `Namespace ${code(e.desired.namespace)} · config hash ${code(e.desired.configHash.slice(0, 12))}`);
  }
  lines.push('', '</details>', '');
  return lines.join('\n');
}

function actionRow(a: Action): string {
  switch (a.op) {
    case 'create':
      return `| ➕ create | ${a.resource} | ${code(a.name)} | ${escapeText(a.detail)} |`;
    case 'update':
      return `| ✏️ update | ${a.resource} | ${code(a.name)} | ${a.changes.map((ch) => `${escapeText(ch.field)}: ${showChange(ch.from)} → ${showChange(ch.to)}`).join('; ')} |`;
    case 'remove':
      return `| ➖ remove | ${a.resource} | ${code(a.name)} | ${escapeText(a.detail)} |`;
    case 'retain-orphan':
      return `| ⏸ retain | ${a.resource} | ${code(a.name)} | ${escapeText(a.detail)} |`;
    default:
      return assertNever(a);
  }
}

function showValue(v: EnvValue): string {
  return isSecret(v) ? '🔒 secret' : code(v);
}

function showChange(v: unknown): string {
  if (v === undefined || v === null) return '∅';
  if (typeof v === 'object' && v !== null && 'secret' in v) return '🔒 secret';
  return code(typeof v === 'string' ? v : JSON.stringify(v));
}
