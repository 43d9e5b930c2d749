/**
 * POSIX path arithmetic on repository-relative paths, without `node:path` (the pure core may
 * not import Node modules). Paths never start with `/` or `./`; `''` is the repository root.
 */

/**
 * Join and normalize like `path.posix.join(base, rel)` would, but relative to the repository root:
 * a leading `/` in `rel` does not make it absolute (Node's `path.join` treats it the same way), `.`
 * segments vanish, `..` pops. Returns `null` when the result climbs above the repository root.
 */
export function joinRepoPath(base: string, rel: string): string | null {
  const out: string[] = [];
  for (const segment of `${base}/${rel}`.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else {
      out.push(segment);
    }
  }
  return out.join('/');
}

/** Directory part of a repository path (`a/b/c.yaml` → `a/b`, `c.yaml` → ``). */
export function dirnameOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** Last segment of a path (`a/b/c.yaml` → `c.yaml`). */
export function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Whether `path` is `dir` itself or lies below it (`''` contains everything). */
export function isWithin(dir: string, path: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}
