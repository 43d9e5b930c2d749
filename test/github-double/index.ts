/**
 * A local double of GitHub's REST API for tests. See `server.ts` for what it checks and
 * `state.ts` for the seeding API.
 *
 * ```ts
 * const github = await startGitHubDouble();
 * github.state.addInstallation(7, 'acme');
 * github.state.createRepo('acme/orders', { installationId: 7, files: { '.choreo/component.yaml': 'schemaVersion: 1.2\n' } });
 * // … point the adapter at github.url with github.app.id / github.app.privateKey …
 * expect(github.violations).toEqual([]);
 * await github.close();
 * ```
 */
export { startGitHubDouble, SERVED, type GitHubDouble, type GitHubDoubleOptions, type RecordedRequest } from './server.js';
export { DoubleState, filesFromDirectory, type FileMap, type PullState, type RepoState, type RoleName } from './state.js';
export { createTestApp, type TestApp } from './auth.js';
export { primaryRateLimit, secondaryRateLimit, serverError, tooManyRequests, type Fault } from './faults.js';
export type { Violation, OperationKey } from './openapi.js';
