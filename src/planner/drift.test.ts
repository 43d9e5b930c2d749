import { describe, expect, it } from 'vitest';
import type { ComponentPlan, DesiredState, EnvironmentPlan, Plan } from '../domain/plan.js';
import type { CurrentState } from '../domain/orphans.js';
import { driftOf } from './drift.js';
import { stateKey } from './plan.js';

const config = { pipelines: new Map([['standard', { name: 'standard', environments: ['development', 'staging'] }]]) } as unknown as Parameters<typeof driftOf>[1];

function desired(component: string, hash: string): DesiredState {
  return { project: 'shop', component, environment: 'development', configHash: hash } as unknown as DesiredState;
}
function envPlan(component: string, hash: string, extra: Partial<EnvironmentPlan> = {}): EnvironmentPlan {
  return { status: 'changes', environment: 'development', desired: desired(component, hash), actions: [], violations: [], warnings: [], ...extra } as EnvironmentPlan;
}
function component(name: string, environments: EnvironmentPlan[], extra: Partial<ComponentPlan> = {}): ComponentPlan {
  return { repo: 'acme/shop', root: name, component: name, project: 'shop', pipeline: 'standard', environments, problems: [], ...extra };
}
function plan(...components: ComponentPlan[]): Plan {
  return { components, ok: true, summary: {} as Plan['summary'] };
}

describe('drift of the first environment', () => {
  const current = new Map<string, CurrentState>([
    [stateKey('development', 'shop', 'same'), desired('same', 'aaaa1111') as CurrentState],
    [stateKey('development', 'shop', 'changed'), desired('changed', 'bbbb2222') as CurrentState],
    // Another environment's record does not count.
    [stateKey('staging', 'shop', 'fresh'), desired('fresh', 'cccc3333') as CurrentState],
  ]);

  it('compares the head desired state with what the state repository recorded, by config hash', () => {
    const drift = driftOf(plan(
      component('same', [envPlan('same', 'aaaa1111')]),
      component('changed', [envPlan('changed', 'bbbb9999')]),
      component('fresh', [envPlan('fresh', 'cccc3333')]),
    ), config, current);

    expect(drift.map((d) => [d.component, d.outcome, d.environment, d.reason])).toEqual([
      ['same', 'in-sync', 'development', 'up to date'],
      ['changed', 'drifted', 'development', 'config hash bbbb2222 → bbbb9999'],
      ['fresh', 'drifted', 'development', 'not deployed'],
    ]);
  });

  it('does not call invalid, policy-blocked or unclaimed components drift (an apply would not fix them)', () => {
    const invalid = { status: 'invalid', environment: 'development', problems: [{ message: 'bad port' }], violations: [], warnings: [] } as unknown as EnvironmentPlan;
    const drift = driftOf(plan(
      component('broken', [invalid]),
      component('blocked', [envPlan('blocked', 'x', { violations: [{ policy: 'no-public', severity: 'error', message: 'm' }] })]),
      component('warned', [envPlan('warned', 'x', { violations: [{ policy: 'soft', severity: 'warning', message: 'm' }] })]),
      component('orphan', [], { project: undefined, pipeline: undefined }),
    ), config, current);

    expect(drift.map((d) => [d.component, d.outcome])).toEqual([['broken', 'invalid'], ['blocked', 'invalid'], ['warned', 'drifted'], ['orphan', 'unmanaged']]);
    expect(drift[0]!.reason).toBe('invalid: bad port');
  });
});
