/** Test helper: a {@link SourceTree} from inline file contents (strings are UTF-8 encoded). */
import type { SourceTree } from '../../src/domain/source-tree.js';

export function sourceTreeOf(files: Readonly<Record<string, string | Uint8Array>>): SourceTree {
  const encoder = new TextEncoder();
  const contents = new Map(Object.entries(files).map(([path, c]) => [path, typeof c === 'string' ? encoder.encode(c) : c]));
  return { paths: new Set(contents.keys()), files: contents };
}
