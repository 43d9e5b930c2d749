/**
 * SealedSecrets that a Bitnami sealed-secrets controller (v0.2x) unseals, made without kubeseal.
 *
 * Each value is sealed on its own, as `kubeseal` does (sealed-secrets `pkg/crypto/crypto.go`
 * `HybridEncrypt`, `pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go`):
 *
 * ```
 * uint16be(len(rsa)) || rsa = RSA-OAEP(SHA-256, MGF1-SHA-256, label)(sessionKey)
 *                    || AES-256-GCM(sessionKey, nonce = 12 zero bytes)(value) with its 16-byte tag
 * ```
 *
 * with a fresh random 32-byte session key per value (which is what makes the zero nonce safe),
 * base64-encoded into `spec.encryptedData`. The OAEP label pins where the value may be unsealed:
 * `namespace/name` (strict, the default), `namespace` (namespace-wide) or empty (cluster-wide); the
 * controller derives it from the SealedSecret's own metadata and scope annotation.
 *
 * Ciphertexts are random, so sealing unchanged data again changes the file: compare
 * `sealedDataHash` with the previous one and keep the previous SealedSecret when it matches.
 */
import { constants, createCipheriv, publicEncrypt, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SealingError } from './errors.js';
import { parseSealingCertificate } from './sealing-certificate.js';

/** Where a sealed value may be unsealed (kubeseal's `--scope`). */
export type SealingScope = 'strict' | 'namespace-wide' | 'cluster-wide';

/** The SealedSecret object as written to the state repository. */
export interface SealedSecret {
  readonly apiVersion: 'bitnami.com/v1alpha1';
  readonly kind: 'SealedSecret';
  readonly metadata: SealedSecretMetadata;
  readonly spec: {
    /** Secret key → base64 of the sealed value, keys sorted. */
    readonly encryptedData: Readonly<Record<string, string>>;
    /** The Secret the controller creates. */
    readonly template: { readonly metadata: SealedSecretMetadata; readonly type: string };
  };
}

export interface SealedSecretMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface SealSecretInput {
  /** The environment's sealing certificate, PEM. */
  readonly certificatePem: string;
  readonly namespace: string;
  readonly name: string;
  /** Secret key → plaintext value. */
  readonly data: Readonly<Record<string, string>>;
  /** @defaultValue `'strict'` */
  readonly scope?: SealingScope;
  /** Labels of the SealedSecret and of the Secret it becomes. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The Secret's type. @defaultValue `'Opaque'` */
  readonly type?: string;
  /** The time the certificate's validity is checked against. @defaultValue now */
  readonly now?: Date;
}

/** The annotations by which the controller learns a non-strict scope (`sealedsecrets.bitnami.com/…`). */
export const SCOPE_ANNOTATIONS: Readonly<Record<Exclude<SealingScope, 'strict'>, string>> = {
  'namespace-wide': 'sealedsecrets.bitnami.com/namespace-wide',
  'cluster-wide': 'sealedsecrets.bitnami.com/cluster-wide',
};

const SESSION_KEY_BYTES = 32;
const GCM_NONCE = Buffer.alloc(12); // zero: each session key seals one value only
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Seal `data` for the cluster whose controller holds the private key of `certificatePem`.
 *
 * @throws {@link SealingError} for an unacceptable certificate (see `parseSealingCertificate`), a
 *   namespace or name Kubernetes would refuse, or a data key that is not a valid Secret key.
 */
export function sealSecret(input: SealSecretInput): SealedSecret {
  const { namespace, name, data } = input;
  const scope = input.scope ?? 'strict';
  checkNames(namespace, name, Object.keys(data));
  const { publicKey } = parseSealingCertificate(input.certificatePem, input.now);
  const label = sealingLabel(scope, namespace, name);

  const encryptedData: Record<string, string> = {};
  for (const key of Object.keys(data).sort()) {
    encryptedData[key] = hybridEncrypt(publicKey, Buffer.from(data[key] ?? '', 'utf8'), label).toString('base64');
  }
  // Two metadata objects, not one shared: a YAML writer would turn a shared one into an alias.
  return {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: objectMetadata(namespace, name, scope, input.labels),
    spec: {
      encryptedData,
      template: { metadata: objectMetadata(namespace, name, scope, input.labels), type: input.type ?? 'Opaque' },
    },
  };
}

/** The RSA-OAEP label for `scope`, as sealed-secrets' `EncryptionLabel`. */
export function sealingLabel(scope: SealingScope, namespace: string, name: string): Buffer {
  switch (scope) {
    case 'strict':
      return Buffer.from(`${namespace}/${name}`, 'utf8');
    case 'namespace-wide':
      return Buffer.from(namespace, 'utf8');
    case 'cluster-wide':
      return Buffer.alloc(0);
  }
}

/** One value sealed in sealed-secrets' hybrid format (see the module comment). */
export function hybridEncrypt(publicKey: KeyObject, plaintext: Buffer, label: Buffer): Buffer {
  const sessionKey = randomBytes(SESSION_KEY_BYTES);
  try {
    const rsa = publicEncrypt({
      key: publicKey,
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256', // OpenSSL uses the OAEP digest for MGF1 too, as Go's rsa.EncryptOAEP does
      ...(label.byteLength > 0 ? { oaepLabel: label } : {}),
    }, sessionKey);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(rsa.byteLength);
    const cipher = createCipheriv('aes-256-gcm', sessionKey, GCM_NONCE);
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([length, rsa, ct, cipher.getAuthTag()]);
  } finally {
    sessionKey.fill(0);
  }
}

function objectMetadata(namespace: string, name: string, scope: SealingScope, labels: Readonly<Record<string, string>> | undefined): SealedSecretMetadata {
  const sortedLabels = labels && Object.keys(labels).length > 0 ? sortRecord(labels) : undefined;
  // kubeseal puts the scope annotation on both the SealedSecret (which the controller reads) and
  // the template (copied from the input Secret).
  const annotations = scope === 'strict' ? undefined : { [SCOPE_ANNOTATIONS[scope]]: 'true' };
  return {
    name,
    namespace,
    ...(sortedLabels ? { labels: sortedLabels } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

function checkNames(namespace: string, name: string, keys: readonly string[]): void {
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    throw new SealingError(`namespace ${JSON.stringify(namespace)} is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)`);
  }
  if (name.length > 253 || !name.split('.').every((part) => DNS_LABEL.test(part))) {
    throw new SealingError(`Secret name ${JSON.stringify(name)} is not a DNS-1123 subdomain`);
  }
  for (const key of keys) {
    if (key.length > 253 || !SECRET_KEY.test(key) || key === '.' || key === '..') {
      throw new SealingError(`Secret key ${JSON.stringify(key)} in ${namespace}/${name} is not valid (letters, digits, '-', '_' and '.')`);
    }
  }
}

function sortRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key] ?? '';
  return out;
}
