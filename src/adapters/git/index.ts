/**
 * The state repository on isomorphic-git: a local bare repository (the default) or a remote one
 * pushed with the installation token, and the planner's view of it.
 */
export { createLocalStateRepository, type LocalStateRepository, type LocalStateRepositoryOptions } from './local-state-repository.js';
export { createRemoteStateRepository, type GitCredentials, type RemoteStateRepositoryOptions } from './remote-state-repository.js';
export { createGitStateSource } from './git-state-source.js';
export type { FilteringStateRepository } from './bare-repository.js';
export { createReleaseReader } from './release-reader.js';
