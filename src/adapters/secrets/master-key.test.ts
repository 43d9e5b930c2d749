import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../domain/errors.js';
import { MasterKeyError } from './errors.js';
import { loadMasterKey } from './master-key.js';

const key = randomBytes(32);

function noFiles(path: string): Promise<string> {
  return Promise.reject(Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' }));
}

function files(contents: Record<string, string | Uint8Array>) {
  return (path: string) => (path in contents ? Promise.resolve(contents[path] as string | Uint8Array) : noFiles(path));
}

async function loadError(...args: Parameters<typeof loadMasterKey>): Promise<Error> {
  try {
    await loadMasterKey(...args);
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected loadMasterKey to throw');
}

describe('loadMasterKey', () => {
  it.each([
    ['base64', key.toString('base64')],
    ['base64 without padding', key.toString('base64').replace(/=+$/, '')],
    ['URL-safe base64', key.toString('base64url')],
    ['hex', key.toString('hex')],
    ['upper-case hex', key.toString('hex').toUpperCase()],
    ['base64 with a trailing newline', `${key.toString('base64')}\n`],
  ])('reads PAVE_SECRET_KEY as %s', async (_, text) => {
    expect(Buffer.from(await loadMasterKey({ PAVE_SECRET_KEY: text }, noFiles))).toEqual(key);
  });

  it('reads PAVE_SECRET_KEY_FILE, as text or bytes, ignoring surrounding whitespace', async () => {
    const read = files({ '/run/secrets/pave-key': `${key.toString('base64')}\n`, '/bytes': Buffer.from(`  ${key.toString('hex')}  `) });

    expect(Buffer.from(await loadMasterKey({ PAVE_SECRET_KEY_FILE: '/run/secrets/pave-key' }, read))).toEqual(key);
    expect(Buffer.from(await loadMasterKey({ PAVE_SECRET_KEY_FILE: '/bytes' }, read))).toEqual(key);
  });

  it('treats an empty variable as unset', async () => {
    const read = files({ '/key': key.toString('base64') });

    expect(Buffer.from(await loadMasterKey({ PAVE_SECRET_KEY: '', PAVE_SECRET_KEY_FILE: '/key' }, read))).toEqual(key);
  });

  it('says how to make a key when none is given', async () => {
    const err = await loadError({}, noFiles);

    expect(err).toBeInstanceOf(MasterKeyError);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('PAVE_SECRET_KEY');
    expect(err.message).toContain('openssl rand -base64 32');
  });

  it('refuses both ways at once', async () => {
    const err = await loadError({ PAVE_SECRET_KEY: key.toString('base64'), PAVE_SECRET_KEY_FILE: '/key' }, files({ '/key': key.toString('base64') }));

    expect(err).toBeInstanceOf(MasterKeyError);
    expect(err.message).toMatch(/both/);
  });

  it('names an unreadable file and its error code', async () => {
    const err = await loadError({ PAVE_SECRET_KEY_FILE: '/missing/key' }, noFiles);

    expect(err).toBeInstanceOf(MasterKeyError);
    expect(err.message).toBe('PAVE_SECRET_KEY_FILE: cannot read /missing/key (ENOENT)');
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64'), /decodes to 16 bytes.*exactly 32.*openssl rand -base64 32/],
    ['48 bytes', randomBytes(48).toString('base64'), /decodes to 48 bytes/],
    ['31 bytes of hex', randomBytes(31).toString('hex'), /decodes to/],
    ['not base64', 'correct horse battery staple!', /not base64 or hex.*openssl rand -base64 32/],
    ['a passphrase', 'hunter2hunter2', /decodes to 10 bytes/],
    ['all zeros', Buffer.alloc(32).toString('base64'), /all zeros/],
  ])('refuses %s without repeating it', async (_, text, message) => {
    const err = await loadError({ PAVE_SECRET_KEY: text }, noFiles);

    expect(err).toBeInstanceOf(MasterKeyError);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain(text);
  });

  it('refuses a file that holds a wrong-sized key, naming the file', async () => {
    const err = await loadError({ PAVE_SECRET_KEY_FILE: '/key' }, files({ '/key': randomBytes(24).toString('base64') }));

    expect(err.message).toMatch(/^PAVE_SECRET_KEY_FILE \(\/key\) decodes to 24 bytes/);
  });
});
