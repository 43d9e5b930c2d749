import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { aConnection, aDescriptor, aPlatform, byRepo, located, stateAfter } from '../../test/helpers/builders.js';
import type { Policy } from '../domain/platform.js';
import { plan } from '../planner/plan.js';
import { renderPlanMarkdown } from './plan-markdown.js';

const golden = (name: string) => fileURLToPath(new URL(`../../test/golden/${name}`, import.meta.url));

/** Compare with a committed golden file; `UPDATE_GOLDEN=1` rewrites it (review the diff). */
function expectGolden(name: string, actual: string): void {
  const file = golden(name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  expect(existsSync(file), `golden file ${name} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const rates = located('acme/exchange-rates', aDescriptor('exchange-rates', {
  endpoints: [{ name: 'rates-api', port: 8080, basePath: '/rates', type: 'REST', visibilities: ['Organization'] }],
  resources: [{ name: 'rates-cache', type: 'cache', plan: 'small' }],
}));
const loans = located('acme/lending-backend', aDescriptor('loans-api', {
  endpoints: [{ name: 'loans', port: 8080, basePath: '/loans', type: 'REST', visibilities: ['Organization'] }],
  resources: [{ name: 'loans-db', type: 'postgresql', plan: 'small' }],
  connections: [
    aConnection('Exchange Rates', 'service:/utility/exchange-rates/v1/rates-api/ORGANIZATION',
      { kind: 'service', project: 'utility', component: 'exchange-rates', version: 'v1', endpoint: 'rates-api', visibility: 'ORGANIZATION' }),
    aConnection('loans-db', 'database:loans-db', { kind: 'database', database: 'loans-db' }),
  ],
  deploy: { replicas: 1, env: { production: { replicas: 3 } } },
}));
const prodReplicas: Policy = { name: 'production-replicas', description: '', severity: 'error', scope: { projects: [], environments: [], productionOnly: true }, rule: { kind: 'min-replicas', min: 2 } };

describe('renderPlanMarkdown', () => {
  it('renders a first plan (golden)', () => {
    const platform = aPlatform({ policies: [prodReplicas] });

    const p = plan({ platform, known: [rates, loans], current: new Map(), projectOf: byRepo(platform) });

    expectGolden('plan-first.md', renderPlanMarkdown(p, { title: 'acme/lending-backend @ 1a2b3c4' }));
  });

  it('renders updates, retained databases and failures first (golden)', () => {
    const platform = aPlatform({ policies: [prodReplicas] });
    const first = plan({ platform, known: [rates, loans], current: new Map(), projectOf: byRepo(platform) });
    const current = stateAfter(first);
    const changed = located('acme/lending-backend', { ...loans.descriptor, resources: [], connections: [
      aConnection('broken | <b>', 'service:/utility/nowhere/v1', { kind: 'service', project: 'utility', component: 'nowhere', version: 'v1' }),
    ], deploy: { replicas: 2, env: {} } });

    const ratesScaled = located('acme/exchange-rates', { ...rates.descriptor, deploy: { replicas: 2, env: {} } });

    const p = plan({ platform, known: [ratesScaled, changed], current, projectOf: byRepo(platform) });

    const md = renderPlanMarkdown(p, { title: 'acme/lending-backend @ 5d6e7f8' });
    expect(md.indexOf('Failures')).toBeLessThan(md.indexOf('<details><summary><b>'));
    expect(md).not.toContain('<b>broken');
    expectGolden('plan-update-failures.md', md);
  });

  it('never shows secret values', () => {
    const platform = aPlatform();

    const md = renderPlanMarkdown(plan({ platform, known: [rates, loans], current: new Map(), projectOf: byRepo(platform) }));

    expect(md).toContain('`CHOREO_LOANS_DB_PASSWORD`=🔒 secret');
    expect(md).not.toContain('db/development/lending');
  });

  it('stays under the cap for a huge plan and says what was cut', () => {
    const platform = aPlatform();
    const many = Array.from({ length: 1500 }, (_, i) => located('acme/exchange-rates', aDescriptor(`svc-${i}`, {
      root: `svc-${i}`,
      endpoints: [{ name: 'api', port: 8080, basePath: '/', type: 'REST', visibilities: ['Organization'] }],
    })));

    const md = renderPlanMarkdown(plan({ platform, known: many, current: new Map(), projectOf: byRepo(platform) }), { fullPlanUrl: 'https://pave.example/runs/42' });

    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(md).toMatch(/✂️ Cut to stay under 60,000 characters: .*detail sections not shown\. The full plan: https:\/\/pave\.example\/runs\/42/);
    expect(md.startsWith('### pave plan')).toBe(true);
  });

  it('honours a smaller cap', () => {
    const platform = aPlatform();

    const md = renderPlanMarkdown(plan({ platform, known: [rates, loans], current: new Map(), projectOf: byRepo(platform) }), { maxChars: 1200 });

    expect(md.length).toBeLessThanOrEqual(1200);
    expect(md).toContain('✂️');
  });
});
