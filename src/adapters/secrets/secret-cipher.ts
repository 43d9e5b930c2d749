/**
 * Envelope encryption of the secrets pave generates (database passwords, API keys) for storage at
 * rest in the state repository.
 *
 * Per secret, a fresh random 256-bit data key encrypts the plaintext with AES-256-GCM; the
 * record's `context` (where it belongs, e.g. `db/development/lending/loans-api/loans-db`) is
 * authenticated data, so a record copied to another place does not decrypt. The data key is then
 * wrapped with AES-256-GCM under the master key, authenticating the key id and the context too.
 * `edk` packs the wrap's nonce, the wrapped key and the wrap's tag: 12 + 32 + 16 bytes.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { EncryptedSecret, SecretCipher } from '../../domain/apply.js';
import { MasterKeyError, SecretDecryptionError } from './errors.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const EDK_BYTES = IV_BYTES + KEY_BYTES + TAG_BYTES;

/** The default key id: the first 8 hex digits of sha256(master key). */
export function masterKeyId(masterKey: Uint8Array): string {
  return createHash('sha256').update(masterKey).digest('hex').slice(0, 8);
}

/**
 * A {@link SecretCipher} under `masterKey` (exactly 32 bytes; see `loadMasterKey`).
 *
 * @param kid - the id written into every record, so a record made under another master key is
 *   named as such on decryption (key rotation). @defaultValue {@link masterKeyId}(masterKey)
 * @throws {@link MasterKeyError} when the key is not 32 bytes.
 */
export function createSecretCipher(masterKey: Uint8Array, kid: string = masterKeyId(masterKey)): SecretCipher {
  if (masterKey.byteLength !== KEY_BYTES) {
    throw new MasterKeyError(`the master key must be ${KEY_BYTES} bytes, got ${masterKey.byteLength}`);
  }
  if (kid === '') throw new MasterKeyError('the master key id must not be empty');
  const key = Buffer.from(masterKey); // a private copy: the caller may zero theirs

  return {
    encrypt(plaintext, context) {
      const dataKey = randomBytes(KEY_BYTES);
      try {
        const sealed = seal(dataKey, Buffer.from(plaintext, 'utf8'), contentAad(context));
        const wrapped = seal(key, dataKey, wrapAad(kid, context));
        return {
          v: 1,
          kid,
          edk: Buffer.concat([wrapped.iv, wrapped.ct, wrapped.tag]).toString('base64'),
          iv: sealed.iv.toString('base64'),
          ct: sealed.ct.toString('base64'),
          tag: sealed.tag.toString('base64'),
        };
      } finally {
        dataKey.fill(0);
      }
    },

    decrypt(secret, context) {
      const fail = (why: string): never => {
        throw new SecretDecryptionError(`the secret for ${JSON.stringify(context)} does not decrypt: ${why}`);
      };
      if (!isRecord(secret)) return fail('not an encrypted secret record');
      if (secret.v !== 1) return fail(`unknown format version ${JSON.stringify(secret.v)}`);
      if (secret.kid !== kid) {
        return fail(`it was encrypted under master key ${JSON.stringify(secret.kid)}, this service holds ${JSON.stringify(kid)}`);
      }
      const edk = decodeBase64(secret.edk, EDK_BYTES);
      const iv = decodeBase64(secret.iv, IV_BYTES);
      const tag = decodeBase64(secret.tag, TAG_BYTES);
      const ct = decodeBase64(secret.ct);
      if (!edk || !iv || !tag || !ct) return fail('a field is not canonical base64 of the expected length');

      const dataKey = open(key, {
        iv: edk.subarray(0, IV_BYTES),
        ct: edk.subarray(IV_BYTES, IV_BYTES + KEY_BYTES),
        tag: edk.subarray(IV_BYTES + KEY_BYTES),
      }, wrapAad(kid, context));
      if (!dataKey) return fail('wrong master key or context, or the record was altered');
      try {
        const plaintext = open(dataKey, { iv, ct, tag }, contentAad(context));
        if (!plaintext) return fail('wrong context, or the record was altered');
        return plaintext.toString('utf8');
      } finally {
        dataKey.fill(0);
      }
    },
  };
}

interface Sealed {
  readonly iv: Buffer;
  readonly ct: Buffer;
  readonly tag: Buffer;
}

// Both layers authenticate a JSON array: unambiguous whatever the kid and context contain, and
// distinct per layer, so neither ciphertext can stand in for the other.
function contentAad(context: string): Buffer {
  return Buffer.from(JSON.stringify(['pave-secret', 1, 'content', context]), 'utf8');
}

function wrapAad(kid: string, context: string): Buffer {
  return Buffer.from(JSON.stringify(['pave-secret', 1, 'data-key', kid, context]), 'utf8');
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ct, tag: cipher.getAuthTag() };
}

/** The plaintext, or undefined when authentication fails (the cause is never surfaced: no oracle). */
function open(key: Buffer, sealed: Sealed, aad: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ct), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** Strict base64: Node's decoder skips stray characters, so a re-encoding must give the input back. */
function decodeBase64(value: unknown, bytes?: number): Buffer | undefined {
  if (typeof value !== 'string') return undefined;
  const decoded = Buffer.from(value, 'base64');
  if (decoded.toString('base64') !== value) return undefined;
  if (bytes !== undefined && decoded.byteLength !== bytes) return undefined;
  return decoded;
}

function isRecord(value: unknown): value is Record<keyof EncryptedSecret, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
