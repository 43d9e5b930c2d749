import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubDouble, type GitHubDouble } from '../../test/github-double/index.js';
import { createAccess, isLoopback, safeEqual, safeNext, type AccessOptions } from './auth.js';

const TOKEN = 'correct-horse-battery-staple';

function appWith(options: Partial<AccessOptions>): Hono {
  const access = createAccess({ publicUrl: 'http://pave.test', ...options });
  const app = new Hono();
  access.mount(app);
  app.use('/matrix', access.guard);
  app.get('/matrix', (c) => c.text(`matrix for ${access.viewer(c) ?? 'nobody'}`));
  return app;
}

const html = { accept: 'text/html,application/xhtml+xml' };

async function login(app: Hono, token: string): Promise<Response> {
  return app.request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, next: '/matrix' }).toString(),
  });
}

function cookieOf(res: Response, name: string): string | undefined {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return line?.slice(name.length + 1).split(';')[0];
}

describe('shared token', () => {
  const app = appWith({ token: TOKEN });

  it('sends a browser without a session to the login page, and anything else gets 401', async () => {
    const page = await app.request('/matrix?x=1', { headers: html });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login?next=%2Fmatrix%3Fx%3D1');
    const api = await app.request('/matrix');
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('accepts the bearer token and refuses a wrong one with 401', async () => {
    expect((await app.request('/matrix', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await app.request('/matrix', { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await app.request('/matrix', { headers: { authorization: `Basic ${TOKEN}` }, ...{} })).status).toBe(401);
    expect((await app.request('/matrix', { headers: { ...html, authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('refuses a wrong token at the login form and sets no cookie', async () => {
    const res = await login(app, 'wrong-token-wrong-token');
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await res.text()).toContain('That token is not valid.');
  });

  it('signs in with the right token: an HttpOnly, SameSite=Strict session cookie that opens the pages', async () => {
    const res = await login(app, TOKEN);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/matrix');
    const line = res.headers.getSetCookie().find((c) => c.startsWith('pave_session='))!;
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Strict/);
    expect(line).not.toMatch(/Secure/); // http public URL
    const cookie = cookieOf(res, 'pave_session')!;
    const page = await app.request('/matrix', { headers: { ...html, cookie: `pave_session=${cookie}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('matrix for token');
  });

  it('refuses a tampered, forged, foreign or expired cookie', async () => {
    const cookie = cookieOf(await login(app, TOKEN), 'pave_session')!;
    const [v, payload, mac] = cookie.split('.') as [string, string, string];
    const forgedPayload = Buffer.from(JSON.stringify({ u: 'admin', exp: Date.now() + 1e9 })).toString('base64url');
    const flipped = mac.slice(0, -2) + (mac.at(-2) === 'A' ? 'B' : 'A') + mac.at(-1);
    const otherApp = appWith({ token: 'another-token-another-token' });
    const foreign = cookieOf(await login(otherApp, 'another-token-another-token'), 'pave_session')!;
    let now = Date.now();
    const clockApp = appWith({ token: TOKEN, clock: { now: () => new Date(now) }, sessionTtlMs: 60_000 });
    const expiring = cookieOf(await login(clockApp, TOKEN), 'pave_session')!;
    now += 61_000;
    for (const [target, bad] of [[app, `${v}.${forgedPayload}.${mac}`], [app, `${v}.${payload}.${flipped}`], [app, `${v}.${payload}`], [app, foreign], [clockApp, expiring], [app, 'x'.repeat(5_000)]] as const) {
      const res = await target.request('/matrix', { headers: { ...html, cookie: `pave_session=${bad}` } });
      expect(res.status, bad.slice(0, 40)).toBe(302);
    }
  });

  it('never redirects after login to another site', () => {
    expect(safeNext('//evil.example/x')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/login?next=/x')).toBe('/');
    expect(safeNext('/runs/abc?format=md')).toBe('/runs/abc?format=md');
  });

  it('compares secrets of any length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
  });
});

describe('open mode (nothing configured)', () => {
  it('answers loopback clients only', async () => {
    let address = '10.1.2.3';
    const app = appWith({ remoteAddress: () => address });
    expect((await app.request('/matrix', { headers: html })).status).toBe(403);
    address = '::ffff:127.0.0.1';
    expect((await app.request('/matrix', { headers: html })).status).toBe(200);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('128.0.0.1')).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });
});

describe('GitHub sign-in', () => {
  let github: GitHubDouble;
  let app: Hono;
  beforeAll(async () => {
    github = await startGitHubDouble();
    github.state.addOrgMember('acme', 'alice');
    github.state.addOrgMember('acme', 'pending-pat', { state: 'pending' });
    app = appWith({ github: { clientId: github.oauth.clientId, clientSecret: github.oauth.clientSecret, org: 'acme', webUrl: github.webUrl, apiUrl: github.url } });
  });
  afterAll(async () => {
    await github.close();
  });

  /** Start at /login/github, let the double approve as `login`, and return the callback request. */
  async function flow(login: string): Promise<{ callback: string; stateCookie: string }> {
    github.oauth.signIn(login);
    const start = await app.request('/login/github?next=%2Fmatrix');
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.origin + authorize.pathname).toBe(`${github.webUrl}/login/oauth/authorize`);
    expect(authorize.searchParams.get('redirect_uri')).toBe('http://pave.test/login/github/callback');
    const stateCookie = cookieOf(start, 'pave_oauth')!;
    expect(start.headers.getSetCookie().find((c) => c.startsWith('pave_oauth='))).toMatch(/SameSite=Lax/);
    const approved = await fetch(authorize, { redirect: 'manual' });
    expect(approved.status).toBe(302);
    const callback = new URL(approved.headers.get('location')!);
    expect(callback.searchParams.get('state')).toBe(authorize.searchParams.get('state'));
    return { callback: callback.pathname + callback.search, stateCookie };
  }

  it('signs in an active member of the organization', async () => {
    const { callback, stateCookie } = await flow('alice');
    const res = await app.request(callback, { headers: { cookie: `pave_oauth=${stateCookie}` } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/matrix');
    const session = cookieOf(res, 'pave_session')!;
    const page = await app.request('/matrix', { headers: { cookie: `pave_session=${session}` } });
    expect(await page.text()).toBe('matrix for alice');
    expect(github.violations).toEqual([]);
    expect(github.responseViolations).toEqual([]);
  });

  it('refuses someone who is not an active member', async () => {
    for (const login of ['mallory', 'pending-pat']) {
      const { callback, stateCookie } = await flow(login);
      const res = await app.request(callback, { headers: { cookie: `pave_oauth=${stateCookie}` } });
      expect(res.status).toBe(403);
      expect(cookieOf(res, 'pave_session')).toBeFalsy();
      expect(await res.text()).toContain(`${login} is not an active member of acme`);
    }
  });

  it('checks the OAuth state: a callback without the cookie, or with another attempt\'s state, is refused', async () => {
    const first = await flow('alice');
    const second = await flow('alice');
    const noCookie = await app.request(first.callback);
    expect(noCookie.status).toBe(403);
    const crossed = await app.request(first.callback, { headers: { cookie: `pave_oauth=${second.stateCookie}` } });
    expect(crossed.status).toBe(403);
    expect(cookieOf(crossed, 'pave_session')).toBeFalsy();
    expect(await crossed.text()).toContain('did not start here');
  });
});
