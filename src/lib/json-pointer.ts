/** A path into a parsed document: map keys and sequence indexes. */
export type DocPath = readonly (string | number)[];

/** RFC 6901 JSON pointer for a path (`['a', 0, 'b/c']` → `/a/0/b~1c`). */
export function toPointer(path: DocPath): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Inverse of {@link toPointer}; numeric segments stay strings (callers index with either). */
export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
