/**
 * `X-Hub-Signature-256` verification: HMAC-SHA256 of the raw body, compared in constant time by
 * `@octokit/webhooks-methods`. Several secrets are accepted during a rotation. Only `sha256=`
 * signatures count: the legacy SHA-1 `X-Hub-Signature` is never enough.
 */
import { verify } from '@octokit/webhooks-methods';

const SHA256_SIGNATURE = /^sha256=[0-9a-f]{64}$/;

/** Whether a header value has the shape of a SHA-256 signature (`sha256=` and 64 hex digits). */
export function isSha256Signature(signature: string): boolean {
  return SHA256_SIGNATURE.test(signature);
}

/**
 * True when `signature` is a `sha256=` HMAC of `payload` under one of `secrets`. Never throws:
 * a missing, malformed or wrong signature is `false`.
 */
export async function verifySignature(secrets: readonly string[], payload: string, signature: string | undefined): Promise<boolean> {
  if (!signature || !SHA256_SIGNATURE.test(signature) || payload.length === 0) return false;
  for (const secret of secrets) {
    try {
      if (await verify(secret, payload, signature)) return true;
    } catch {
      // An unusable secret (empty) matches nothing; the others of a rotation still count.
      continue;
    }
  }
  return false;
}
