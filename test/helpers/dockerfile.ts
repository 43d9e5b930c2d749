/**
 * A reader for the Dockerfile syntax deploy/Dockerfile uses, so tests can check it and replay its
 * runtime stage without a Docker engine: comments, parser directives, `\` line continuations,
 * instructions in shell or JSON (exec) form, `FROM … AS name` stages, `KEY=value` ENV lists, and
 * a `.dockerignore` matcher (patterns with `*`, `**`, `?` and `!` exceptions, last match wins).
 */
import picomatch from 'picomatch';

export interface Instruction {
  /** Upper-cased keyword: FROM, RUN, COPY, ENV, … */
  readonly keyword: string;
  /** The text after the keyword, continuations joined. */
  readonly args: string;
  /** `--name=value` flags at the start of args (COPY --from, HEALTHCHECK --interval). */
  readonly flags: Readonly<Record<string, string>>;
  /** Args without the flags. */
  readonly rest: string;
  /** 1-based line of the keyword. */
  readonly line: number;
}

export interface Stage {
  readonly image: string;
  readonly name?: string;
  readonly instructions: readonly Instruction[];
}

export function parseDockerfile(text: string): { stages: Stage[]; instructions: Instruction[] } {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!;
    if (/^\s*(#.*)?$/.test(first)) continue;
    const start = i;
    let joined = first;
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) {
      joined = joined.replace(/\\\s*$/, ' ');
      i++;
      const next = lines[i]!;
      if (/^\s*#/.test(next)) continue; // comments inside a continuation are dropped
      joined += next.trim();
    }
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(joined);
    if (!m) throw new Error(`Dockerfile:${start + 1}: cannot read "${first}"`);
    const args = m[2]!.trim();
    const flags: Record<string, string> = {};
    let rest = args;
    for (let f = /^--([a-z-]+)=(\S+)\s+/.exec(rest); f; f = /^--([a-z-]+)=(\S+)\s+/.exec(rest)) {
      flags[f[1]!] = f[2]!;
      rest = rest.slice(f[0].length);
    }
    instructions.push({ keyword: m[1]!.toUpperCase(), args, flags, rest, line: start + 1 });
  }
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.rest);
      if (!m) throw new Error(`Dockerfile:${ins.line}: FROM ${ins.rest}`);
      stages.push({ image: m[1]!, ...(m[2] ? { name: m[2] } : {}), instructions: [] });
    } else if (stages.length > 0) {
      (stages[stages.length - 1]!.instructions as Instruction[]).push(ins);
    } else if (ins.keyword !== 'ARG') {
      throw new Error(`Dockerfile:${ins.line}: ${ins.keyword} before the first FROM`);
    }
  }
  return { stages, instructions };
}

/** The words of an exec-form (`["a", "b"]`) or shell-form (`a b`, run by `/bin/sh -c`) command. */
export function commandWords(rest: string): string[] {
  if (rest.startsWith('[')) {
    const words = JSON.parse(rest) as unknown;
    if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) throw new Error(`not an exec-form command: ${rest}`);
    return words;
  }
  return ['/bin/sh', '-c', rest];
}

/** `ENV A=1 B="two words"` (or the legacy `ENV A 1`) as a map. */
export function envOf(rest: string): Record<string, string> {
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=]*)$/.exec(rest);
  if (legacy) return { [legacy[1]!]: legacy[2]!.trim() };
  const env: Record<string, string> = {};
  const re = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)\s*/y;
  let at = 0;
  while (at < rest.length) {
    re.lastIndex = at;
    const m = re.exec(rest);
    if (!m) throw new Error(`cannot read ENV ${rest} at "${rest.slice(at)}"`);
    env[m[1]!] = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
    at = re.lastIndex;
  }
  return env;
}

/** COPY sources and destination (shell or JSON form). */
export function copyArgs(rest: string): { sources: string[]; dest: string } {
  const words = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
  if (words.length < 2) throw new Error(`COPY needs a source and a destination: ${rest}`);
  return { sources: words.slice(0, -1), dest: words[words.length - 1]! };
}

/**
 * Whether `.dockerignore` excludes a context path (`src/main/start.ts`). Patterns are matched
 * from the context root; a path is also excluded when one of its parent directories is.
 */
export function dockerIgnored(dockerignore: string, path: string): boolean {
  const rules = dockerignore.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => (l.startsWith('!') ? { negate: true, pattern: l.slice(1) } : { negate: false, pattern: l }))
    .map((r) => ({ ...r, match: picomatch(r.pattern.replace(/^\/+/, '').replace(/\/+$/, ''), { dot: true }) }));
  const parts = path.split('/');
  let ignored = false;
  for (const rule of rules) {
    // A pattern matching the path or any of its parents decides for the path.
    for (let n = 1; n <= parts.length; n++) {
      if (rule.match(parts.slice(0, n).join('/'))) {
        ignored = !rule.negate;
        break;
      }
    }
  }
  return ignored;
}
