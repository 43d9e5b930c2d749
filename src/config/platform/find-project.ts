import picomatch from 'picomatch';
import type { PlatformConfig, Project } from '../../domain/platform.js';

type Matcher = (candidate: string) => boolean;

// Compiled globs per project object; projects are immutable, so the cache never goes stale.
const compiled = new WeakMap<Project, readonly Matcher[]>();

function matchersOf(project: Project): readonly Matcher[] {
  let m = compiled.get(project);
  if (!m) {
    m = project.repos.map((glob) => picomatch(glob, { nocase: true, dot: true }));
    compiled.set(project, m);
  }
  return m;
}

/**
 * The project a component belongs to, from the projects' `repos` globs.
 *
 * A component at `root` (`''` for the repository root) of repository `repo` (`owner/name`) is
 * described by two candidate strings: `owner/name/<root>` and `owner/name`. Matching is in two
 * rounds, so a glob that names a path inside a repository wins over one that claims the whole
 * repository:
 *
 * 1. the first project (in file order) with a glob matching `owner/name/<root>` (only when
 *    `root` is not empty);
 * 2. otherwise the first project with a glob matching `owner/name`.
 *
 * Globs are picomatch globs matched case-insensitively (GitHub names are); `*` stays within one
 * path segment, `**` crosses segments, and `owner/name/**` also matches `owner/name` itself.
 * `root` may be written with a leading `./` or trailing `/`.
 */
export function findProject(config: Pick<PlatformConfig, 'projects'>, repo: string, root: string): Project | undefined {
  const cleanRoot = root.replace(/^(\.\/)+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
  const cleanRepo = repo.replace(/\/+$/, '');
  const projects = [...config.projects.values()];
  if (cleanRoot !== '') {
    const full = `${cleanRepo}/${cleanRoot}`;
    const byPath = projects.find((p) => matchersOf(p).some((m) => m(full)));
    if (byPath) return byPath;
  }
  return projects.find((p) => matchersOf(p).some((m) => m(cleanRepo)));
}
