/**
 * The sealing certificate of a cluster's sealed-secrets controller (`kubeseal --fetch-cert`), as
 * kubeseal reads it: the first certificate of the PEM, an RSA public key, not expired. pave also
 * requires at least 2048 bits (the controller generates 4096).
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SealingError } from './errors.js';

/** A parsed, accepted sealing certificate. */
export interface SealingCertificate {
  readonly publicKey: KeyObject;
  /** RSA modulus size in bits. */
  readonly modulusBits: number;
  /** sha256 of the certificate's DER encoding, lower-case hex: names the certificate in hashes and logs. */
  readonly fingerprint: string;
  readonly subject: string;
  /** End of validity. */
  readonly validTo: Date;
}

/** The smallest RSA modulus accepted. */
export const MIN_MODULUS_BITS = 2048;
// The RSA ciphertext's length is written in two bytes, so the modulus can be at most 65535 bytes.
const MAX_MODULUS_BITS = 65535 * 8;

/**
 * Parse and check a sealing certificate.
 *
 * @param now - expired certificates are refused, as kubeseal does. @defaultValue the current time
 * @throws {@link SealingError} when it is not a PEM certificate, its key is not RSA (EC, Ed25519,
 *   RSA-PSS) or is smaller than {@link MIN_MODULUS_BITS}, or it has expired.
 */
export function parseSealingCertificate(certificatePem: string, now: Date = new Date()): SealingCertificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch (err) {
    throw new SealingError('the sealing certificate is not a PEM X.509 certificate (get it with `kubeseal --fetch-cert`)', { cause: err });
  }
  const subject = certificate.subject.replaceAll('\n', ', ');
  const { publicKey } = certificate;
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new SealingError(`the sealing certificate ${subject} has a ${publicKey.asymmetricKeyType ?? 'unknown'} key; sealed secrets need RSA`);
  }
  const modulusBits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (modulusBits < MIN_MODULUS_BITS || modulusBits > MAX_MODULUS_BITS) {
    throw new SealingError(`the sealing certificate ${subject} has a ${modulusBits}-bit RSA key; at least ${MIN_MODULUS_BITS} bits are required`);
  }
  const validTo = new Date(certificate.validTo);
  if (!(validTo.getTime() > now.getTime())) {
    throw new SealingError(`the sealing certificate ${subject} expired on ${certificate.validTo}; fetch the controller's current one with \`kubeseal --fetch-cert\``);
  }
  return {
    publicKey,
    modulusBits,
    fingerprint: createHash('sha256').update(certificate.raw).digest('hex'),
    subject,
    validTo,
  };
}
