/**
 * PostgreSQL's stored password formats, computed and checked in pave:
 *
 * - `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (RFC 5802/7677, PostgreSQL 10+):
 *   pave sends this verifier in `CREATE/ALTER ROLE … PASSWORD`, as `psql`'s `\password` does, so
 *   the plaintext never reaches the server, its statement log or an error message;
 * - `md5<md5(password || user)>` (older servers), only checked.
 *
 * Checking the stored verifier tells whether a password is the role's one without logging in,
 * which is the only proof available when the server trusts loopback connections.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { TerminalError } from '../../../domain/errors.js';

/** PostgreSQL's default (`scram_iterations` since 16; fixed before). */
export const SCRAM_ITERATIONS = 4096;
const SALT_BYTES = 16;

/**
 * The bytes PostgreSQL hashes. It applies SASLprep to passwords that are valid UTF-8 and uses the
 * raw bytes when that fails; for ASCII both are the raw bytes. Non-ASCII passwords would need the
 * full SASLprep tables to match the server, so they are refused (pave generates ASCII ones).
 */
function passwordBytes(password: string): Buffer {
  if (!/^[\x00-\x7f]*$/.test(password)) throw new TerminalError('PostgreSQL passwords must be ASCII');
  return Buffer.from(password, 'ascii');
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

function keys(password: string, salt: Buffer, iterations: number): { storedKey: Buffer; serverKey: Buffer } {
  const salted = pbkdf2Sync(passwordBytes(password), salt, iterations, 32, 'sha256');
  return {
    storedKey: createHash('sha256').update(hmac(salted, 'Client Key')).digest(),
    serverKey: hmac(salted, 'Server Key'),
  };
}

/** A SCRAM-SHA-256 verifier for `password`, with a fresh random salt. */
export function scramVerifier(password: string, salt: Buffer = randomBytes(SALT_BYTES), iterations = SCRAM_ITERATIONS): string {
  const { storedKey, serverKey } = keys(password, salt, iterations);
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

const SCRAM = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;
const MD5 = /^md5[0-9a-f]{32}$/;

/**
 * Whether `password` is the one `stored` (a `pg_authid.rolpassword`) was made from. False for a
 * role without a password and for formats this does not know.
 */
export function storedPasswordMatches(stored: string | null, password: string, user: string): boolean {
  if (stored === null) return false;
  const scram = SCRAM.exec(stored);
  if (scram) {
    const iterations = Number(scram[1]);
    if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > 10_000_000) return false;
    const { storedKey, serverKey } = keys(password, Buffer.from(scram[2]!, 'base64'), iterations);
    return same(storedKey, Buffer.from(scram[3]!, 'base64')) && same(serverKey, Buffer.from(scram[4]!, 'base64'));
  }
  if (MD5.test(stored)) {
    const expected = `md5${createHash('md5').update(Buffer.concat([passwordBytes(password), Buffer.from(user, 'utf8')])).digest('hex')}`;
    return same(Buffer.from(expected), Buffer.from(stored));
  }
  return false;
}

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
