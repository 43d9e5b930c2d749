/**
 * The build side of the worker: checkout over git (isomorphic-git in a worker thread, the
 * installation's token), the preset's commands in a clean child process, the secret scan, and
 * images pushed to the environments' registries with the OCI distribution API. Registry
 * credentials come from PAVE_REGISTRY_AUTH by reference (names of variables, never values).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BuildConfig } from '../config/env.js';
import { createProcessRunner, scanDirectory } from '../adapters/build/index.js';
import { createGitSourceCheckout, type GitSourceCheckout } from '../adapters/checkout/index.js';
import { OciImagePublisher, parseRegistryAuthConfig, resolveRegistryCredentials } from '../adapters/oci/index.js';
import type { BuildPorts } from '../jobs/build.js';
import type { Env } from './secret-refs.js';

export interface BuildSide {
  readonly ports: BuildPorts;
  close(): Promise<void>;
}

export function createBuildSide(config: BuildConfig, gitCredentials: ((installationId?: number) => Promise<{ username: string; password: string }>) | undefined, env: Env): BuildSide {
  const checkouts = resolve(config.workDir, 'checkouts');
  const layers = resolve(config.workDir, 'layers');
  for (const dir of [checkouts, layers]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const checkout: GitSourceCheckout = createGitSourceCheckout({
    urlFor: (repo) => `${config.gitUrl}/${repo}.git`,
    ...(gitCredentials ? { credentials: (installationId) => gitCredentials(installationId) } : {}),
    workRoot: checkouts,
  });
  const credentials = config.registryAuth ? resolveRegistryCredentials(parseRegistryAuthConfig(config.registryAuth), env) : undefined;
  const publisher = new OciImagePublisher({ ...(credentials ? { credentials } : {}), tempDir: layers });
  return {
    ports: {
      checkout,
      runner: createProcessRunner(),
      publisher,
      scan: (dir) => scanDirectory(dir),
      join,
      timeoutMs: config.timeoutMs,
      outputCapBytes: config.outputCapBytes,
    },
    close: () => checkout.dispose(),
  };
}
