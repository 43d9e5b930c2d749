/**
 * `schemaFilePath` must name a file that exists. Choreo checks `fs.existsSync(path.join(root, value))`
 * on its checkout; pave asks the {@link SourceTree}'s path list the same question. Like
 * `path.join`, a leading `/` stays relative to the component root, and a directory counts as
 * existing. A path that climbs out of the repository can never exist in it (and on Choreo's
 * builder points outside the checkout), so it is an error of its own.
 */
import type { DocPath } from '../../lib/json-pointer.js';
import { isWithin, joinRepoPath } from '../../lib/posix-path.js';
import { displayPath, type Checker } from './checker.js';

/** What a check may look at besides the file itself. */
export interface FileContext {
  /** Component root, relative to the repository root (`''` for the root). */
  readonly root: string;
  /** Every path of the repository, or `null` to skip existence checks. */
  readonly paths: ReadonlySet<string> | null;
}

/**
 * Check one schema file reference. `choreoRule` is false for `proxy.schemaFilePath`, which Choreo's
 * validator never looks at: pave then only warns.
 */
export function checkSchemaFile(ck: Checker, path: DocPath, value: string, ctx: FileContext, choreoRule = true): void {
  if (value === '' || ctx.paths === null) return;
  const report = choreoRule ? ck.error : ck.warn;
  const where = displayPath(path);
  const resolved = joinRepoPath(ctx.root, value);
  if (resolved === null) {
    report(path, 'path-traversal', `${where} "${value}" points outside the repository`,
      'schema files are read from the repository; give a path relative to the component directory that stays inside it');
    return;
  }
  // `path.join` keeps a trailing slash, and `existsSync('x.yaml/')` is false for a file.
  const found = existence(ctx.paths, resolved);
  const kind = found === 'file' && value.endsWith('/') ? 'missing' : found;
  if (kind === 'missing') {
    const near = caseInsensitiveMatch(ctx.paths, resolved);
    report(path, 'schema-file-missing', `${where}: no file at "${value}" (looked for ${resolved || '.'} in the repository)`,
      near
        ? `the repository has ${near}; paths are case-sensitive`
        : `paths are relative to the component directory${ctx.root ? ` ${ctx.root}/` : ' (the repository root)'}; commit the file or fix the path`);
    return;
  }
  if (kind === 'directory') {
    ck.warn(path, 'schema-file-is-directory', `${where} "${value}" is a directory, not a file`, 'point at the OpenAPI, AsyncAPI, GraphQL or proto file itself');
  }
  if (!isWithin(ctx.root, resolved)) {
    ck.warn(path, 'schema-file-outside-component', `${where} "${value}" is outside the component directory${ctx.root ? ` ${ctx.root}/` : ''}`,
      'a Docker build context or buildpack only sees the component directory; move the file into it');
  }
}

function existence(paths: ReadonlySet<string>, resolved: string): 'file' | 'directory' | 'missing' {
  if (paths.has(resolved)) return 'file';
  if (resolved === '') return 'directory';
  return indexOf(paths).directories.has(resolved) ? 'directory' : 'missing';
}

function caseInsensitiveMatch(paths: ReadonlySet<string>, resolved: string): string | undefined {
  return indexOf(paths).byLowerCase.get(resolved.toLowerCase());
}

interface PathIndex {
  readonly directories: ReadonlySet<string>;
  readonly byLowerCase: ReadonlyMap<string, string>;
}

// Built once per tree, on the first missing file: a descriptor may name thousands of schema files
// and a repository hold a hundred thousand paths.
const indexes = new WeakMap<ReadonlySet<string>, PathIndex>();

function indexOf(paths: ReadonlySet<string>): PathIndex {
  let index = indexes.get(paths);
  if (!index) {
    const directories = new Set<string>();
    const byLowerCase = new Map<string, string>();
    for (const p of paths) {
      const lower = p.toLowerCase();
      if (!byLowerCase.has(lower)) byLowerCase.set(lower, p);
      for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) directories.add(p.slice(0, i));
    }
    index = { directories, byLowerCase };
    indexes.set(paths, index);
  }
  return index;
}
