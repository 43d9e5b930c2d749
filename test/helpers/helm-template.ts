/**
 * A renderer for the subset of Helm's template language that deploy/helm/pave uses, so the chart
 * can be rendered and validated in tests on a machine without the `helm` binary (neither npm nor
 * Debian ships one). It is not Helm: a template outside the subset is an error here, never a guess.
 * The subset (documented for chart authors in deploy/helm/pave/README.md):
 *
 * - Go `text/template` actions: `{{ pipeline }}`, `{{- … -}}` whitespace trimming, comments
 *   `{{/* … *\/}}`, `if` / `else if` / `else`, `with` / `else`, `range` over lists and maps (keys
 *   sorted, as Go does) with `$i, $v :=` and `else`, `define`, `template`, variables (`$x := …`,
 *   `$x = …`, `$`), pipelines with `|`, parenthesised sub-pipelines, field chains on `.`, `$`,
 *   variables and parentheses; string, raw string, number, `true`/`false`/`nil` literals.
 * - Go semantics kept: truthiness (false, 0, "", nil, empty list or map are false), `and`/`or`
 *   short-circuit and return an operand, a field of a missing map key is nil, a field of nil is an
 *   error ("nil pointer evaluating"), a map or list cannot be printed (use toYaml).
 * - Helm/Sprig functions: include, required, fail, default, empty, toYaml, toJson, nindent,
 *   indent, quote, squote, printf (%s %d %v %q %%), print, trunc, trimSuffix, trimPrefix,
 *   replace, lower, upper, contains, hasPrefix, toString, int, dict, list, hasKey, len, eq, ne,
 *   lt, le, gt, ge, not, and, or, sha256sum, b64enc.
 * - Chart loading: Chart.yaml, values.yaml deep-merged with overrides (maps merge, anything else
 *   replaces, `null` deletes), `.Values`, `.Release` (Name, Namespace, Service, IsInstall,
 *   IsUpgrade, Revision), `.Chart` (Name, Version, AppVersion, …), `.Template` (Name, BasePath);
 *   templates in `templates/`, files starting with `_` only define, NOTES.txt is not rendered;
 *   output split into YAML documents on `---` lines, empty documents dropped.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, YAML11_SCHEMA } from 'js-yaml';
import { toYaml } from '../../src/lib/to-yaml.js';

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

// ---------------------------------------------------------------------------------------------
// Lexing and parsing

type Expr =
  | { t: 'field'; base: 'dot' | 'root' | { var: string } | { sub: Pipeline }; path: string[] }
  | { t: 'lit'; value: unknown }
  | { t: 'fn'; name: string };
interface Command { args: Expr[] }
interface Pipeline { decl?: { names: string[]; assign: boolean }; cmds: Command[] }
type Node =
  | { t: 'text'; text: string }
  | { t: 'out'; pipe: Pipeline; where: string }
  | { t: 'if'; branches: { cond: Pipeline; body: Node[]; where: string }[]; otherwise: Node[] }
  | { t: 'with'; pipe: Pipeline; body: Node[]; otherwise: Node[]; where: string }
  | { t: 'range'; pipe: Pipeline; body: Node[]; otherwise: Node[]; where: string }
  | { t: 'template'; name: string; pipe?: Pipeline; where: string };

interface Action { text: string; where: string }
type Piece = { kind: 'text'; text: string } | { kind: 'action'; action: Action };

/** Split a template into text and actions, applying `{{-` / `-}}` trimming. */
function lex(src: string, file: string): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  let trimNext = false;
  const lineOf = (i: number) => src.slice(0, i).split('\n').length;
  while (at <= src.length) {
    const open = src.indexOf('{{', at);
    let text = src.slice(at, open === -1 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open === -1) {
      pieces.push({ kind: 'text', text });
      break;
    }
    const trimLeft = /^\{\{-\s/.test(src.slice(open, open + 4));
    if (trimLeft) text = text.replace(/\s+$/, '');
    pieces.push({ kind: 'text', text });
    let inner = open + (trimLeft ? 3 : 2);
    // A comment may contain "}}".
    const commentStart = /^\s*\/\*/.exec(src.slice(inner));
    let close: number;
    if (commentStart) {
      const end = src.indexOf('*/', inner);
      if (end === -1) throw new TemplateError(`${file}:${lineOf(open)}: unclosed comment`);
      close = src.indexOf('}}', end);
    } else {
      close = findClose(src, inner);
    }
    if (close === -1) throw new TemplateError(`${file}:${lineOf(open)}: unclosed action`);
    const trimRight = /\s-$/.test(src.slice(inner, close));
    const body = src.slice(inner, trimRight ? close - 1 : close).trim();
    inner = close + 2;
    trimNext = trimRight;
    if (!commentStart) pieces.push({ kind: 'action', action: { text: body, where: `${file}:${lineOf(open)}` } });
    at = inner;
  }
  return pieces;
}

/** The `}}` closing an action, skipping string literals. */
function findClose(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '"') {
      for (i++; i < src.length && src[i] !== '"'; i++) if (src[i] === '\\') i++;
    } else if (c === '`') {
      i = src.indexOf('`', i + 1);
      if (i === -1) return -1;
    } else if (c === '}' && src[i + 1] === '}') {
      return i;
    }
  }
  return -1;
}

/** `sp`: whitespace before the token (`(x).f` is a field of x's result, `(x) .f` another operand). */
type Tok = { k: 'str' | 'num' | 'ident' | 'var' | 'field' | 'punct'; v: string; sp: boolean };

function tokenize(text: string, where: string): Tok[] {
  const toks: Tok[] = [];
  const re = /\s*(?:("(?:[^"\\]|\\.)*")|(`[^`]*`)|(-?\d+(?:\.\d+)?)|(\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)|(\.(?:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)?)|([A-Za-z_][A-Za-z0-9_]*)|(:=|[()|=,]))/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m || m[0].length === 0) {
      if (text.slice(at).trim() === '') break;
      throw new TemplateError(`${where}: unexpected "${text.slice(at).trim()}" (outside the supported template subset)`);
    }
    at = re.lastIndex;
    const sp = /^\s/.test(m[0]);
    if (m[1]) toks.push({ k: 'str', v: JSON.parse(m[1]) as string, sp });
    else if (m[2]) toks.push({ k: 'str', v: m[2].slice(1, -1), sp });
    else if (m[3]) toks.push({ k: 'num', v: m[3], sp });
    else if (m[4]) toks.push({ k: 'var', v: m[4], sp });
    else if (m[5]) toks.push({ k: 'field', v: m[5], sp });
    else if (m[6]) toks.push({ k: 'ident', v: m[6], sp });
    else toks.push({ k: 'punct', v: m[7]!, sp });
  }
  return toks;
}

function parsePipeline(toks: Tok[], where: string, allowDecl = true): Pipeline {
  let i = 0;
  const pipe: Pipeline = { cmds: [] };
  // `$a := …`, `$a, $b := …` (range), `$a = …`
  if (allowDecl) {
    const names: string[] = [];
    let j = 0;
    while (toks[j]?.k === 'var' && !toks[j]!.v.slice(1).includes('.')) {
      names.push(toks[j]!.v);
      if (toks[j + 1]?.v === ',') j += 2;
      else {
        j += 1;
        break;
      }
    }
    const op = toks[j];
    if (names.length > 0 && op?.k === 'punct' && (op.v === ':=' || op.v === '=')) {
      pipe.decl = { names, assign: op.v === '=' };
      i = j + 1;
    }
  }
  const parseOperand = (): Expr => {
    const tok = toks[i++];
    if (!tok) throw new TemplateError(`${where}: missing operand`);
    if (tok.k === 'str') return { t: 'lit', value: tok.v };
    if (tok.k === 'num') return { t: 'lit', value: Number(tok.v) };
    if (tok.k === 'field') return { t: 'field', base: 'dot', path: tok.v === '.' ? [] : tok.v.slice(1).split('.') };
    if (tok.k === 'var') {
      const [name, ...path] = tok.v.split('.');
      return { t: 'field', base: name === '$' ? 'root' : { var: name! }, path };
    }
    if (tok.k === 'ident') {
      if (tok.v === 'true' || tok.v === 'false') return { t: 'lit', value: tok.v === 'true' };
      if (tok.v === 'nil') return { t: 'lit', value: null };
      return { t: 'fn', name: tok.v };
    }
    if (tok.v === '(') {
      let depth = 1;
      const start = i;
      while (i < toks.length && depth > 0) {
        if (toks[i]!.v === '(' && toks[i]!.k === 'punct') depth++;
        if (toks[i]!.v === ')' && toks[i]!.k === 'punct') depth--;
        i++;
      }
      if (depth !== 0) throw new TemplateError(`${where}: unbalanced parentheses`);
      const sub = parsePipeline(toks.slice(start, i - 1), where, false);
      // `(…).field`
      const next = toks[i];
      if (next?.k === 'field' && next.v !== '.' && !next.sp) {
        i++;
        return { t: 'field', base: { sub }, path: next.v.slice(1).split('.') };
      }
      return { t: 'field', base: { sub }, path: [] };
    }
    throw new TemplateError(`${where}: unexpected "${tok.v}"`);
  };
  let cmd: Command = { args: [] };
  while (i < toks.length) {
    if (toks[i]!.k === 'punct' && toks[i]!.v === '|') {
      if (cmd.args.length === 0) throw new TemplateError(`${where}: empty command before "|"`);
      pipe.cmds.push(cmd);
      cmd = { args: [] };
      i++;
      continue;
    }
    cmd.args.push(parseOperand());
  }
  if (cmd.args.length === 0) throw new TemplateError(`${where}: empty pipeline`);
  pipe.cmds.push(cmd);
  return pipe;
}

interface Parsed { nodes: Node[]; defines: Map<string, Node[]> }

function parse(src: string, file: string): Parsed {
  const pieces = lex(src, file);
  const defines = new Map<string, Node[]>();
  let i = 0;
  // Returns the nodes up to one of `stops` (an `end`, `else`, …) and the stop action.
  const block = (stops: readonly string[]): { nodes: Node[]; stop?: Action } => {
    const nodes: Node[] = [];
    while (i < pieces.length) {
      const p = pieces[i++]!;
      if (p.kind === 'text') {
        if (p.text) nodes.push({ t: 'text', text: p.text });
        continue;
      }
      const { text, where } = p.action;
      const word = /^([a-z]+)\b/.exec(text)?.[1];
      if (word && stops.includes(word)) return { nodes, stop: p.action };
      const rest = word ? text.slice(word.length).trim() : '';
      switch (word) {
        case 'if': {
          const branches = [{ cond: parsePipeline(tokenize(rest, where), where), body: [] as Node[], where }];
          let otherwise: Node[] = [];
          for (;;) {
            const r = block(['else', 'end']);
            if (!r.stop) throw new TemplateError(`${where}: "if" without "end"`);
            branches[branches.length - 1]!.body = r.nodes;
            if (r.stop.text === 'end') break;
            const elseRest = r.stop.text.slice(4).trim();
            if (elseRest.startsWith('if ')) {
              branches.push({ cond: parsePipeline(tokenize(elseRest.slice(3), r.stop.where), r.stop.where), body: [], where: r.stop.where });
              continue;
            }
            if (elseRest) throw new TemplateError(`${r.stop.where}: unsupported "else ${elseRest}"`);
            const e = block(['end']);
            if (!e.stop) throw new TemplateError(`${where}: "if" without "end"`);
            otherwise = e.nodes;
            break;
          }
          nodes.push({ t: 'if', branches, otherwise });
          break;
        }
        case 'with':
        case 'range': {
          const pipe = parsePipeline(tokenize(rest, where), where);
          const r = block(['else', 'end']);
          if (!r.stop) throw new TemplateError(`${where}: "${word}" without "end"`);
          let otherwise: Node[] = [];
          if (r.stop.text !== 'end') {
            if (r.stop.text !== 'else') throw new TemplateError(`${r.stop.where}: unsupported "${r.stop.text}"`);
            const e = block(['end']);
            if (!e.stop) throw new TemplateError(`${where}: "${word}" without "end"`);
            otherwise = e.nodes;
          }
          nodes.push({ t: word, pipe, body: r.nodes, otherwise, where });
          break;
        }
        case 'define': {
          const name = tokenize(rest, where);
          if (name.length !== 1 || name[0]!.k !== 'str') throw new TemplateError(`${where}: define needs one quoted name`);
          const r = block(['end']);
          if (!r.stop) throw new TemplateError(`${where}: "define" without "end"`);
          defines.set(name[0]!.v, r.nodes);
          break;
        }
        case 'template': {
          const toks = tokenize(rest, where);
          if (toks[0]?.k !== 'str') throw new TemplateError(`${where}: template needs a quoted name`);
          nodes.push({ t: 'template', name: toks[0].v, where, ...(toks.length > 1 ? { pipe: parsePipeline(toks.slice(1), where, false) } : {}) });
          break;
        }
        case 'end':
        case 'else':
          throw new TemplateError(`${where}: unexpected "${word}"`);
        case 'block':
        case 'break':
        case 'continue':
          throw new TemplateError(`${where}: "${word}" is outside the supported template subset`);
        default:
          nodes.push({ t: 'out', pipe: parsePipeline(tokenize(text, where), where), where });
      }
    }
    return { nodes };
  };
  const { nodes, stop } = block([]);
  if (stop) throw new TemplateError(`${stop.where}: unexpected "${stop.text}"`);
  return { nodes, defines };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

type Scope = Map<string, unknown>;
interface Ctx { dot: unknown; vars: Scope[]; defines: Map<string, Node[]>; depth: number }

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function lookupVar(ctx: Ctx, name: string, where: string): unknown {
  for (let s = ctx.vars.length - 1; s >= 0; s--) if (ctx.vars[s]!.has(name)) return ctx.vars[s]!.get(name);
  throw new TemplateError(`${where}: undefined variable "${name}"`);
}

function fieldOf(value: unknown, path: readonly string[], where: string, label: string): unknown {
  let v = value;
  let seen = label;
  for (const key of path) {
    if (v === null || v === undefined) throw new TemplateError(`${where}: nil pointer evaluating interface {}.${key} (${seen} is nil)`);
    if (!isMap(v)) throw new TemplateError(`${where}: can't evaluate field ${key} in ${seen} of type ${Array.isArray(v) ? 'list' : typeof v}`);
    v = Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
    seen += `.${key}`;
  }
  return v;
}

function printable(v: unknown, where: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new TemplateError(`${where}: cannot print a ${Array.isArray(v) ? 'list' : 'map'} (use toYaml)`);
}

const goQuote = (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => c);

function printf(where: string, format: unknown, ...args: unknown[]): string {
  if (typeof format !== 'string') throw new TemplateError(`${where}: printf needs a format string`);
  let n = 0;
  return format.replace(/%([%sdvq])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    if (n >= args.length) return `%!${verb}(MISSING)`;
    const a = args[n++];
    if (verb === 'd') {
      if (typeof a !== 'number' || !Number.isInteger(a)) throw new TemplateError(`${where}: %d of ${JSON.stringify(a)}`);
      return String(a);
    }
    if (verb === 'q') return goQuote(printable(a, where));
    return printable(a, where);
  });
}

function strval(v: unknown): string {
  return v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

function indentLines(n: number, s: string): string {
  const pad = ' '.repeat(n);
  return pad + s.replace(/\n/g, `\n${pad}`);
}

function num(v: unknown, where: string, fn: string): number {
  if (typeof v !== 'number') throw new TemplateError(`${where}: ${fn} needs a number, got ${JSON.stringify(v)}`);
  return v;
}

function compare(a: unknown, b: unknown, where: string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new TemplateError(`${where}: incompatible types for comparison`);
}

type Fn = (ctx: Ctx, where: string, ...args: unknown[]) => unknown;

const FUNCTIONS: Record<string, Fn> = {
  include: (ctx, where, name, data) => {
    if (typeof name !== 'string') throw new TemplateError(`${where}: include needs a template name`);
    return runTemplate(ctx, name, data, where);
  },
  required: (_c, where, msg, v) => {
    if (v === null || v === undefined || v === '') throw new TemplateError(`${where}: ${strval(msg)}`);
    return v;
  },
  fail: (_c, where, msg) => {
    throw new TemplateError(`${where}: ${strval(msg)}`);
  },
  default: (_c, _w, d, v) => (truthy(v) ? v : d),
  empty: (_c, _w, v) => !truthy(v),
  toYaml: (_c, _w, v) => (v === null || v === undefined ? 'null' : toYaml(v).replace(/\n$/, '')),
  toJson: (_c, _w, v) => JSON.stringify(v ?? null),
  nindent: (_c, where, n, s) => `\n${indentLines(num(n, where, 'nindent'), strval(s))}`,
  indent: (_c, where, n, s) => indentLines(num(n, where, 'indent'), strval(s)),
  quote: (_c, _w, ...vs) => vs.filter((v) => v !== null && v !== undefined).map((v) => goQuote(strval(v))).join(' '),
  squote: (_c, _w, ...vs) => vs.filter((v) => v !== null && v !== undefined).map((v) => `'${strval(v)}'`).join(' '),
  printf: (_c, where, f, ...args) => printf(where, f, ...args),
  print: (_c, _w, ...vs) => vs.map(strval).join(''),
  trunc: (_c, where, n, s) => {
    const str = strval(s);
    const k = num(n, where, 'trunc');
    return k >= 0 ? str.slice(0, k) : str.slice(Math.max(0, str.length + k));
  },
  trimSuffix: (_c, _w, suffix, s) => (strval(s).endsWith(strval(suffix)) && strval(suffix) ? strval(s).slice(0, -strval(suffix).length) : strval(s)),
  trimPrefix: (_c, _w, prefix, s) => (strval(s).startsWith(strval(prefix)) ? strval(s).slice(strval(prefix).length) : strval(s)),
  replace: (_c, _w, from, to, s) => strval(s).split(strval(from)).join(strval(to)),
  lower: (_c, _w, s) => strval(s).toLowerCase(),
  upper: (_c, _w, s) => strval(s).toUpperCase(),
  contains: (_c, _w, sub, s) => strval(s).includes(strval(sub)),
  hasPrefix: (_c, _w, prefix, s) => strval(s).startsWith(strval(prefix)),
  toString: (_c: Ctx, _w: string, v: unknown) => strval(v),
  int: (_c, where, v) => {
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || Number.isNaN(n)) throw new TemplateError(`${where}: int of ${JSON.stringify(v)}`);
    return Math.trunc(n);
  },
  dict: (_c, where, ...kv) => {
    if (kv.length % 2 !== 0) throw new TemplateError(`${where}: dict needs key/value pairs`);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < kv.length; i += 2) out[strval(kv[i])] = kv[i + 1];
    return out;
  },
  list: (_c, _w, ...vs) => vs,
  hasKey: (_c, where, m, k) => {
    if (!isMap(m)) throw new TemplateError(`${where}: hasKey needs a map`);
    return Object.prototype.hasOwnProperty.call(m, strval(k));
  },
  len: (_c, where, v) => {
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (isMap(v)) return Object.keys(v).length;
    throw new TemplateError(`${where}: len of ${JSON.stringify(v)}`);
  },
  eq: (_c, _w, a, ...bs) => bs.some((b) => (a ?? null) === (b ?? null)),
  ne: (_c, _w, a, b) => (a ?? null) !== (b ?? null),
  lt: (_c, where, a, b) => compare(a, b, where) < 0,
  le: (_c, where, a, b) => compare(a, b, where) <= 0,
  gt: (_c, where, a, b) => compare(a, b, where) > 0,
  ge: (_c, where, a, b) => compare(a, b, where) >= 0,
  not: (_c, _w, v) => !truthy(v),
  sha256sum: (_c, _w, s) => createHash('sha256').update(strval(s)).digest('hex'),
  b64enc: (_c, _w, s) => Buffer.from(strval(s)).toString('base64'),
};

function evalExpr(ctx: Ctx, e: Expr, where: string): unknown {
  if (e.t === 'lit') return e.value;
  if (e.t === 'fn') return callFn(ctx, e.name, [], where);
  let base: unknown;
  let label: string;
  if (e.base === 'dot') [base, label] = [ctx.dot, '.'];
  else if (e.base === 'root') [base, label] = [lookupVar(ctx, '$', where), '$'];
  else if ('var' in e.base) [base, label] = [lookupVar(ctx, e.base.var, where), e.base.var];
  else [base, label] = [evalPipeline(ctx, e.base.sub, where), '(…)'];
  return fieldOf(base, e.path, where, label);
}

function callFn(ctx: Ctx, name: string, args: unknown[], where: string): unknown {
  const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!fn) throw new TemplateError(`${where}: function "${name}" not defined (outside the supported subset)`);
  return fn(ctx, where, ...args);
}

function evalCommand(ctx: Ctx, cmd: Command, piped: { value: unknown } | undefined, where: string): unknown {
  const [head, ...rest] = cmd.args;
  if (head!.t === 'fn') {
    // and/or evaluate lazily and return the deciding operand, as Go 1.18+ does.
    if (head!.name === 'and' || head!.name === 'or') {
      const operands: (() => unknown)[] = [...rest.map((a) => () => evalExpr(ctx, a, where)), ...(piped ? [() => piped.value] : [])];
      let v: unknown;
      for (const op of operands) {
        v = op();
        if (head!.name === 'and' ? !truthy(v) : truthy(v)) return v;
      }
      return v;
    }
    const args = rest.map((a) => evalExpr(ctx, a, where));
    if (piped) args.push(piped.value);
    return callFn(ctx, head!.name, args, where);
  }
  if (rest.length > 0 || piped) throw new TemplateError(`${where}: can't give arguments to a non-function`);
  return evalExpr(ctx, head!, where);
}

function evalPipeline(ctx: Ctx, pipe: Pipeline, where: string): unknown {
  let piped: { value: unknown } | undefined;
  for (const cmd of pipe.cmds) piped = { value: evalCommand(ctx, cmd, piped, where) };
  const value = piped!.value;
  if (pipe.decl) {
    if (pipe.decl.names.length !== 1) throw new TemplateError(`${where}: too many declarations`);
    const name = pipe.decl.names[0]!;
    if (pipe.decl.assign) {
      const scope = [...ctx.vars].reverse().find((s) => s.has(name));
      if (!scope) throw new TemplateError(`${where}: undefined variable "${name}"`);
      scope.set(name, value);
    } else {
      ctx.vars[ctx.vars.length - 1]!.set(name, value);
    }
  }
  return value;
}

function execNodes(ctx: Ctx, nodes: readonly Node[]): string {
  let out = '';
  for (const n of nodes) {
    switch (n.t) {
      case 'text':
        out += n.text;
        break;
      case 'out': {
        const v = evalPipeline(ctx, n.pipe, n.where);
        if (!n.pipe.decl) out += printable(v, n.where);
        break;
      }
      case 'if': {
        ctx.vars.push(new Map());
        try {
          const hit = n.branches.find((b) => truthy(evalPipeline(ctx, b.cond, b.where)));
          out += execNodes(ctx, hit ? hit.body : n.otherwise);
        } finally {
          ctx.vars.pop();
        }
        break;
      }
      case 'with': {
        ctx.vars.push(new Map());
        try {
          const v = evalPipeline(ctx, n.pipe, n.where);
          out += truthy(v) ? execNodes({ ...ctx, dot: v }, n.body) : execNodes(ctx, n.otherwise);
        } finally {
          ctx.vars.pop();
        }
        break;
      }
      case 'range': {
        const names = n.pipe.decl?.names ?? [];
        const v = evalPipeline(ctx, { cmds: n.pipe.cmds }, n.where);
        const entries: [unknown, unknown][] = Array.isArray(v)
          ? v.map((x, i) => [i, x])
          : isMap(v) ? Object.keys(v).sort().map((k) => [k, v[k]])
          : v === null || v === undefined ? []
          : (() => { throw new TemplateError(`${n.where}: range can't iterate over ${JSON.stringify(v)}`); })();
        if (entries.length === 0) {
          out += execNodes(ctx, n.otherwise);
          break;
        }
        for (const [k, x] of entries) {
          const scope: Scope = new Map();
          if (names.length === 1) scope.set(names[0]!, x);
          if (names.length === 2) {
            scope.set(names[0]!, k);
            scope.set(names[1]!, x);
          }
          ctx.vars.push(scope);
          try {
            out += execNodes({ ...ctx, dot: x }, n.body);
          } finally {
            ctx.vars.pop();
          }
        }
        break;
      }
      case 'template':
        out += runTemplate(ctx, n.name, n.pipe ? evalPipeline(ctx, n.pipe, n.where) : undefined, n.where);
        break;
    }
  }
  return out;
}

function runTemplate(ctx: Ctx, name: string, data: unknown, where: string): string {
  const body = ctx.defines.get(name);
  if (!body) throw new TemplateError(`${where}: no template "${name}"`);
  if (ctx.depth > 100) throw new TemplateError(`${where}: templates nested more than 100 deep`);
  return execNodes({ dot: data, vars: [new Map([['$', data]])], defines: ctx.defines, depth: ctx.depth + 1 }, body);
}

/** Render one template text with `data` as `.` and `$` (defines from `extraDefines` too). */
export function renderTemplate(src: string, data: unknown, file = 'template', extraDefines: Map<string, Node[]> = new Map()): string {
  const { nodes, defines } = parse(src, file);
  const all = new Map([...extraDefines, ...defines]);
  return execNodes({ dot: data, vars: [new Map([['$', data]])], defines: all, depth: 0 }, nodes);
}

// ---------------------------------------------------------------------------------------------
// Charts

/** Helm's values merge: maps merge key by key, anything else replaces, `null` deletes a key. */
export function mergeValues(base: unknown, override: unknown): unknown {
  if (!isMap(base) || !isMap(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v === null) delete out[k];
    else out[k] = isMap(out[k]) && isMap(v) ? mergeValues(out[k], v) : v;
  }
  return out;
}

export interface RenderedChart {
  /** Every rendered document, parsed (YAML 1.1, as the API server's reader), with its template. */
  readonly objects: { readonly template: string; readonly object: Record<string, unknown> }[];
  readonly values: Record<string, unknown>;
}

export interface ReleaseOptions {
  readonly name?: string;
  readonly namespace?: string;
}

/** `helm template <release> <chartDir> -f <values>` for the supported subset. */
export function renderChart(chartDir: string, overrides: Record<string, unknown> = {}, release: ReleaseOptions = {}): RenderedChart {
  const chart = load(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const values = mergeValues(load(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) ?? {}, overrides) as Record<string, unknown>;
  const files = readdirSync(join(chartDir, 'templates')).filter((f) => /\.(ya?ml|tpl)$/.test(f)).sort();
  const parsed = files.map((f) => ({ file: f, ...parse(readFileSync(join(chartDir, 'templates', f), 'utf8'), `templates/${f}`) }));
  const defines = new Map(parsed.flatMap((p) => [...p.defines]));
  const capitalized = Object.fromEntries(Object.entries(chart).map(([k, v]) => [k[0]!.toUpperCase() + k.slice(1), v]));
  const objects: RenderedChart['objects'] = [];
  for (const p of parsed) {
    if (p.file.startsWith('_')) continue;
    const data = {
      Values: values,
      Release: { Name: release.name ?? 'pave', Namespace: release.namespace ?? 'pave', Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 },
      Chart: capitalized,
      Template: { Name: `${String(chart.name)}/templates/${p.file}`, BasePath: `${String(chart.name)}/templates` },
    };
    const text = execNodes({ dot: data, vars: [new Map([['$', data]])], defines, depth: 0 }, p.nodes);
    for (const doc of text.split(/^---[ \t]*$/m)) {
      if (doc.replace(/^\s*#.*$/gm, '').trim() === '') continue;
      let object: unknown;
      try {
        object = load(doc, { schema: YAML11_SCHEMA });
      } catch (err) {
        throw new TemplateError(`templates/${p.file}: the rendered YAML does not parse: ${(err as Error).message}\n${doc}`);
      }
      if (object === null || object === undefined) continue;
      if (!isMap(object)) throw new TemplateError(`templates/${p.file}: a document is not a mapping`);
      objects.push({ template: `templates/${p.file}`, object });
    }
  }
  return { objects, values };
}
