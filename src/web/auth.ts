/**
 * Access control for pave's pages (run pages, matrix, catalog, queue dashboard) — not for the
 * webhook, health or readiness endpoints, which have their own rules.
 *
 * - **Shared token** (`PAVE_UI_TOKEN`): `Authorization: Bearer <token>` on every request (scripts),
 *   or the login form, which sets a session cookie.
 * - **GitHub login** (`GITHUB_CLIENT_ID` + `GITHUB_CLIENT_SECRET`): the OAuth web flow at
 *   `GITHUB_WEB_URL`; members of the platform organization (an active membership, checked with
 *   the user's token at login, which is then dropped) get a session cookie.
 * - **Open** (neither configured, the embedded/dev default): pages answer loopback clients only,
 *   and every page says so.
 *
 * Sessions are `v1.<payload>.<HMAC-SHA256>` cookies: HttpOnly, SameSite=Strict, Secure when the
 * public URL is https, valid 12 hours. The signing key is derived from the configured credentials,
 * so every web replica accepts the same cookies and changing the token or client secret ends
 * every session. Secrets and MACs are compared in constant time.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Clock } from '../domain/ports.js';
import { escapeHtml, layout } from './layout.js';

export interface GitHubLogin {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Members of this organization may sign in. */
  readonly org: string;
  /** `https://github.com` (or a GitHub Enterprise Server's web URL). */
  readonly webUrl: string;
  /** `https://api.github.com` (or `<ghes>/api/v3`). */
  readonly apiUrl: string;
}

export interface AccessOptions {
  readonly token?: string | undefined;
  readonly github?: GitHubLogin | undefined;
  /** pave's public URL: the OAuth callback, and `Secure` cookies when https. */
  readonly publicUrl: string;
  /** @defaultValue 12 hours */
  readonly sessionTtlMs?: number;
  readonly clock?: Clock;
  /** The GitHub calls of the OAuth flow (tests pass nothing: the global fetch reaches the double). */
  readonly fetch?: typeof fetch;
  /** The client's address (open mode admits loopback only); main passes the socket's address. */
  readonly remoteAddress?: (c: Context) => string | undefined;
  readonly log?: { warn(obj: object, msg: string): void };
}

export interface Access {
  /** `open` when no credentials are configured. */
  readonly mode: 'open' | 'protected';
  /** Refuses requests without a valid bearer token or session (HTML: redirect to /login; else 401). */
  readonly guard: MiddlewareHandler;
  /** `/login`, `/logout`, `/login/github`, `/login/github/callback`. */
  mount(app: Hono): void;
  /** Who is signed in (`token`, a GitHub login), or undefined (open mode). */
  viewer(c: Context): string | undefined;
}

const SESSION_COOKIE = 'pave_session';
const STATE_COOKIE = 'pave_oauth';
const DEFAULT_TTL = 12 * 60 * 60 * 1000;
const OAUTH_TTL = 10 * 60 * 1000;
const MAX_FORM_BYTES = 16 * 1024;
const systemClock: Clock = { now: () => new Date() };

/** Constant-time equality of two strings of any lengths (compares their SHA-256 digests). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

/** Only same-site paths, never `//host` or back to the login pages. */
export function safeNext(next: string | undefined): string {
  if (!next || !/^\/(?![/\\])[\x21-\x7e]*$/.test(next) || next.startsWith('/login') || next.length > 2_000) return '/';
  return next;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/i, '');
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

export function createAccess(options: AccessOptions): Access {
  const clock = options.clock ?? systemClock;
  const ttl = options.sessionTtlMs ?? DEFAULT_TTL;
  const token = options.token || undefined;
  const github = options.github;
  const mode = token || github ? 'protected' : 'open';
  const secure = options.publicUrl.startsWith('https://');
  const doFetch = options.fetch ?? fetch;
  // Derived from the credentials: stable across replicas and restarts, rotated with them.
  const key = createHash('sha256').update(`pave-ui-session-v1\0${token ?? ''}\0${github?.clientSecret ?? ''}`).digest();

  const mac = (data: string) => createHmac('sha256', key).update(data).digest('base64url');
  function sign(payload: object): string {
    const body = `v1.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${body}.${mac(body)}`;
  }
  function verify<T extends { exp: number }>(value: string | undefined): T | undefined {
    if (!value || value.length > 4_096) return undefined;
    const dot = value.lastIndexOf('.');
    if (dot < 0 || !value.startsWith('v1.')) return undefined;
    const body = value.slice(0, dot);
    if (!safeEqual(value.slice(dot + 1), mac(body))) return undefined;
    try {
      const payload = JSON.parse(Buffer.from(body.slice(3), 'base64url').toString('utf8')) as T;
      return typeof payload.exp === 'number' && payload.exp > clock.now().getTime() ? payload : undefined;
    } catch {
      return undefined;
    }
  }
  const cookieOptions = { httpOnly: true, secure, sameSite: 'Strict' as const, path: '/' };
  function startSession(c: Context, user: string): void {
    const exp = clock.now().getTime() + ttl;
    setCookie(c, SESSION_COOKIE, sign({ u: user, exp }), { ...cookieOptions, maxAge: Math.floor(ttl / 1000) });
  }
  const session = (c: Context) => verify<{ u: string; exp: number }>(getCookie(c, SESSION_COOKIE));

  const wantsHtml = (c: Context) => c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html') && c.req.query('format') === undefined;

  const guard: MiddlewareHandler = async (c, next) => {
    if (mode === 'open') {
      const address = options.remoteAddress?.(c);
      if (!isLoopback(address)) {
        return c.text('pave pages are open only to loopback clients when no access control is configured: set PAVE_UI_TOKEN or GitHub login (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET)', 403);
      }
      return next();
    }
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (token && m && safeEqual(m[1]!, token)) {
        c.set('viewer' as never, 'token' as never);
        return next();
      }
      return c.json({ error: 'invalid bearer token' }, 401, { 'www-authenticate': 'Bearer realm="pave"' });
    }
    const s = session(c);
    if (s) {
      c.set('viewer' as never, s.u as never);
      return next();
    }
    if (wantsHtml(c)) {
      const url = new URL(c.req.url);
      return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 302);
    }
    return c.json({ error: 'sign in at /login, or send Authorization: Bearer <PAVE_UI_TOKEN>' }, 401, { 'www-authenticate': 'Bearer realm="pave"' });
  };

  function loginPage(c: Context, next: string, problem?: string, status: 200 | 401 | 403 = 200) {
    const form = token
      ? `<form method="post" action="/login" class="login">
<input type="hidden" name="next" value="${escapeHtml(next)}">
<label>Access token <input type="password" name="token" id="token" autocomplete="current-password" required autofocus></label>
<button type="submit" id="sign-in">Sign in</button></form>`
      : '';
    const gh = github ? `<p><a class="button" id="github-login" href="/login/github?next=${encodeURIComponent(next)}">Sign in with GitHub</a> (members of <b>${escapeHtml(github.org)}</b>)</p>` : '';
    const body = mode === 'open'
      ? '<p>No access control is configured: pages are open to loopback clients only.</p><p><a href="/">Continue</a></p>'
      : `${problem ? `<p class="err" id="login-error">${escapeHtml(problem)}</p>` : ''}${form}${gh}`;
    return c.html(layout({ title: 'Sign in', body, nav: false }), status);
  }

  function mount(app: Hono): void {
    app.get('/login', (c) => loginPage(c, safeNext(c.req.query('next'))));

    app.post('/login', async (c) => {
      const length = Number(c.req.header('content-length') ?? '0');
      if (!Number.isFinite(length) || length > MAX_FORM_BYTES) return c.text('form too large', 413);
      const form = await c.req.parseBody();
      const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
      const given = typeof form.token === 'string' ? form.token : '';
      if (!token || !safeEqual(given, token)) {
        options.log?.warn({ path: '/login' }, 'sign-in refused: wrong token');
        return loginPage(c, next, 'That token is not valid.', 401);
      }
      startSession(c, 'token');
      return c.redirect(next, 303);
    });

    app.post('/logout', (c) => {
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure });
      return c.redirect('/login', 303);
    });

    if (!github) return;
    const callback = `${options.publicUrl}/login/github/callback`;

    app.get('/login/github', (c) => {
      const state = randomBytes(24).toString('base64url');
      const next = safeNext(c.req.query('next'));
      // Lax, not Strict: it must come back on GitHub's cross-site redirect to the callback.
      setCookie(c, STATE_COOKIE, sign({ s: state, n: next, exp: clock.now().getTime() + OAUTH_TTL }),
        { httpOnly: true, secure, sameSite: 'Lax', path: '/login/github', maxAge: OAUTH_TTL / 1000 });
      const url = new URL('/login/oauth/authorize', github.webUrl);
      url.searchParams.set('client_id', github.clientId);
      url.searchParams.set('redirect_uri', callback);
      url.searchParams.set('scope', 'read:org');
      url.searchParams.set('state', state);
      url.searchParams.set('allow_signup', 'false');
      return c.redirect(url.toString(), 302);
    });

    app.get('/login/github/callback', async (c) => {
      const saved = verify<{ s: string; n: string; exp: number }>(getCookie(c, STATE_COOKIE));
      deleteCookie(c, STATE_COOKIE, { path: '/login/github', secure });
      const state = c.req.query('state');
      const code = c.req.query('code');
      if (!saved || !state || !safeEqual(state, saved.s)) {
        options.log?.warn({ path: '/login/github/callback' }, 'GitHub sign-in refused: OAuth state does not match');
        return loginPage(c, '/', 'The sign-in attempt expired or did not start here; try again.', 403);
      }
      if (!code || code.length > 200) return loginPage(c, saved.n, 'GitHub did not return an authorization code.', 403);
      const login = await githubMember(code).catch((err: unknown) => {
        options.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'GitHub sign-in failed');
        return { error: 'GitHub could not be reached or refused the sign-in; try again.' } as const;
      });
      if ('error' in login) return loginPage(c, saved.n, login.error, 403);
      startSession(c, login.login);
      return c.redirect(saved.n, 303);
    });

    async function githubMember(code: string): Promise<{ login: string } | { error: string }> {
      const g = github!;
      const signal = () => AbortSignal.timeout(10_000);
      const exchanged = await doFetch(new URL('/login/oauth/access_token', g.webUrl), {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: g.clientId, client_secret: g.clientSecret, code, redirect_uri: callback }),
        signal: signal(),
      });
      const grant = (await exchanged.json()) as { access_token?: string; error?: string };
      if (!exchanged.ok || !grant.access_token) return { error: `GitHub refused the sign-in (${grant.error ?? exchanged.status}).` };
      const headers = { accept: 'application/vnd.github+json', authorization: `Bearer ${grant.access_token}`, 'x-github-api-version': '2022-11-28' };
      const userRes = await doFetch(`${g.apiUrl}/user`, { headers, signal: signal() });
      if (!userRes.ok) return { error: `GitHub did not say who you are (${userRes.status}).` };
      const user = (await userRes.json()) as { login?: string };
      if (!user.login) return { error: 'GitHub did not say who you are.' };
      const member = await doFetch(`${g.apiUrl}/user/memberships/orgs/${encodeURIComponent(g.org)}`, { headers, signal: signal() });
      const membership = member.ok ? ((await member.json()) as { state?: string }) : undefined;
      if (membership?.state !== 'active') {
        options.log?.warn({ user: user.login, org: g.org }, 'GitHub sign-in refused: not an active member of the organization');
        return { error: `${user.login} is not an active member of ${g.org}.` };
      }
      return { login: user.login };
    }
  }

  return {
    mode,
    guard,
    mount,
    viewer: (c) => (c.get('viewer' as never) as string | undefined),
  };
}
