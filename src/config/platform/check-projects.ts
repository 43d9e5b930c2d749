/**
 * Projects name a defined pipeline and defined database plans, their repo globs are well formed
 * and belong to an owner pave serves, and no two projects claim the same glob.
 */
import type { Diagnostic } from '../../domain/diagnostic.js';
import { checkRepoGlob } from './check-repo-glob.js';
import { diagnosticAt, placeOf } from './diagnostic-at.js';
import type { PlatformIndex } from './index-platform.js';
import type { PlatformDocument } from './platform-document.js';
import { listField, stringField } from './raw-access.js';
import { DATABASE_PLAN, PIPELINE, unknownReference } from './unknown-reference.js';

/** Check every project file. */
export function checkProjects(index: PlatformIndex): Diagnostic[] {
  const platform = index.find('platform', 'platform')?.file.doc.value;
  const owners = new Set(listField(platform, 'githubOwners').filter((o): o is string => typeof o === 'string').map((o) => o.toLowerCase()));
  const claimed = new Map<string, { file: PlatformDocument; at: number }[]>();
  const out: Diagnostic[] = [];
  for (const file of index.documents.filter((f) => f.kind === 'project')) {
    const { doc } = file;
    const pipeline = stringField(doc.value, 'pipeline');
    if (pipeline !== undefined && !index.isDefined('pipeline', pipeline)) {
      out.push(unknownReference(doc, ['pipeline'], PIPELINE, pipeline, index.ids('pipeline')));
    }
    listField(doc.value, 'databasePlans').forEach((plan, i) => {
      if (typeof plan === 'string' && !index.isDefined('database-plans', plan)) {
        out.push(unknownReference(doc, ['databasePlans', i], DATABASE_PLAN, plan, index.ids('database-plans')));
      }
    });
    listField(doc.value, 'repos').forEach((glob, i) => {
      if (typeof glob !== 'string') return;
      const problem = checkRepoGlob(glob);
      if (problem) {
        out.push(diagnosticAt(doc, ['repos', i], { code: 'invalid-repo-glob', ...problem }));
        return;
      }
      const owner = glob.slice(0, glob.indexOf('/'));
      if (owners.size > 0 && !owners.has(owner.toLowerCase())) {
        out.push(diagnosticAt(doc, ['repos', i], {
          severity: 'warning',
          code: 'repo-owner-not-served',
          message: `\`${owner}\` is not one of the GitHub owners in platform.yaml, so pave never sees its repositories`,
          hint: `add \`${owner}\` to \`githubOwners\` in platform.yaml, or fix the owner`,
        }));
      }
      const key = glob.toLowerCase();
      claimed.set(key, [...(claimed.get(key) ?? []), { file, at: i }]);
    });
  }
  for (const [glob, claims] of claimed) {
    if (claims.length < 2) continue;
    for (const c of claims) {
      const others = claims.filter((o) => o !== c).map((o) => placeOf(o.file.doc, ['repos', o.at]));
      out.push(diagnosticAt(c.file.doc, ['repos', c.at], {
        code: 'duplicate-repo-glob',
        message: `repo glob \`${glob}\` is also listed at ${others.join(', ')}`,
        hint: 'a repository belongs to one project; keep the glob in one place',
      }));
    }
  }
  return out;
}
