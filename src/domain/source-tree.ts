/**
 * A repository snapshot as the pure core sees it: every path in the tree (to discover
 * `.choreo/` directories and check that referenced files exist), and the bytes of the
 * files that were asked for. Adapters fill it from a directory, the GitHub trees API or git.
 * Paths are POSIX, relative to the repository root, without a leading `./`.
 */
export interface SourceTree {
  /** Every file path in the snapshot. */
  readonly paths: ReadonlySet<string>;
  /** Contents of the files that were read; a path in `paths` but not here was not fetched. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}
