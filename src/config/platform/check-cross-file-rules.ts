import type { Diagnostic } from '../../domain/diagnostic.js';
import type { SourceTree } from '../../domain/source-tree.js';
import { checkPipelines } from './check-pipelines.js';
import { checkProjects } from './check-projects.js';
import { checkReferences } from './check-references.js';
import { checkUniqueNames } from './check-unique-names.js';
import { indexPlatform } from './index-platform.js';
import type { PlatformDocument, UnreadablePlatformFile } from './platform-document.js';

/**
 * Every rule that spans files, run over every file that parsed (with or without schema errors),
 * so one pass reports all problems.
 */
export function checkCrossFileRules(
  documents: readonly PlatformDocument[],
  unreadable: readonly UnreadablePlatformFile[],
  tree: SourceTree,
): Diagnostic[] {
  const index = indexPlatform(documents, unreadable);
  return [...checkUniqueNames(index), ...checkPipelines(index), ...checkProjects(index), ...checkReferences(index, tree)];
}
