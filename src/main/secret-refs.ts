/**
 * Secrets the platform team gives pave by reference — database admin credentials
 * (`adminUser: {env: PAVE_PG_ADMIN_USER}`) and third-party catalog keys (`env:NAME`, `file:path`) —
 * resolved from the service's environment or files at the moment they are used, never copied
 * into git, Redis or logs.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../domain/errors.js';
import type { SecretRef } from '../domain/platform.js';

export type Env = Readonly<Record<string, string | undefined>>;

export function resolveSecretRef(ref: SecretRef, env: Env, what: string): string {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined) throw new ConfigError(`${what}: environment variable ${ref.env} is not set in the pave service`);
    return value;
  }
  try {
    return readFileSync(ref.file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new ConfigError(`${what}: cannot read ${ref.file} (${(err as { code?: string }).code ?? 'error'})`, { cause: err });
  }
}

/** `env:NAME` / `file:path` as the planner writes catalog secret references. */
export function resolveExternalRef(ref: string, env: Env): string | undefined {
  if (ref.startsWith('env:')) return env[ref.slice(4)];
  if (ref.startsWith('file:')) {
    try {
      return readFileSync(ref.slice(5), 'utf8').replace(/\r?\n$/, '');
    } catch {
      return undefined;
    }
  }
  return undefined;
}
