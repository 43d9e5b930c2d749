/**
 * The GitHub adapter wired to a fresh double, for adapter tests: an App (id and key from the
 * double) with installation {@link INSTALLATION} on `acme`, retries and write spacing made fast.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createGitHubAdapters, type GitHubAdapters, type GitHubAdaptersOptions, type GitHubPorts } from '../../src/adapters/github/index.js';
import { type GitHubDouble, startGitHubDouble } from './index.js';

export const INSTALLATION = 7;

/** Retry schedules in milliseconds instead of seconds, and no write spacing. */
export const FAST_RETRY = { timeUnitMs: 1, writeSpacingMs: 0, notificationSpacingMs: 0, timeoutMs: 5_000 } as const;

export interface Harness {
  github: GitHubDouble;
  adapters: GitHubAdapters;
  /** Ports of {@link INSTALLATION}. */
  ports: GitHubPorts;
  /** Build other adapters against the same double (another cache, budget, auth…). */
  build(options?: Partial<GitHubAdaptersOptions>): GitHubAdapters;
}

/**
 * Start a double before the suite, close it after, and assert after every test that the adapter
 * sent nothing GitHub's description does not allow. The returned object is filled in `beforeAll`.
 */
export function useGitHubHarness(options: { basePath?: string } = {}): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    const github = await startGitHubDouble({ basePath: options.basePath });
    github.state.addInstallation(INSTALLATION, 'acme');
    harness.github = github;
    harness.build = (overrides = {}) => createGitHubAdapters({
      apiUrl: github.url,
      auth: { kind: 'app', appId: github.app.id, privateKey: github.app.privateKey },
      retry: FAST_RETRY,
      ...overrides,
    });
    harness.adapters = harness.build();
    harness.ports = harness.adapters.forInstallation(INSTALLATION);
  });
  afterEach(() => {
    expect(harness.github.violations).toEqual([]);
    expect(harness.github.responseViolations).toEqual([]);
  });
  afterAll(() => harness.github?.close());
  return harness;
}
