import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EncryptedSecret } from '../../domain/apply.js';
import { TerminalError } from '../../domain/errors.js';
import { MasterKeyError, SecretDecryptionError } from './errors.js';
import { createSecretCipher, masterKeyId } from './secret-cipher.js';

const CONTEXT = 'db/development/lending/loans-api/loans-db';
const PLAINTEXT = 'Xk7pQ2mVw9RtY4nB8cHs3LdF6gJz5aEe';
const masterKey = randomBytes(32);
const cipher = createSecretCipher(masterKey);

function flipBit(base64: string, byte: number, bit: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[byte] = (bytes[byte] ?? 0) ^ (1 << bit);
  return bytes.toString('base64');
}

function decryptError(record: EncryptedSecret, context = CONTEXT, using = cipher): unknown {
  try {
    using.decrypt(record, context);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('createSecretCipher', () => {
  it('round-trips, including the empty string and non-ASCII text', () => {
    for (const plaintext of [PLAINTEXT, '', 'pässwörd 🔑 with spaces', 'x'.repeat(10_000)]) {
      expect(cipher.decrypt(cipher.encrypt(plaintext, CONTEXT), CONTEXT)).toBe(plaintext);
    }
  });

  it('writes a v1 record named by the key id, with a fresh data key and nonces every time', () => {
    const a = cipher.encrypt(PLAINTEXT, CONTEXT);
    const b = cipher.encrypt(PLAINTEXT, CONTEXT);

    expect(Object.keys(a).sort()).toEqual(['ct', 'edk', 'iv', 'kid', 'tag', 'v']);
    expect(a.v).toBe(1);
    expect(a.kid).toBe(masterKeyId(masterKey));
    expect(a.kid).toMatch(/^[0-9a-f]{8}$/);
    expect(Buffer.from(a.edk, 'base64')).toHaveLength(12 + 32 + 16);
    expect(Buffer.from(a.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(a.tag, 'base64')).toHaveLength(16);
    expect(b.edk).not.toBe(a.edk);
    expect(b.iv).not.toBe(a.iv);
    expect(b.ct).not.toBe(a.ct);
  });

  it('keeps the plaintext and the master key out of the record', () => {
    const json = JSON.stringify(cipher.encrypt(PLAINTEXT, CONTEXT));

    for (const leak of [PLAINTEXT, Buffer.from(PLAINTEXT).toString('base64'), Buffer.from(PLAINTEXT).toString('hex'),
      masterKey.toString('base64'), masterKey.toString('hex')]) {
      expect(json).not.toContain(leak);
    }
  });

  it('refuses another master key, naming both key ids', () => {
    const record = cipher.encrypt(PLAINTEXT, CONTEXT);
    const other = createSecretCipher(randomBytes(32));

    const err = decryptError(record, CONTEXT, other);

    expect(err).toBeInstanceOf(SecretDecryptionError);
    expect((err as Error).message).toContain(record.kid);
  });

  it('refuses another master key that claims the same key id', () => {
    const record = cipher.encrypt(PLAINTEXT, CONTEXT);
    const impostor = createSecretCipher(randomBytes(32), record.kid);

    expect(decryptError(record, CONTEXT, impostor)).toBeInstanceOf(SecretDecryptionError);
  });

  it('refuses the same master key under another key id (the kid is authenticated)', () => {
    const record = cipher.encrypt(PLAINTEXT, CONTEXT);
    const renamed = createSecretCipher(masterKey, 'rotated1');

    expect(decryptError({ ...record, kid: 'rotated1' }, CONTEXT, renamed)).toBeInstanceOf(SecretDecryptionError);
  });

  it('refuses a record moved to another context', () => {
    const record = cipher.encrypt(PLAINTEXT, CONTEXT);

    for (const context of ['db/production/lending/loans-api/loans-db', `${CONTEXT}/`, '', CONTEXT.toUpperCase()]) {
      expect(decryptError(record, context)).toBeInstanceOf(SecretDecryptionError);
    }
  });

  it.each(['edk', 'iv', 'ct', 'tag'] as const)('refuses a record with any bit of %s flipped', (field) => {
    const record = cipher.encrypt(PLAINTEXT, CONTEXT);
    const length = Buffer.from(record[field], 'base64').byteLength;

    for (let byte = 0; byte < length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const err = decryptError({ ...record, [field]: flipBit(record[field], byte, bit) });
        expect(err, `${field} byte ${byte} bit ${bit}`).toBeInstanceOf(SecretDecryptionError);
      }
    }
  });

  it('refuses a changed kid or version, a truncated field and non-canonical base64', () => {
    const record = cipher.encrypt(PLAINTEXT, CONTEXT);
    const altered: EncryptedSecret[] = [
      { ...record, kid: record.kid.replace(/^./, (c) => (c === '0' ? '1' : '0')) },
      { ...record, v: 2 as unknown as 1 },
      { ...record, tag: Buffer.from(record.tag, 'base64').subarray(0, 12).toString('base64') },
      { ...record, edk: Buffer.from(record.edk, 'base64').subarray(1).toString('base64') },
      { ...record, ct: `${record.ct}` + 'AAAA' },
      { ...record, iv: `${record.iv.slice(0, 4)}*${record.iv.slice(4)}` },
      { ...record, ct: 42 as unknown as string },
    ];

    for (const secret of altered) expect(decryptError(secret)).toBeInstanceOf(SecretDecryptionError);
    expect(decryptError(null as unknown as EncryptedSecret)).toBeInstanceOf(SecretDecryptionError);
  });

  it('fails with a terminal error whose message holds no plaintext or key material', () => {
    const record = cipher.encrypt(PLAINTEXT, CONTEXT);

    const errors = [
      decryptError(record, 'elsewhere'),
      decryptError(record, CONTEXT, createSecretCipher(randomBytes(32), record.kid)),
      decryptError({ ...record, tag: flipBit(record.tag, 0, 0) }),
    ];

    for (const err of errors) {
      expect(err).toBeInstanceOf(TerminalError);
      expect((err as TerminalError).code).toBe('terminal');
      expect((err as Error).name).toBe('SecretDecryptionError');
      const text = `${(err as Error).message} ${String((err as Error).stack)} ${JSON.stringify(err)}`;
      for (const leak of [PLAINTEXT, masterKey.toString('base64'), masterKey.toString('hex')]) expect(text).not.toContain(leak);
    }
  });

  it('wants a 32-byte master key', () => {
    expect(() => createSecretCipher(randomBytes(16))).toThrow(MasterKeyError);
    expect(() => createSecretCipher(randomBytes(33))).toThrow(MasterKeyError);
  });

  it('does not depend on the caller keeping its copy of the key', () => {
    const key = randomBytes(32);
    const own = createSecretCipher(key);
    const record = own.encrypt(PLAINTEXT, CONTEXT);

    key.fill(0);

    expect(own.decrypt(record, CONTEXT)).toBe(PLAINTEXT);
  });
});
