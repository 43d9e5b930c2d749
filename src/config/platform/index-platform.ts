/**
 * An index of the parsed platform files by kind and name, for the cross-file rules. Names are
 * read defensively, so files with schema errors still define their names, and a file that did
 * not even parse still "defines" its file name: references to it are not reported a second time.
 */
import type { DocPath } from '../../lib/json-pointer.js';
import type { PlatformDocument, UnreadablePlatformFile } from './platform-document.js';
import { listField, stringField } from './raw-access.js';
import type { PlatformFileKind } from './schemas/platform-schemas.js';

/** One named thing defined in a file: an environment, a plan `engine/name`, a catalog `name/version` … */
export interface Definition {
  readonly id: string;
  readonly file: PlatformDocument;
  /** Where the name is written. */
  readonly path: DocPath;
}

export interface PlatformIndex {
  readonly documents: readonly PlatformDocument[];
  /** Every definition of a kind, in file order; duplicates included. */
  definitions(kind: PlatformFileKind): readonly Definition[];
  /** The first definition of `id`. */
  find(kind: PlatformFileKind, id: string): Definition | undefined;
  /** Whether `id` is defined, or may be defined by a file that could not be read. */
  isDefined(kind: PlatformFileKind, id: string): boolean;
  /** Defined ids of a kind, sorted, for hints. */
  ids(kind: PlatformFileKind): readonly string[];
}

/** Build the index. */
export function indexPlatform(documents: readonly PlatformDocument[], unreadable: readonly UnreadablePlatformFile[]): PlatformIndex {
  const byKind = new Map<PlatformFileKind, Definition[]>();
  for (const file of documents) {
    const list = byKind.get(file.kind) ?? [];
    list.push(...definitionsIn(file));
    byKind.set(file.kind, list);
  }
  const firstById = new Map<string, Definition>();
  for (const [kind, list] of byKind) {
    for (const d of list) if (!firstById.has(`${kind}\u0000${d.id}`)) firstById.set(`${kind}\u0000${d.id}`, d);
  }
  const unreadableIds = new Set(unreadable.map((u) => `${u.kind}\u0000${u.stem}`));
  return {
    documents,
    definitions: (kind) => byKind.get(kind) ?? [],
    find: (kind, id) => firstById.get(`${kind}\u0000${id}`),
    isDefined: (kind, id) =>
      firstById.has(`${kind}\u0000${id}`) ||
      unreadableIds.has(`${kind}\u0000${kind === 'database-plans' ? id.split('/')[0] : kind === 'catalog-entry' ? id.split('/')[0] : id}`),
    ids: (kind) => [...new Set((byKind.get(kind) ?? []).map((d) => d.id))].sort(),
  };
}

function definitionsIn(file: PlatformDocument): Definition[] {
  const value = file.doc.value;
  switch (file.kind) {
    case 'platform':
      return [{ id: 'platform', file, path: [] }];
    case 'database-plans': {
      const engine = stringField(value, 'engine');
      if (engine === undefined) return [];
      return listField(value, 'plans').flatMap((plan, i) => {
        const name = stringField(plan, 'name');
        return name === undefined ? [] : [{ id: `${engine}/${name}`, file, path: ['plans', i, 'name'] }];
      });
    }
    case 'catalog-entry': {
      const name = stringField(value, 'name');
      const version = stringField(value, 'version');
      return name === undefined || version === undefined ? [] : [{ id: `${name}/${version}`, file, path: ['name'] }];
    }
    default: {
      const name = stringField(value, 'name');
      return name === undefined ? [] : [{ id: name, file, path: ['name'] }];
    }
  }
}
