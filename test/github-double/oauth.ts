/**
 * GitHub's OAuth web flow as an OAuth (or GitHub App) client sees it — served at the double's root,
 * as github.com serves it beside the API:
 *
 * - `GET /login/oauth/authorize?client_id&redirect_uri&state[&scope]`: the user signed in with
 *   {@link OAuthDouble.signIn} "approves" at once; the double redirects to `redirect_uri` with a
 *   one-time `code` and the same `state`. Without a signed-in user it answers 403.
 * - `POST /login/oauth/access_token` (form or JSON: `client_id`, `client_secret`, `code`, with
 *   `Accept: application/json`): a user token for the code's user (`gho_…`), usable on the API.
 *   A wrong client secret or a reused code answers 200 with `error`, as GitHub does.
 */
import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import type { TokenRegistry } from './auth.js';

export interface OAuthDouble {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Who approves the next authorizations (undefined: nobody is signed in, 403). */
  signIn(login: string | undefined): void;
  /** Every authorize request received (to check `state` and `redirect_uri`). */
  readonly authorizations: { clientId: string; redirectUri: string; state: string; scope: string }[];
}

export function oauthWebFlow(hono: Hono, tokens: TokenRegistry): OAuthDouble {
  const clientId = `Ov23li${randomBytes(7).toString('hex')}`;
  const clientSecret = randomBytes(20).toString('hex');
  const codes = new Map<string, string>();
  let signedIn: string | undefined;
  const authorizations: OAuthDouble['authorizations'] = [];

  hono.get('/login/oauth/authorize', (c) => {
    const q = c.req.query();
    authorizations.push({ clientId: q.client_id ?? '', redirectUri: q.redirect_uri ?? '', state: q.state ?? '', scope: q.scope ?? '' });
    if (q.client_id !== clientId) return c.text('unknown client_id', 404);
    if (!signedIn) return c.text('nobody is signed in to the GitHub double', 403);
    if (!q.redirect_uri) return c.text('redirect_uri required', 400);
    const code = randomBytes(10).toString('hex');
    codes.set(code, signedIn);
    const target = new URL(q.redirect_uri);
    target.searchParams.set('code', code);
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    return c.redirect(target.toString(), 302);
  });

  hono.post('/login/oauth/access_token', async (c) => {
    const type = c.req.header('content-type') ?? '';
    const raw = await c.req.text();
    const body: Record<string, string> = type.includes('json')
      ? (JSON.parse(raw) as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(raw));
    if (body.client_id !== clientId || body.client_secret !== clientSecret) {
      return c.json({ error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' });
    }
    const login = body.code ? codes.get(body.code) : undefined;
    if (!login) return c.json({ error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
    codes.delete(body.code!);
    const token = `gho_${randomBytes(18).toString('base64url')}`;
    tokens.addPersonalToken(token, login);
    return c.json({ access_token: token, token_type: 'bearer', scope: 'read:org' });
  });

  return { clientId, clientSecret, signIn: (login) => void (signedIn = login), authorizations };
}
