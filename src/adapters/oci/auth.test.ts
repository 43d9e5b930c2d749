import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../domain/errors.js';
import { parseChallenge, parseRegistryAuthConfig, RegistryCredentials, resolveRegistryCredentials } from './auth.js';
import { summarizeRegistryErrors } from './errors.js';

describe('WWW-Authenticate challenges', () => {
  it('parses Bearer with quoted and bare parameters, including commas inside quotes', () => {
    expect(parseChallenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer', realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:a/b:pull,push',
    });
    expect(parseChallenge('bearer realm=https://t/x, service=svc')).toEqual({ scheme: 'bearer', realm: 'https://t/x', service: 'svc' });
  });

  it('parses Basic, and ignores what it cannot use', () => {
    expect(parseChallenge('Basic realm="pave-test"')).toEqual({ scheme: 'basic', realm: 'pave-test' });
    expect(parseChallenge('Bearer service="x"')).toBeUndefined();
    expect(parseChallenge('Negotiate abc')).toBeUndefined();
    expect(parseChallenge(null)).toBeUndefined();
  });
});

describe('registry credentials from configuration', () => {
  it('resolves env var names per host and never prints the password', () => {
    const config = parseRegistryAuthConfig('ghcr.io=GHCR_USER:GHCR_TOKEN, registry.local:5000=REG_USER:REG_PASS');
    expect(config).toEqual({
      'ghcr.io': { usernameEnv: 'GHCR_USER', passwordEnv: 'GHCR_TOKEN' },
      'registry.local:5000': { usernameEnv: 'REG_USER', passwordEnv: 'REG_PASS' },
    });
    const creds = resolveRegistryCredentials(config, { GHCR_USER: 'bot', GHCR_TOKEN: 'ghp_secret', REG_USER: 'u', REG_PASS: 'p4ss' });
    const ghcr = creds.get('ghcr.io')!;
    expect(ghcr.basicHeader()).toBe(`Basic ${Buffer.from('bot:ghp_secret').toString('base64')}`);
    for (const printed of [JSON.stringify(ghcr), String(ghcr), inspect(ghcr), inspect({ creds }), `${ghcr}`]) {
      expect(printed).not.toContain('ghp_secret');
    }
  });

  it('names the missing variable, not a value, and refuses malformed entries', () => {
    expect(() => resolveRegistryCredentials({ 'ghcr.io': { usernameEnv: 'U', passwordEnv: 'P' } }, { U: 'bot' }))
      .toThrow(new ConfigError('registry ghcr.io: environment variable P (password) is not set'));
    const err = (() => {
      try {
        parseRegistryAuthConfig('ghcr.io=bot:ghp_inline_secret!');
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err?.message).toMatch(/registry auth entry for "ghcr.io": expected host\[:port\]=USERNAME_VAR:PASSWORD_VAR/);
    expect(err?.message).not.toContain('ghp_inline_secret');
  });

  it('keeps the password out of the object’s enumerable fields', () => {
    expect(Object.values(new RegistryCredentials('bot', 'pw-123'))).not.toContain('pw-123');
  });
});

describe('registry error bodies', () => {
  it('summarizes the distribution error JSON, or shows a short plain body', () => {
    expect(summarizeRegistryErrors('{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":{"reason":"x"}}]}'))
      .toBe('MANIFEST_INVALID: manifest invalid ({"reason":"x"})');
    expect(summarizeRegistryErrors('<html>bad gateway</html>')).toBe('<html>bad gateway</html>');
    expect(summarizeRegistryErrors('')).toBe('(empty body)');
  });
});
