/**
 * Reading Choreo component descriptors (`.choreo/component.yaml`, and the deprecated
 * `component-config.yaml` and `endpoints.yaml`) with the verdicts of Choreo's official validator,
 * plus pave's own keys. Pure: works on a {@link SourceTree}, never on the filesystem.
 */
export { discoverComponents, descriptorPath, isDescriptorPath, type DiscoveredComponent } from './discover-components.js';
export { readComponent, readRepositoryComponents, type ReadComponentOptions, type ReadComponentResult, type ReadRepositoryEntry } from './read-component.js';
export { validateDescriptorFile, type ValidateFileOptions } from './validate-descriptor-file.js';
export { DESCRIPTOR_KINDS, type FileReport } from './file-report.js';
export { parseResourceRef, parseServiceReferenceName, type RefResult } from './resource-ref.js';
export { componentExtensionsSchema } from './component-extensions-schema.js';
