/**
 * Read the component at one directory: pick the descriptor file Choreo would use
 * (component.yaml > component-config.yaml > endpoints.yaml), validate it, and normalize it into a
 * {@link ComponentDescriptor} when it has no errors. Files of lower precedence are reported as
 * shadowed (with a warning) and not validated, since neither Choreo nor pave reads them.
 */
import type { ComponentDescriptor } from '../../domain/component.js';
import type { Diagnostic } from '../../domain/diagnostic.js';
import type { SourceTree } from '../../domain/source-tree.js';
import { descriptorPath, discoverComponents } from './discover-components.js';
import { DESCRIPTOR_KINDS, type FileReport } from './file-report.js';
import { normalizeDescriptor } from './normalize-descriptor.js';
import { defaultComponentName, readPaveExtensions } from './pave-extensions.js';
import { inspectDescriptorFile } from './validate-descriptor-file.js';
import { isPlainMap } from './yup-coercion.js';

export interface ReadComponentOptions {
  /** Repository name (`name` or `owner/name`): the default component name for a component at the root. */
  readonly repoName: string;
  /** Check that files named by `schemaFilePath` exist in `tree.paths`. */
  readonly fileChecks: boolean;
}

export interface ReadComponentResult {
  /** Present only when the winning file has no errors. */
  readonly descriptor?: ComponentDescriptor;
  /** One report per descriptor file in `<root>/.choreo/`, winner first. Empty when there is none. */
  readonly reports: readonly FileReport[];
}

/** Read the component whose `.choreo/` directory is under `root` (`''` for the repository root). */
export function readComponent(tree: SourceTree, root: string, options: ReadComponentOptions): ReadComponentResult {
  const present = DESCRIPTOR_KINDS.filter((k) => tree.paths.has(descriptorPath(root, k)));
  const [winner, ...shadowed] = present;
  if (!winner) return { reports: [] };

  const inspection = inspectDescriptorFile(tree, descriptorPath(root, winner), { fileChecks: options.fileChecks });
  const shadowReports = shadowed.map((kind): FileReport => {
    const path = descriptorPath(root, kind);
    const warning: Diagnostic = {
      severity: 'warning', code: 'shadowed-descriptor', file: path, line: 1, column: 1, path: '',
      message: `${kind} is ignored: ${winner} in the same .choreo/ directory takes precedence`,
      hint: `move anything still needed into ${winner}, then delete ${kind}`,
    };
    return { path, kind, schemaVersion: null, valid: true, choreoValid: true, shadowedBy: winner, errors: [], warnings: [warning] };
  });

  const { doc, report } = inspection;
  if (!doc || !report.valid) return { reports: [report, ...shadowReports] };

  const map = isPlainMap(doc.value) ? doc.value : {};
  const named = winner === 'component.yaml' && isPlainMap(map.component) && typeof map.component.name === 'string';
  const fallback = defaultComponentName(root, options.repoName);
  const warnings = [...report.warnings];
  if (!named) {
    const from = root === '' ? options.repoName.slice(options.repoName.lastIndexOf('/') + 1) : root.slice(root.lastIndexOf('/') + 1);
    if (from !== fallback) {
      warnings.push({
        severity: 'warning', code: 'derived-component-name', file: report.path, line: 1, column: 1, path: '',
        message: `the component is named "${fallback}", derived from "${from}", which is not a valid component name`,
        hint: `set \`component: {name: ${fallback}}\` in component.yaml to choose the name yourself`,
      });
    }
  }
  const pave = readPaveExtensions(winner === 'component.yaml' ? map : {}, fallback);
  const descriptor = normalizeDescriptor({
    doc, kind: winner, root, sourceFile: report.path, schemaVersion: report.schemaVersion ?? '', pave,
    ...(inspection.version !== undefined ? { version: inspection.version } : {}),
  });
  return { descriptor, reports: [{ ...report, warnings }, ...shadowReports] };
}

/** One component directory of a repository and what reading it gave. */
export interface ReadRepositoryEntry extends ReadComponentResult {
  readonly root: string;
}

/** Read every component of a repository snapshot (monorepos: one entry per `.choreo/` directory, sorted by root). */
export function readRepositoryComponents(tree: SourceTree, options: ReadComponentOptions): ReadRepositoryEntry[] {
  return discoverComponents(tree.paths).map(({ root }) => ({ root, ...readComponent(tree, root, options) }));
}
