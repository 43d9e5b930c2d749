/**
 * Registry authentication: credentials per registry host (resolved from configuration by env var
 * name, never logged), the `WWW-Authenticate` challenge parser, and the Bearer token exchange of the
 * distribution token spec (`GET realm?service=…&scope=…`, with Basic credentials when we have them).
 */
import { inspect } from 'node:util';
import { ConfigError } from '../../domain/errors.js';

/** A username and password (or token) for one registry. Prints without the secret. */
export class RegistryCredentials {
  readonly #password: string;
  constructor(readonly username: string, password: string) {
    this.#password = password;
  }
  /** `Basic base64(user:password)`. */
  basicHeader(): string {
    return `Basic ${Buffer.from(`${this.username}:${this.#password}`, 'utf8').toString('base64')}`;
  }
  toJSON(): unknown {
    return { username: this.username, password: '[redacted]' };
  }
  toString(): string {
    return `RegistryCredentials(${this.username})`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

/** Configuration: registry host (`host[:port]`) → names of the environment variables holding the secrets. */
export type RegistryAuthConfig = Readonly<Record<string, { readonly usernameEnv: string; readonly passwordEnv: string }>>;

/**
 * Resolve the configured credentials against an environment (src/main passes `process.env`).
 * A missing variable is a configuration error naming the variable, never its value.
 */
export function resolveRegistryCredentials(
  config: RegistryAuthConfig,
  env: Readonly<Record<string, string | undefined>>,
): ReadonlyMap<string, RegistryCredentials> {
  const out = new Map<string, RegistryCredentials>();
  for (const [host, ref] of Object.entries(config)) {
    const username = env[ref.usernameEnv];
    const password = env[ref.passwordEnv];
    if (username === undefined || username === '') throw new ConfigError(`registry ${host}: environment variable ${ref.usernameEnv} (username) is not set`);
    if (password === undefined || password === '') throw new ConfigError(`registry ${host}: environment variable ${ref.passwordEnv} (password) is not set`);
    out.set(host, new RegistryCredentials(username, password));
  }
  return out;
}

/**
 * Parse `PAVE_REGISTRY_AUTH`-style text: `host=USER_VAR:PASSWORD_VAR[,host=…]`.
 * Only variable names appear in it, so it may be logged.
 */
export function parseRegistryAuthConfig(text: string): RegistryAuthConfig {
  const out: Record<string, { usernameEnv: string; passwordEnv: string }> = {};
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const match = /^([A-Za-z0-9.-]+(?::\d+)?)=([A-Za-z_][A-Za-z0-9_]*):([A-Za-z_][A-Za-z0-9_]*)$/.exec(item);
    // The entry is not echoed: a secret pasted in place of a variable name must not reach a log.
    if (!match) throw new ConfigError(`registry auth entry for ${JSON.stringify(item.split('=')[0])}: expected host[:port]=USERNAME_VAR:PASSWORD_VAR (names of environment variables, not values)`);
    out[match[1]!] = { usernameEnv: match[2]!, passwordEnv: match[3]! };
  }
  return out;
}

export type Challenge =
  | { readonly scheme: 'basic'; readonly realm?: string }
  | { readonly scheme: 'bearer'; readonly realm: string; readonly service?: string; readonly scope?: string };

/** Parse a `WWW-Authenticate` header (the first Basic or Bearer challenge). */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (header === null) return undefined;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  const params: Record<string, string> = {};
  const paramRe = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  const rest = match[2] ?? '';
  paramRe.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (paramRe.lastIndex < rest.length && (m = paramRe.exec(rest)) !== null) {
    params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  if (scheme === 'basic') return { scheme: 'basic', ...(params['realm'] !== undefined ? { realm: params['realm'] } : {}) };
  if (scheme === 'bearer' && params['realm'] !== undefined) {
    return {
      scheme: 'bearer',
      realm: params['realm'],
      ...(params['service'] !== undefined ? { service: params['service'] } : {}),
      ...(params['scope'] !== undefined ? { scope: params['scope'] } : {}),
    };
  }
  return undefined;
}

/** Token scope for a repository: `repository:<name>:pull` or `…:pull,push`. */
export function repositoryScope(repository: string, actions: 'pull' | 'pull,push'): string {
  return `repository:${repository}:${actions}`;
}
