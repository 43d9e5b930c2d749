import { existsSync, statSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { readSourceTree } from '../../adapters/fs/read-source-tree.js';
import { formatDiagnostic, type Diagnostic } from '../../domain/diagnostic.js';
import type { DescriptorKind } from '../../domain/component.js';
import { DESCRIPTOR_KINDS, isDescriptorPath, validateDescriptorFile, type FileReport } from '../../config/component/index.js';
import { oneOf, parse, UsageError } from '../args.js';
import type { Output } from '../output.js';
import { displayPath, readComponentRepo, relocateReport } from '../sources.js';

export const VALIDATE_HELP = `Usage: pave validate [--format text|json] [--no-file-checks] <component-root|file>...

Validate Choreo component descriptors exactly as Choreo's official validator does, plus pave's
own keys (component, build, resources, deploy). A directory is searched for every
<dir>/.choreo/ (monorepos); a file is validated on its own.

Options:
  --format text|json   output format (default text)
  --no-file-checks     do not check that schemaFilePath files exist
  -h, --help           show this help

Exit status: 0 all valid, 1 any invalid, 2 usage error.
JSON: {"files":[{"path","kind","schemaVersion","valid","errors":[{"message","line","column","path","code","hint"}],"warnings":[...]}]}`;

export async function validateCommand(argv: readonly string[], io: Output): Promise<number> {
  const { values, positionals } = parse(argv, { format: { type: 'string' }, 'no-file-checks': { type: 'boolean' } });
  if (values.help) {
    io.out(VALIDATE_HELP);
    return 0;
  }
  const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
  if (positionals.length === 0) throw new UsageError('name at least one component root or descriptor file');
  const fileChecks = !values['no-file-checks'];

  const reports: FileReport[] = [];
  for (const target of positionals) {
    if (!existsSync(target)) throw new UsageError(`${target}: no such file or directory`);
    if (statSync(target).isDirectory()) {
      const repo = await readComponentRepo(target, basename(resolve(target)), fileChecks);
      if (repo.reports.length === 0) reports.push(noDescriptor(target));
      reports.push(...repo.reports);
    } else {
      reports.push(await validateFile(target, fileChecks));
    }
  }

  if (format === 'json') io.out(JSON.stringify({ files: reports.map(toJson) }, null, 2));
  else io.out(renderText(reports));
  return reports.every((r) => r.valid) ? 0 : 1;
}

/** One file: its component root is the directory above `.choreo/`, so schemaFilePath checks work. */
async function validateFile(file: string, fileChecks: boolean): Promise<FileReport> {
  const abs = resolve(file);
  const inChoreo = basename(dirname(abs)) === '.choreo';
  const root = inChoreo ? dirname(dirname(abs)) : dirname(abs);
  const rel = relative(root, abs).split('\\').join('/');
  const tree = await readSourceTree(root, { include: (p) => p === rel || isDescriptorPath(p), maxFiles: 100_000 });
  const name = basename(abs);
  const kind = (DESCRIPTOR_KINDS as readonly string[]).includes(name) ? (name as DescriptorKind) : 'component.yaml';
  const report = validateDescriptorFile(tree, rel, { fileChecks: fileChecks && inChoreo, kind });
  return relocateReport(report, root);
}

function noDescriptor(dir: string): FileReport {
  const path = displayPath(dir);
  const error: Diagnostic = {
    severity: 'error', code: 'no-descriptor', file: path, line: 1, column: 1, path: '',
    message: 'no .choreo/component.yaml (or legacy component-config.yaml / endpoints.yaml) found here or below',
    hint: 'create <component-dir>/.choreo/component.yaml with `schemaVersion: 1.2`',
  };
  return { path, kind: 'component.yaml', schemaVersion: null, valid: false, choreoValid: false, errors: [error], warnings: [] };
}

function toJson(r: FileReport) {
  const d = (x: Diagnostic) => ({ message: x.message, line: x.line, column: x.column, path: x.path, code: x.code, ...(x.hint ? { hint: x.hint } : {}) });
  return { path: r.path, kind: r.kind, schemaVersion: r.schemaVersion, valid: r.valid, errors: r.errors.map(d), warnings: r.warnings.map(d) };
}

function renderText(reports: readonly FileReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    const version = r.schemaVersion ? ` ${r.schemaVersion}` : '';
    const mark = r.valid ? (r.warnings.length > 0 ? '⚠' : '✓') : '✗';
    lines.push(`${mark} ${r.path} (${r.kind}${version})`);
    for (const d of [...r.errors, ...r.warnings]) lines.push(`  ${formatDiagnostic(d)}`);
  }
  const invalid = reports.filter((r) => !r.valid).length;
  const warnings = reports.reduce((n, r) => n + r.warnings.length, 0);
  lines.push('', `${reports.length} file${reports.length === 1 ? '' : 's'}: ${reports.length - invalid} valid, ${invalid} invalid, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return lines.join('\n');
}
