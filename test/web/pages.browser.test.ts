/**
 * The web pages in a real browser: Debian's chromium driven by playwright-core, against the pave
 * service (in process) with real Redis, the GitHub double seeded with the example organization
 * (indexed, so the catalog is full) and a seeded state repository (the matrix). Signs in with the
 * shared token, then navigates the run page (live update of a running run), the matrix and the
 * catalog (filter, search, copy a snippet). Screenshots go to test/.tmp/screenshots/.
 *
 * Without chromium this fails with a message saying how to install it (never skips).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStateRepository } from '../../src/adapters/git/local-state-repository.js';
import { createRedisRunStore } from '../../src/adapters/redis/run-store.js';
import type { Run } from '../../src/domain/runs.js';
import type { CatalogEndpointView } from '../../src/domain/views.js';
import { installEverything, startHarness, waitFor, type Harness } from '../e2e/harness.js';
import { testRedis } from '../helpers/redis.js';

export const CHROMIUM = process.env.PAVE_CHROMIUM ?? '/usr/bin/chromium';
const TOKEN = 'browser-test-token-' + 'y'.repeat(16);
const SHOTS = 'test/.tmp/screenshots';
const SHA = 'c0ffee'.padEnd(40, '0');

let h: Harness;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
let redis: ReturnType<typeof testRedis>;

const running: Run = {
  id: 'run-browser-1', kind: 'apply', repo: 'acme-bank/lending-backend', prNumber: 12, headSha: SHA, state: 'running',
  startedAt: '2026-01-02T03:04:05.000Z', description: 'applying 1 component to development',
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium; .ci/run does) or set PAVE_CHROMIUM`);
  }
  h = await startHarness({ env: { PAVE_UI_TOKEN: TOKEN, GITHUB_PLATFORM_INSTALLATION_ID: '7' } });
  await installEverything(h);
  const state = createLocalStateRepository({ dir: h.config.stateRepo });
  const release = (environment: string, sha: string, actor: string) => JSON.stringify({
    project: 'lending', component: 'loans-api', environment, repo: 'acme-bank/lending-backend', sourceSha: sha,
    image: `registry.example/lending/loans-api@sha256:${'ab'.repeat(32)}`, configHash: 'sha256:1', pullRequest: 12, actor, appliedAt: '2026-01-02T03:04:05.000Z',
  });
  await state.commit({
    'environments/development/lending/loans-api/release.json': release('development', SHA, 'octocat'),
    'environments/staging/lending/loans-api/release.json': release('staging', SHA, 'hubot'),
    'environments/development/utility/exchange-rates/desired.json': '{}',
    'promotion/lending/loans-api.json': JSON.stringify({ deployments: { development: [{ releaseId: 'r-1', configHash: 'x', deployedAt: '2026-01-02T03:04:05.000Z', by: 'octocat', how: 'merge', health: 'healthy' }] } }),
  }, 'seed', { name: 'test', email: 'test@example.com' });
  redis = testRedis();
  await createRedisRunStore(redis.redis, { prefix: h.prefix }).save(running);

  await mkdir(SHOTS, { recursive: true });
  userDataDir = await mkdtemp(join(tmpdir(), 'pave-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.service!.url! });
  page = context.pages()[0] ?? await context.newPage();
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  await redis?.cleanup();
  await h?.close();
});

const url = (path: string) => `${h.service!.url!}${path}`;

describe('pages in chromium', () => {
  it('sends an anonymous visitor to the login page, refuses a wrong token, signs in with the right one', async () => {
    await page.goto(url('/matrix'));
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#token', 'not-the-token-at-all');
    await page.click('#sign-in');
    expect(await page.textContent('#login-error')).toContain('not valid');
    await page.screenshot({ path: `${SHOTS}/login-refused.png` });
    await page.fill('#token', TOKEN);
    await page.click('#sign-in');
    await page.waitForURL(url('/matrix'));
    expect(await page.textContent('#viewer')).toBe('token');
  }, 60_000);

  it('shows the matrix: release, image, who and health per environment', async () => {
    await page.goto(url('/matrix'));
    const headers = await page.$$eval('#matrix th', (ths) => ths.map((t) => t.textContent));
    expect(headers).toEqual(['component', 'development', 'staging']); // pipeline order, only environments with state
    const dev = page.locator('tr[data-component="lending/loans-api"] td[data-env="development"]');
    expect(await dev.textContent()).toContain('c0ffee0');
    expect(await dev.textContent()).toContain('healthy');
    expect(await dev.textContent()).toContain('octocat');
    expect(await dev.locator('a.sha').getAttribute('href')).toBe(`https://github.com/acme-bank/lending-backend/commit/${SHA}`);
    expect(await page.locator('tr[data-component="lending/loans-api"] td[data-env="staging"]').textContent()).toContain('hubot');
    expect(await page.locator('tr[data-component="utility/exchange-rates"]').textContent()).toContain('not applied yet');
    await page.screenshot({ path: `${SHOTS}/matrix.png`, fullPage: true });
  }, 60_000);

  it('shows a running run and updates it in place when it finishes', async () => {
    await page.goto(url(`/runs/${running.id}`));
    expect(await page.textContent('#run-state')).toContain('running');
    expect(await page.isVisible('#live')).toBe(true);
    await page.screenshot({ path: `${SHOTS}/run-running.png`, fullPage: true });
    await createRedisRunStore(redis.redis, { prefix: h.prefix }).save({
      ...running, state: 'succeeded', finishedAt: '2026-01-02T03:05:00.000Z', description: 'deployed to development',
      statuses: [{ context: 'pave/deploy/development', state: 'success', description: 'deployed c0ffee0' }],
      fullMarkdown: '## pave apply\n\ndeployed loans-api to development',
    });
    await page.waitForFunction("document.querySelector('#run-state')?.textContent?.includes('succeeded')", undefined, { timeout: 15_000 });
    expect(await page.textContent('#statuses')).toContain('pave/deploy/development');
    expect(await page.textContent('#full-plan')).toContain('deployed loans-api to development');
    expect(await page.isVisible('#live')).toBe(false);
    await page.screenshot({ path: `${SHOTS}/run-finished.png`, fullPage: true });
  }, 60_000);

  it('lists every endpoint in the catalog, filters by project and search, and copies a snippet', async () => {
    const all = await (await fetch(url('/catalog?format=json'), { headers: { authorization: `Bearer ${TOKEN}` } })).json() as { endpoints: CatalogEndpointView[] };
    expect(all.endpoints.length).toBeGreaterThan(2);
    await page.goto(url('/catalog'));
    const visible = () => page.$$eval('tr.endpoint:not([hidden]) b.name', (els) => els.map((e) => e.textContent));
    expect((await visible()).length).toBe(all.endpoints.length);
    await page.screenshot({ path: `${SHOTS}/catalog.png`, fullPage: true });

    const utility = all.endpoints.filter((e) => e.project === 'utility');
    expect(utility.length).toBeGreaterThan(0);
    expect(utility.length).toBeLessThan(all.endpoints.length);
    await page.selectOption('#filter-project', 'utility');
    expect(await visible()).toEqual(utility.map((e) => `${e.project}/${e.component}`));
    expect(await page.textContent('#catalog-count')).toBe(String(utility.length));
    expect(new URL(page.url()).searchParams.get('project')).toBe('utility'); // shareable

    await page.selectOption('#filter-project', '');
    await page.fill('#filter-q', 'rates-api');
    expect(await visible()).toEqual(['utility/exchange-rates']);
    await page.screenshot({ path: `${SHOTS}/catalog-filtered.png`, fullPage: true });

    const row = page.locator('tr.endpoint:not([hidden])').first();
    const snippet = await row.locator('pre').first().textContent();
    expect(snippet).toContain('connectionReferences:');
    expect(snippet).toMatch(/resourceRef: service:\/utility\/exchange-rates\/v1\/[0-9a-f]{5}\/(ORGANIZATION|PROJECT|PUBLIC)/);
    expect(await row.textContent()).toContain('CHOREO_EXCHANGE_RATES_RATES_API_SERVICEURL');
    await row.locator('button.copy').first().click();
    await page.waitForFunction("document.querySelector('tr.endpoint:not([hidden]) button.copy')?.getAttribute('data-copied') === 'true'");
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(snippet);
  }, 60_000);

  it('filters without JavaScript through the query string', async () => {
    const res = await fetch(url('/catalog?q=interest'), { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await res.text();
    const shown = [...text.matchAll(/<tr class="endpoint"[^>]*?(hidden)?>/g)].filter((m) => !m[1]).length;
    expect(shown).toBe(1);
    expect(text).toContain('interest-rates');
  });

  it('serves the queue dashboard behind the same sign-in', async () => {
    await page.goto(url('/admin/queues'));
    await page.waitForSelector('text=pave queues', { timeout: 15_000 });
    await page.screenshot({ path: `${SHOTS}/queues.png` });
    const anonymous = await fetch(url('/admin/queues/api/queues'));
    expect(anonymous.status).toBe(401);
    await waitFor(async () => (await fetch(url('/admin/queues/api/queues'), { headers: { authorization: `Bearer ${TOKEN}` } })).status === 200, 'the queue API');
  }, 60_000);
});
