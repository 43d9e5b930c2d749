/** The platform repository loader: public API. */
export { loadPlatform, type LoadPlatformOptions, type LoadPlatformResult } from './load-platform.js';
export { findProject } from './find-project.js';
export { classifyPlatformPath, isPlatformInput, PLATFORM_DIRECTORIES, type PathClass } from './classify-platform-path.js';
export { checkRepoGlob, type RepoGlobProblem } from './check-repo-glob.js';
export { parseDurationMinutes } from './parse-duration.js';
export { DEFAULT_NAMESPACE } from './build-platform-config.js';
export { PLATFORM_SCHEMAS, schemaFileName, type PlatformFileKind } from './schemas/platform-schemas.js';
