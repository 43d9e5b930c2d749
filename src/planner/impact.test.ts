import { describe, expect, it } from 'vitest';
import { aDescriptor, aPlatform, byRepo, located } from '../../test/helpers/builders.js';
import type { PlatformConfig, Policy } from '../domain/platform.js';
import { renderPlatformImpactMarkdown } from '../render/platform-markdown.js';
import { platformImpact } from './impact.js';
import { plan } from './plan.js';

const known = [
  located('acme/exchange-rates', aDescriptor('exchange-rates', {
    endpoints: [{ name: 'rates-api', port: 8080, basePath: '/rates', type: 'REST', visibilities: ['Organization'] }],
    deploy: { replicas: 2, env: {} },
  })),
  located('acme/interest-rates', aDescriptor('interest-rates')),
  located('acme/lending-backend', aDescriptor('loans-api', { deploy: { replicas: 3, env: {} } })),
];

function planWith(platform: PlatformConfig) {
  return plan({ platform, known, current: new Map(), projectOf: byRepo(platform) });
}

describe('platformImpact', () => {
  const base = aPlatform();

  it('finds nothing when the platform does not change what components get', () => {
    const impact = platformImpact(planWith(base), planWith(aPlatform()));

    expect(impact.touched).toEqual([]);
    expect(renderPlatformImpactMarkdown(impact)).toContain('This change touches no component');
  });

  it('lists exactly the components and environments a change touches', () => {
    const head = { ...base, environments: new Map(base.environments).set('staging', { ...base.environments.get('staging')!, gatewayHost: 'stg.example' }) };

    const impact = platformImpact(planWith(base), planWith(head));

    // Only exchange-rates has an endpoint whose URL uses the gateway host, and only in staging.
    expect(impact.touched.map((t) => t.component)).toEqual(['exchange-rates']);
    expect(impact.environments).toEqual(['staging']);
    expect(impact.touched[0]!.environments[0]!.changes).toEqual([
      { field: 'endpoints.rates-api.urls.Organization', from: 'https://internal.staging.apps.acme.example/utility/exchange-rates/rates-api', to: 'https://internal.stg.example/utility/exchange-rates/rates-api' },
    ]);
  });

  it('counts the new policy violations a change would introduce', () => {
    const policy: Policy = { name: 'prod-replicas', description: '', severity: 'error', scope: { projects: [], environments: [], productionOnly: true }, rule: { kind: 'min-replicas', min: 3 } };
    const head = aPlatform({ policies: [policy] });

    const impact = platformImpact(planWith(base), planWith(head));

    expect(impact.touched.map((t) => t.component).sort()).toEqual(['exchange-rates', 'interest-rates']);
    expect(impact.newErrorViolations.get('prod-replicas')).toBe(2);
    const md = renderPlatformImpactMarkdown(impact, { title: 'acme/platform #7' });
    expect(md).toContain('This change touches **2 components** in **1 environment**');
    expect(md).toContain('⛔ 2 would violate policy `prod-replicas`');
    expect(md.indexOf('Would break')).toBeLessThan(md.indexOf('<details>'));
  });

  it('reports components that could no longer be planned', () => {
    const head = aPlatform({ projects: [] }); // every project removed: nothing claims the repositories

    const impact = platformImpact(planWith(base), planWith(head));

    expect(impact.touched).toHaveLength(3);
    expect(impact.newlyInvalid).toBe(3);
    expect(renderPlatformImpactMarkdown(impact)).toContain('no project in the platform repository claims acme/exchange-rates');
  });

  it('treats every component as touched when there is no base plan', () => {
    const impact = platformImpact(undefined, planWith(base));

    expect(impact.touched).toHaveLength(3);
    expect(impact.pairs).toBe(9);
  });
});
