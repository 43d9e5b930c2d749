/** Sign a GitHub App JWT the way `universal-github-app-jwt` does, for calling the double directly. */
import { createPrivateKey, sign } from 'node:crypto';
import type { TestApp } from './auth.js';

export function appJwt(app: Pick<TestApp, 'id' | 'privateKey'>, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat: nowSeconds - 30, exp: nowSeconds + 540, iss: app.id })}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), createPrivateKey(app.privateKey)).toString('base64url')}`;
}
