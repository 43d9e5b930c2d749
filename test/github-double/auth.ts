/**
 * Credentials the GitHub double accepts: a GitHub App's RS256 JSON Web Token (verified against
 * the test app's public key, as GitHub does), installation tokens it issued itself, and
 * personal tokens registered by the test.
 */
import { generateKeyPairSync, type KeyObject, randomBytes, verify } from 'node:crypto';

/** A GitHub App for tests: its id and PKCS#1 private key (the format GitHub hands out). */
export interface TestApp {
  readonly id: number;
  readonly privateKey: string;
  readonly publicKey: KeyObject;
}

export function createTestApp(id = 4242): TestApp {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { id, privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), publicKey };
}

/** Who a request is authenticated as. */
export type Principal =
  | { readonly kind: 'app'; readonly appId: number }
  | { readonly kind: 'installation'; readonly installationId: number; readonly token: string }
  | { readonly kind: 'user'; readonly login: string; readonly token: string };

export type AuthResult = { ok: true; principal: Principal } | { ok: false; message: string };

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Verify a GitHub App JWT as GitHub documents it: RS256, `iss` = app id, `exp` at most 10 minutes after `iat`. */
export function verifyAppJwt(jwt: string, app: TestApp, nowSeconds: number): AuthResult {
  const parts = jwt.split('.');
  if (parts.length !== 3) return { ok: false, message: 'A JSON web token could not be decoded' };
  const [head, body, signature] = parts as [string, string, string];
  const header = decodePart(head);
  const claims = decodePart(body);
  if (!header || !claims || header.alg !== 'RS256') return { ok: false, message: 'A JSON web token could not be decoded' };
  if (!verify('RSA-SHA256', Buffer.from(`${head}.${body}`), app.publicKey, Buffer.from(signature, 'base64url'))) {
    return { ok: false, message: 'A JSON web token could not be decoded' };
  }
  if (Number(claims.iss) !== app.id) return { ok: false, message: `'Issuer' claim ('iss') must be the app id` };
  const iat = Number(claims.iat);
  const exp = Number(claims.exp);
  if (!Number.isInteger(iat) || iat > nowSeconds + 60) return { ok: false, message: `'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued` };
  if (!Number.isInteger(exp) || exp <= nowSeconds) return { ok: false, message: `'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires` };
  if (exp - iat > 600 + 60) return { ok: false, message: `'Expiration time' claim ('exp') is too far in the future` };
  return { ok: true, principal: { kind: 'app', appId: app.id } };
}

/** Installation and personal tokens the double accepts. */
export class TokenRegistry {
  private readonly tokens = new Map<string, { principal: Principal; expiresAt: number }>();

  /** Issue an installation token (`ghs_…`, one hour, as GitHub does). */
  issueInstallationToken(installationId: number, nowMs: number): { token: string; expiresAt: Date } {
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    const expiresAt = nowMs + 3600_000;
    this.tokens.set(token, { principal: { kind: 'installation', installationId, token }, expiresAt });
    return { token, expiresAt: new Date(expiresAt) };
  }

  /** Register a personal access token for `login`. */
  addPersonalToken(token: string, login: string): void {
    this.tokens.set(token, { principal: { kind: 'user', login, token }, expiresAt: Number.POSITIVE_INFINITY });
  }

  /** Every token issued or registered (the leak check looks for them). */
  all(): string[] {
    return [...this.tokens.keys()];
  }

  /** Make a token unusable (to test 401 handling). */
  revoke(token: string): void {
    this.tokens.delete(token);
  }

  lookup(token: string, nowMs: number): Principal | undefined {
    const entry = this.tokens.get(token);
    return entry && entry.expiresAt > nowMs ? entry.principal : undefined;
  }
}

/** Authenticate an `Authorization` header: `token X`, `Bearer X` (a token or an app JWT). */
export function authenticate(header: string | undefined, app: TestApp, tokens: TokenRegistry, nowMs: number): AuthResult {
  if (!header) return { ok: false, message: 'Requires authentication' };
  const m = /^(token|bearer)\s+(\S+)$/i.exec(header.trim());
  if (!m) return { ok: false, message: 'Bad credentials' };
  const credential = m[2]!;
  if (credential.split('.').length === 3 && credential.startsWith('ey')) return verifyAppJwt(credential, app, Math.floor(nowMs / 1000));
  const principal = tokens.lookup(credential, nowMs);
  return principal ? { ok: true, principal } : { ok: false, message: 'Bad credentials' };
}
