/**
 * The master key that wraps every secret's data key: 32 random bytes, given to the service as
 * `PAVE_SECRET_KEY` (base64 or hex) or as a file named by `PAVE_SECRET_KEY_FILE` holding the same
 * text (a mounted Kubernetes Secret, a Docker secret).
 */
import { MasterKeyError } from './errors.js';

/** The environment variables {@link loadMasterKey} reads. */
export interface MasterKeySource {
  readonly PAVE_SECRET_KEY?: string | undefined;
  readonly PAVE_SECRET_KEY_FILE?: string | undefined;
}

/** Reads a file: `fs.promises.readFile` in production. */
export type ReadKeyFile = (path: string) => Promise<string | Uint8Array>;

const KEY_BYTES = 32;
const HOW_TO_GENERATE = 'generate one with `openssl rand -base64 32`';

/**
 * The 32-byte master key from `PAVE_SECRET_KEY` or the file named by `PAVE_SECRET_KEY_FILE` (one of
 * them, not both). The text is base64 (standard or URL-safe, padding optional) or 64 hex digits;
 * surrounding whitespace is ignored.
 *
 * @throws {@link MasterKeyError} when neither or both are set, the file cannot be read, or the text
 *   is not a 32-byte key. The message never repeats the key.
 */
export async function loadMasterKey(source: MasterKeySource, readFile: ReadKeyFile): Promise<Uint8Array> {
  const inline = nonEmpty(source.PAVE_SECRET_KEY);
  const file = nonEmpty(source.PAVE_SECRET_KEY_FILE);
  if (inline !== undefined && file !== undefined) {
    throw new MasterKeyError('PAVE_SECRET_KEY and PAVE_SECRET_KEY_FILE are both set: give the master key one way only');
  }
  if (inline !== undefined) return decodeMasterKey(inline, 'PAVE_SECRET_KEY');
  if (file !== undefined) {
    let content: string | Uint8Array;
    try {
      content = await readFile(file);
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      throw new MasterKeyError(`PAVE_SECRET_KEY_FILE: cannot read ${file}${typeof code === 'string' ? ` (${code})` : ''}`, { cause: err });
    }
    const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
    return decodeMasterKey(text, `PAVE_SECRET_KEY_FILE (${file})`);
  }
  throw new MasterKeyError(
    `no master key for secrets: set PAVE_SECRET_KEY to 32 random bytes in base64, or PAVE_SECRET_KEY_FILE to a file holding them; ${HOW_TO_GENERATE}`,
  );
}

/**
 * Decode `text` (base64 or hex) into a 32-byte key; `where` names its origin in errors.
 *
 * @throws {@link MasterKeyError} when it is neither, or not 32 bytes, or all zeros.
 */
export function decodeMasterKey(text: string, where: string): Uint8Array {
  const trimmed = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length === KEY_BYTES * 2) {
    key = Buffer.from(trimmed, 'hex');
  } else if (/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || /^[A-Za-z0-9_-]+={0,2}$/.test(trimmed)) {
    key = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
  }
  if (key === undefined) {
    throw new MasterKeyError(`${where} is not base64 or hex (${trimmed.length} characters); ${HOW_TO_GENERATE}`);
  }
  if (key.byteLength !== KEY_BYTES) {
    throw new MasterKeyError(`${where} decodes to ${key.byteLength} bytes, the master key must be exactly ${KEY_BYTES}; ${HOW_TO_GENERATE}`);
  }
  if (key.every((byte) => byte === 0)) {
    throw new MasterKeyError(`${where} is all zeros, a placeholder rather than a key; ${HOW_TO_GENERATE}`);
  }
  return new Uint8Array(key);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
