import type { Diagnostic } from '../../domain/diagnostic.js';
import { diagnosticAt, placeOf } from './diagnostic-at.js';
import type { Definition, PlatformIndex } from './index-platform.js';
import type { PlatformFileKind } from './schemas/platform-schemas.js';

const NOUNS: Readonly<Record<PlatformFileKind, string>> = {
  platform: 'platform settings',
  environment: 'environment',
  pipeline: 'pipeline',
  project: 'project',
  'database-plans': 'database plan',
  'build-preset': 'build preset',
  policy: 'policy',
  'catalog-entry': 'catalog entry',
};

/**
 * Names are unique per kind across files. Every place a duplicated name is defined gets an error
 * that names the other places, so either file can be fixed. Duplicates within one database
 * plans file are reported by the per-file rules.
 */
export function checkUniqueNames(index: PlatformIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const kind of Object.keys(NOUNS) as PlatformFileKind[]) {
    const groups = new Map<string, Definition[]>();
    for (const d of index.definitions(kind)) groups.set(d.id, [...(groups.get(d.id) ?? []), d]);
    for (const [id, defs] of groups) {
      const files = new Set(defs.map((d) => d.file.file));
      if (files.size < 2) continue;
      for (const d of defs) {
        const others = defs.filter((o) => o.file !== d.file).map((o) => placeOf(o.file.doc, o.path));
        out.push(kind === 'platform'
          ? {
            severity: 'error', code: 'duplicate-platform-file', file: d.file.file, line: 1, column: 1, path: '',
            message: `platform settings are also defined in ${others.join(', ')}`,
            hint: 'keep one `platform.yaml` and delete the other file',
          }
          : diagnosticAt(d.file.doc, d.path, {
            code: 'duplicate-name',
            message: `${NOUNS[kind]} \`${id}\` is also defined at ${others.join(', ')}`,
            hint: `names of each kind must be unique; rename or remove one of the ${NOUNS[kind]} definitions`,
          }));
      }
    }
  }
  return out;
}
