import type { Diagnostic } from '../../domain/diagnostic.js';
import { closestMatch } from '../../lib/closest-match.js';
import type { DocPath } from '../../lib/json-pointer.js';
import type { YamlDocument } from '../yaml/parse-yaml.js';
import { diagnosticAt } from './diagnostic-at.js';

/** What is referred to, for messages: `environment` defined in `environments/`. */
export interface ReferenceKind {
  readonly noun: string;
  readonly directory: string;
}

/** An error for a reference to something the platform repository does not define. */
export function unknownReference(
  doc: YamlDocument,
  path: DocPath,
  kind: ReferenceKind,
  name: string,
  known: readonly string[],
  atKey = false,
): Diagnostic {
  const guess = closestMatch(name, known);
  const listed = known.length > 0 ? `defined: ${known.join(', ')}` : `none is defined yet`;
  return diagnosticAt(doc, path, {
    atKey,
    code: `unknown-${kind.noun.replace(/ /g, '-')}`,
    message: `${kind.noun} \`${name}\` is not defined in ${kind.directory}/`,
    hint: guess ? `did you mean \`${guess}\`? (${listed})` : `define it in ${kind.directory}/ or fix the name (${listed})`,
  });
}

export const ENVIRONMENT: ReferenceKind = { noun: 'environment', directory: 'environments' };
export const PIPELINE: ReferenceKind = { noun: 'pipeline', directory: 'pipelines' };
export const PROJECT: ReferenceKind = { noun: 'project', directory: 'projects' };
export const DATABASE_PLAN: ReferenceKind = { noun: 'database plan', directory: 'databases' };
