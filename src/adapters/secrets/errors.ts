/**
 * The secrets adapter's typed errors. Their messages name what was wrong and where (a context, an
 * environment variable, a certificate's subject) and never carry key material or plaintext.
 */
import { ConfigError, TerminalError } from '../../domain/errors.js';

/**
 * An encrypted secret did not decrypt: a different master key, a different context (the record was
 * copied to another place), or the record was altered. Retrying cannot help.
 */
export class SecretDecryptionError extends TerminalError {
  constructor(message: string) {
    super(message);
    // The base class fixes `name` as a literal; the subclass renames the instance only.
    Object.defineProperty(this, 'name', { value: 'SecretDecryptionError' });
  }
}

/** `PAVE_SECRET_KEY` / `PAVE_SECRET_KEY_FILE` is missing or is not a 32-byte key. */
export class MasterKeyError extends ConfigError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    Object.defineProperty(this, 'name', { value: 'MasterKeyError' });
  }
}

/**
 * A SealedSecret cannot be made: the environment's sealing certificate is unreadable, expired or
 * not an RSA key of at least 2048 bits, or a name or key is not valid for Kubernetes.
 */
export class SealingError extends ConfigError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    Object.defineProperty(this, 'name', { value: 'SealingError' });
  }
}
