/** Secrets at rest (envelope encryption) and for the cluster (Bitnami SealedSecrets). */
export { MasterKeyError, SealingError, SecretDecryptionError } from './errors.js';
export { createSecretCipher, masterKeyId } from './secret-cipher.js';
export { decodeMasterKey, loadMasterKey } from './master-key.js';
export type { MasterKeySource, ReadKeyFile } from './master-key.js';
export { API_KEY_PREFIX, generateSecret } from './generate-secret.js';
export type { SecretKind } from './generate-secret.js';
export { MIN_MODULUS_BITS, parseSealingCertificate } from './sealing-certificate.js';
export type { SealingCertificate } from './sealing-certificate.js';
export { hybridEncrypt, SCOPE_ANNOTATIONS, sealingLabel, sealSecret } from './seal-secret.js';
export type { SealedSecret, SealedSecretMetadata, SealingScope, SealSecretInput } from './seal-secret.js';
export { sealedDataHash } from './sealed-data-hash.js';
export type { SealedDataHashInput } from './sealed-data-hash.js';
