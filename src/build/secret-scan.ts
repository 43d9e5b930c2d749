/**
 * The secret scanner (pure): file contents in, findings out. A build fails when the source holds
 * a secret, with the file, line and column of each — and never the value: every message names the
 * kind of secret and a masked form (a well-known prefix such as `ghp_…` and the length at most).
 *
 * Rules:
 *
 * | rule | what |
 * |---|---|
 * | `private-key` | a `-----BEGIN … PRIVATE KEY-----` block followed by key material |
 * | `aws-access-key` | an AWS access key id (`AKIA`/`ASIA`/`ABIA`/`ACCA` + 16) |
 * | `aws-secret-key` | a 40-character secret key on a line naming an AWS secret, or within 3 lines of an access key id |
 * | `github-token` | `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` tokens and `github_pat_` fine-grained tokens |
 * | `slack-token` | `xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-` tokens and Slack incoming-webhook URLs |
 * | `google-api-key` | `AIza` + 35 |
 * | `generic-high-entropy` | `password`, `secret`, `token`, `api_key` … assigned (`=`, `:`, `:=`, `=>`) a value of 16+ characters whose Shannon entropy is at least 3.5 bits per character, with letters and digits or mixed case, that is not a placeholder (`${…}`, `{{…}}`, `<…>`) or a URL |
 *
 * False positives: `pave:allow-secret` anywhere on the line silences that line; globs in
 * `.pave/secret-scan-ignore` (one per line, `#` comments; picomatch syntax, matched against the path
 * relative to the scanned root; a pattern without `/` matches at any depth, a trailing `/` means
 * everything under a directory) skip whole files.
 *
 * Bounded work on hostile input: binary files (a NUL byte in the first 8 000 bytes) and files over
 * `maxFileBytes` are skipped by the caller's walk ({@link scanBytes} says why), every regular
 * expression has bounded repetition (linear in the line), and findings per file are capped.
 */
import picomatch from 'picomatch';
import type { SecretFinding } from '../domain/build.js';

/** Where the path-glob allowlist lives, relative to the scanned root. */
export const SECRET_SCAN_IGNORE_FILE = '.pave/secret-scan-ignore';
/** The comment that silences findings on its line. */
export const ALLOW_MARKER = 'pave:allow-secret';
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
/** Findings kept per file (a generated file full of keys says enough with the first ones). */
export const MAX_FINDINGS_PER_FILE = 20;

/** Characters of a generic value needed before entropy is looked at. */
const GENERIC_MIN_LENGTH = 16;
/** Bits per character (a random 16-character alphanumeric string has about 3.8). */
const GENERIC_MIN_ENTROPY = 3.5;

export type ScanSkip = 'binary' | 'too-large';

/** Scan one file's bytes: skipped (and why) when binary or over `maxFileBytes`, else its findings. */
export function scanBytes(file: string, bytes: Uint8Array, maxFileBytes = DEFAULT_MAX_FILE_BYTES): { skipped: ScanSkip } | { findings: SecretFinding[] } {
  if (bytes.byteLength > maxFileBytes) return { skipped: 'too-large' };
  if (isBinary(bytes)) return { skipped: 'binary' };
  return { findings: scanText(file, new TextDecoder('utf-8', { fatal: false }).decode(bytes)) };
}

/** Git's heuristic: a NUL byte in the first 8 000 bytes. */
export function isBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.byteLength, 8000);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Shannon entropy of `s` in bits per character (0 for the empty string). */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...s].length;
  let h = 0;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

interface Hit {
  readonly line: number;
  readonly column: number;
  readonly rule: string;
  readonly message: string;
}

interface PrefixRule {
  readonly rule: string;
  readonly title: string;
  readonly pattern: RegExp;
  /** Characters of the match shown before the ellipsis (a public, well-known prefix). */
  readonly shown: (value: string) => number;
}

const PREFIX_RULES: readonly PrefixRule[] = [
  { rule: 'aws-access-key', title: 'AWS access key id', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g, shown: () => 4 },
  { rule: 'github-token', title: 'GitHub token', pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}(?![A-Za-z0-9_])/g, shown: () => 4 },
  { rule: 'github-token', title: 'GitHub fine-grained token', pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}(?![A-Za-z0-9_])/g, shown: () => 11 },
  { rule: 'slack-token', title: 'Slack token', pattern: /(?<![A-Za-z0-9-])xox[abprs]-[A-Za-z0-9]{8,40}-[A-Za-z0-9-]{8,200}(?![A-Za-z0-9-])/g, shown: () => 5 },
  { rule: 'slack-token', title: 'Slack incoming-webhook URL', pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Za-z0-9_]{6,20}\/B[A-Za-z0-9_]{6,20}\/[A-Za-z0-9_]{16,64}/g, shown: () => 33 },
  { rule: 'google-api-key', title: 'Google API key', pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g, shown: () => 4 },
];

const PRIVATE_KEY = /-----BEGIN ((?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----/g;
/** Key material: a base64 run (the next line, or after a literal `\n` on the same line). */
const KEY_MATERIAL = /^(?:\s{0,40}|.{0,20}?\\n)[A-Za-z0-9+/]{16}/;
const AWS_SECRET_VALUE = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
const AWS_SECRET_NAMED = /aws.{0,24}secret|secret.{0,24}aws/i;
/** An identifier that names a secret (the start of a generic assignment). */
const SECRET_WORD = /(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?key|credentials?)/gi;
/** From the end of the secret word: rest of the identifier, operator, optional quote, value. */
const ASSIGNMENT = /[A-Za-z0-9_.-]{0,40}["']?\s{0,8}(?::=|=>|==|[:=])\s{0,8}(["'`]?)([^\s"'`,;)\]}]{1,512})/y;

/** Findings in one file's text (`file` is the path reported). */
export function scanText(file: string, text: string): SecretFinding[] {
  const lines = text.split(/\r?\n/);
  const hits: Hit[] = [];
  const accessKeyLines: number[] = [];
  for (let i = 0; i < lines.length && hits.length < MAX_FINDINGS_PER_FILE * 2; i++) {
    const line = lines[i]!;
    if (line.includes(ALLOW_MARKER)) continue;
    const n = i + 1;

    for (const m of line.matchAll(PRIVATE_KEY)) {
      const after = line.slice(m.index + m[0].length);
      const next = lines[i + 1] ?? '';
      if (KEY_MATERIAL.test(after) || /^\s{0,40}[A-Za-z0-9+/]{16}/.test(next) || /^Proc-Type:/.test(next)) {
        hits.push({ line: n, column: m.index + 1, rule: 'private-key', message: `${m[1]!.toLowerCase()} block (key material follows)` });
      }
    }

    for (const r of PREFIX_RULES) {
      for (const m of line.matchAll(r.pattern)) {
        hits.push({ line: n, column: m.index + 1, rule: r.rule, message: `${r.title} (${mask(m[0], r.shown(m[0]))})` });
        if (r.rule === 'aws-access-key') accessKeyLines.push(n);
      }
    }

    const generic = genericAssignments(line);
    for (const g of generic) hits.push({ line: n, ...g });
  }

  // AWS secret keys: 40 base64 characters near an access key id, or on a line naming an AWS secret.
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.includes(ALLOW_MARKER) || line.length < 40) continue;
    const n = i + 1;
    const near = AWS_SECRET_NAMED.test(line) || accessKeyLines.some((l) => Math.abs(l - n) <= 3);
    if (!near) continue;
    for (const m of line.matchAll(AWS_SECRET_VALUE)) {
      const v = m[0];
      if (!/[A-Z]/.test(v) || !/[a-z]/.test(v) || !/[0-9/+]/.test(v) || shannonEntropy(v) < 4) continue;
      hits.push({ line: n, column: m.index + 1, rule: 'aws-secret-key', message: `AWS secret access key (${mask(v, 0)})` });
    }
  }

  // One finding per position: a generic assignment whose value another rule named is that rule's.
  const byPosition = new Map<string, Hit>();
  for (const h of hits) {
    const key = `${h.line}:${h.column}`;
    const seen = byPosition.get(key);
    if (!seen || (seen.rule === 'generic-high-entropy' && h.rule !== 'generic-high-entropy')) byPosition.set(key, h);
  }
  return [...byPosition.values()]
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .slice(0, MAX_FINDINGS_PER_FILE)
    .map((h) => ({ file, line: h.line, column: h.column, rule: h.rule, message: h.message }));
}

function genericAssignments(line: string): Omit<Hit, 'line'>[] {
  const out: Omit<Hit, 'line'>[] = [];
  for (const w of line.matchAll(SECRET_WORD)) {
    ASSIGNMENT.lastIndex = w.index + w[0].length;
    const m = ASSIGNMENT.exec(line);
    if (!m) continue;
    const quote = m[1]!;
    const value = m[2]!;
    const column = ASSIGNMENT.lastIndex - value.length + 1;
    if (!looksSecret(value, quote !== '')) continue;
    const name = identifierAround(line, w.index, w.index + w[0].length);
    out.push({ column, rule: 'generic-high-entropy', message: `high-entropy value assigned to '${name}' (${mask(value, 0)}, entropy ${shannonEntropy(value).toFixed(1)} bits/char)` });
  }
  return out;
}

function looksSecret(value: string, quoted: boolean): boolean {
  if (value.length < GENERIC_MIN_LENGTH) return false;
  if (/\$\{|\{\{|%\(|^\$|^<|>$|:\/\/|^[A-Za-z_][A-Za-z0-9_]*\(/.test(value)) return false; // placeholders, URLs, calls
  if (!quoted && /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(value)) return false; // process.env.X, config.token
  if (/^(?:x+|\*+|[.]+|changeme|change-me|redacted|placeholder)$/i.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(value)).length;
  if (classes < 2) return false;
  return shannonEntropy(value) >= GENERIC_MIN_ENTROPY;
}

/** The identifier holding the secret word, for the message (identifier characters only, bounded). */
function identifierAround(line: string, start: number, end: number): string {
  let s = start;
  let e = end;
  while (s > 0 && start - s < 40 && /[A-Za-z0-9_.-]/.test(line[s - 1]!)) s--;
  while (e < line.length && e - end < 40 && /[A-Za-z0-9_-]/.test(line[e]!)) e++;
  return line.slice(s, e);
}

/** `prefix…` and the length; never more than the public prefix of a value. */
function mask(value: string, shown: number): string {
  const prefix = shown > 0 && shown < value.length - 8 ? value.slice(0, shown) : '';
  return `${prefix}…, ${value.length} characters`;
}

/**
 * The `.pave/secret-scan-ignore` file as a predicate on paths relative to the scanned root (`/`
 * separators). Bad globs are reported, not thrown: `errors` lists them with their line.
 */
export function compileIgnoreFile(text: string): { ignores: (path: string) => boolean; errors: string[] } {
  const matchers: ((path: string) => boolean)[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let glob = line.replace(/^\.?\//, '');
    if (glob.endsWith('/')) glob = `${glob}**`;
    if (!glob.includes('/')) glob = `**/${glob}`;
    try {
      matchers.push(picomatch(glob, { dot: true, strictBrackets: true }));
    } catch (err) {
      errors.push(`${SECRET_SCAN_IGNORE_FILE}:${i + 1}: '${line}' is not a valid glob (${err instanceof Error ? err.message : String(err)})`);
    }
  });
  return { ignores: (path) => matchers.some((m) => m(path)), errors };
}
