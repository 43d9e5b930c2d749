/**
 * "Has what this SealedSecret seals changed?" without unsealing it. Sealing is randomized, so
 * re-sealing unchanged data would rewrite the state repository on every apply; callers store this
 * hash next to the SealedSecret (an annotation, a release record) and reuse the previous object
 * while it matches.
 *
 * A plain sha256 of the data would let anyone who reads git test guesses of a low-entropy value
 * offline, so the hash is an HMAC-SHA256 under a key derived from the master key (HKDF-SHA256 with
 * its own label): only the holder of the master key can compute or check it.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { MasterKeyError } from './errors.js';
import type { SealingScope } from './seal-secret.js';

/** Everything that decides whether a previous SealedSecret can be reused. */
export interface SealedDataHashInput {
  /** Secret key → plaintext value. */
  readonly data: Readonly<Record<string, string>>;
  /** `SealingCertificate.fingerprint`: a new controller key means sealing again. */
  readonly certificateFingerprint: string;
  readonly namespace: string;
  readonly name: string;
  /** @defaultValue `'strict'` */
  readonly scope?: SealingScope;
}

const HKDF_INFO = 'pave sealed-data-hash v1';

/**
 * `hmac-sha256:` + 64 hex digits over the data (keys sorted), the certificate, the namespace, name
 * and scope: equal exactly when the previous SealedSecret's `spec.encryptedData` still fits (labels
 * and type are not sealed and may be rendered afresh).
 *
 * @throws {@link MasterKeyError} when the master key is not 32 bytes.
 */
export function sealedDataHash(masterKey: Uint8Array, input: SealedDataHashInput): string {
  if (masterKey.byteLength !== 32) throw new MasterKeyError(`the master key must be 32 bytes, got ${masterKey.byteLength}`);
  const key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), HKDF_INFO, 32));
  const scope = input.scope ?? 'strict';
  const entries = Object.keys(input.data).sort().map((k) => [k, input.data[k] ?? '']);
  const message = JSON.stringify([
    1,
    input.certificateFingerprint,
    scope,
    input.namespace,
    input.name,
    entries,
  ]);
  const mac = createHmac('sha256', key).update(message, 'utf8').digest('hex');
  key.fill(0);
  return `hmac-sha256:${mac}`;
}
