/**
 * Find the components of a repository: every directory with a `.choreo/component.yaml`,
 * `.choreo/component-config.yaml` or `.choreo/endpoints.yaml` is one (a monorepo has many).
 * Only these exact names count, as in Choreo: `component.yml` or `component-1.yaml` are never read.
 */
import type { DescriptorKind } from '../../domain/component.js';
import { DESCRIPTOR_KINDS } from './file-report.js';

/** One component directory and the descriptor files it has, in Choreo's order of precedence. */
export interface DiscoveredComponent {
  /** Directory that holds `.choreo/`, relative to the repository root; `''` for the root. */
  readonly root: string;
  /** Repository-relative paths of the descriptor files present, highest precedence first. */
  readonly files: readonly string[];
  /** The kinds of those files, in the same order. */
  readonly kinds: readonly DescriptorKind[];
}

/** Path of a descriptor of `kind` for the component at `root`. */
export function descriptorPath(root: string, kind: DescriptorKind): string {
  return root === '' ? `.choreo/${kind}` : `${root}/.choreo/${kind}`;
}

/** Every component directory in `paths`, sorted by root. */
export function discoverComponents(paths: Iterable<string>): DiscoveredComponent[] {
  const found = new Map<string, Set<DescriptorKind>>();
  for (const path of paths) {
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    const kind = DESCRIPTOR_KINDS.find((k) => k === name);
    if (!kind) continue;
    const dir = slash < 0 ? '' : path.slice(0, slash);
    if (dir !== '.choreo' && !dir.endsWith('/.choreo')) continue;
    const root = dir === '.choreo' ? '' : dir.slice(0, -'/.choreo'.length);
    let kinds = found.get(root);
    if (!kinds) found.set(root, (kinds = new Set()));
    kinds.add(kind);
  }
  return [...found.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([root, kinds]) => {
      const ordered = DESCRIPTOR_KINDS.filter((k) => kinds.has(k));
      return { root, files: ordered.map((k) => descriptorPath(root, k)), kinds: ordered };
    });
}

/** Whether `path` is a descriptor file in a `.choreo/` directory: the files discovery needs read. */
export function isDescriptorPath(path: string): boolean {
  const slash = path.lastIndexOf('/');
  const dir = slash < 0 ? '' : path.slice(0, slash);
  const name = path.slice(slash + 1);
  return (dir === '.choreo' || dir.endsWith('/.choreo')) && DESCRIPTOR_KINDS.some((k) => k === name);
}
