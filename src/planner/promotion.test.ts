import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pipeline } from '../domain/platform.js';
import type { Deployment, PromotionLedger, Release } from '../domain/promotion.js';
import {
  addRelease, approve, current, describeWaits, emptyLedger, evaluatePromotion, formatDuration, hold, MAX_RELEASES,
  recordDeployment, recordHealth, reject, releaseId, rollbackTarget, unhold,
} from './promotion.js';

const pipeline: Pipeline = {
  name: 'default',
  environments: ['development', 'staging', 'production'],
  promotions: [
    { from: 'development', to: 'staging', autoPromote: true, approvals: { count: 0, from: [] }, soakMinutes: 0, freezeWindows: [] },
    {
      from: 'staging', to: 'production', autoPromote: false, approvals: { count: 2, from: ['@acme/platform'] }, soakMinutes: 30,
      freezeWindows: [{ name: 'year-end', start: '2026-12-21T00:00:00Z', end: '2027-01-04T08:00:00Z' }],
    },
  ],
};

const T0 = Date.parse('2026-11-23T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const release = (sha: string, digit: string): Release => ({
  id: releaseId(sha, `reg.test/acme/api@sha256:${digit.repeat(64)}`), repo: 'acme/api', sourceSha: sha,
  image: `reg.test/acme/api@sha256:${digit.repeat(64)}`, createdAt: at(0).toISOString(), actor: 'dev',
});
const deploy = (r: Release, minutes: number, how: Deployment['how'] = 'merge'): Deployment => ({
  releaseId: r.id, configHash: `hash-${r.id}`, deployedAt: at(minutes).toISOString(), by: 'pave', how, health: 'unknown',
});

const r1 = release('1111111aaaa', 'a');
const r2 = release('2222222bbbb', 'b');

function staged(): PromotionLedger {
  let l = addRelease(emptyLedger('payments', 'api'), r1);
  l = recordDeployment(l, 'development', deploy(r1, 0));
  l = recordDeployment(l, 'staging', deploy(r1, 5, 'auto-promotion'));
  return l;
}

describe('releaseId', () => {
  it('is stable for the same sha and digest, and differs when either changes', () => {
    expect(releaseId('1111111aaaa', 'r/x@sha256:' + 'a'.repeat(64))).toBe('r-1111111-aaaaaaa');
    expect(releaseId('1111111aaaa', 'r/x@sha256:' + 'b'.repeat(64))).not.toBe(releaseId('1111111aaaa', 'r/x@sha256:' + 'a'.repeat(64)));
    expect(releaseId('1111111aaaa', 'r/x:tag')).toMatch(/^r-1111111-[0-9a-f]{7}$/);
  });
});

describe('evaluatePromotion', () => {
  it('auto-promotes development → staging at once when the gate allows it', () => {
    let l = addRelease(emptyLedger('payments', 'api'), r1);
    l = recordDeployment(l, 'development', deploy(r1, 0));
    const a = evaluatePromotion({ pipeline, ledger: l, target: 'staging', now: at(1), auto: true });
    expect(a.verdict).toEqual({ state: 'go' });
    expect(a.release?.id).toBe(r1.id);
    expect(a.source).toBe('development');
  });

  it('never auto-promotes through a manual gate', () => {
    const a = evaluatePromotion({ pipeline, ledger: staged(), target: 'production', now: at(100), auto: true });
    expect(a.verdict.state).toBe('refused');
  });

  it('production waits for soak and approvals, and says so', () => {
    const a = evaluatePromotion({ pipeline, ledger: staged(), target: 'production', now: at(23), auto: false });
    expect(a.verdict.state).toBe('wait');
    if (a.verdict.state !== 'wait') throw new Error('unreachable');
    expect(describeWaits(a.verdict.reasons)).toBe('soak: 12 min left; approvals 0/2 (@acme/platform)');
    expect(a.verdict.retryAt).toBeUndefined(); // approvals missing: no point re-checking on a timer only
  });

  it('counts each approver once and goes when soaked and approved', () => {
    let l = staged();
    l = approve(l, r1.id, 'production', { by: 'alice', at: at(10).toISOString() });
    l = approve(l, r1.id, 'production', { by: 'ALICE', at: at(11).toISOString() });
    const one = evaluatePromotion({ pipeline, ledger: l, target: 'production', now: at(40), auto: false });
    expect(one.verdict.state === 'wait' && describeWaits(one.verdict.reasons)).toBe('approvals 1/2 (@acme/platform)');
    l = approve(l, r1.id, 'production', { by: 'bob', at: at(12).toISOString() });
    expect(evaluatePromotion({ pipeline, ledger: l, target: 'production', now: at(40), auto: false }).verdict).toEqual({ state: 'go' });
    // Approvals are per release: a new release in staging needs its own.
    l = addRelease(l, r2);
    l = recordDeployment(l, 'development', deploy(r2, 41));
    l = recordDeployment(l, 'staging', deploy(r2, 42));
    const next = evaluatePromotion({ pipeline, ledger: l, target: 'production', now: at(100), auto: false });
    expect(next.verdict.state === 'wait' && describeWaits(next.verdict.reasons)).toBe('approvals 0/2 (@acme/platform)');
  });

  it('waits out a freeze window and re-checks when it ends', () => {
    let l = staged();
    l = approve(approve(l, r1.id, 'production', { by: 'a', at: at(0).toISOString() }), r1.id, 'production', { by: 'b', at: at(0).toISOString() });
    const a = evaluatePromotion({ pipeline, ledger: l, target: 'production', now: new Date('2026-12-25T12:00:00Z'), auto: false });
    expect(a.verdict).toEqual({ state: 'wait', reasons: [{ kind: 'freeze', window: 'year-end', until: '2027-01-04T08:00:00Z' }], retryAt: '2027-01-04T08:00:00.000Z' });
    expect(a.verdict.state === 'wait' && describeWaits(a.verdict.reasons)).toBe('freeze year-end until 2027-01-04 08:00 UTC');
  });

  it('re-checks after the soak time when only time is missing', () => {
    let l = addRelease(emptyLedger('payments', 'api'), r1);
    l = recordDeployment(l, 'development', deploy(r1, 0));
    const soaking: Pipeline = { ...pipeline, promotions: [{ ...pipeline.promotions[0]!, soakMinutes: 15 }, pipeline.promotions[1]!] };
    const a = evaluatePromotion({ pipeline: soaking, ledger: l, target: 'staging', now: at(5), auto: true });
    expect(a.verdict).toEqual({ state: 'wait', reasons: [{ kind: 'soak', source: 'development', remainingMs: 10 * 60_000 }], retryAt: at(15).toISOString() });
  });

  it('refuses rejected releases, unknown ones, and the first environment; waits when nothing runs in the source', () => {
    const l = staged();
    expect(evaluatePromotion({ pipeline, ledger: reject(l, r1.id, { by: 'sec', at: at(1).toISOString(), reason: 'CVE' }), target: 'production', now: at(100), auto: false }).verdict)
      .toEqual({ state: 'refused', refusal: { kind: 'rejected', by: 'sec', reason: 'CVE' } });
    expect(evaluatePromotion({ pipeline, ledger: l, target: 'production', releaseId: 'r-nope', now: at(100), auto: false }).verdict.state).toBe('refused');
    expect(evaluatePromotion({ pipeline, ledger: l, target: 'development', now: at(100), auto: false }).verdict.state).toBe('refused');
    expect(evaluatePromotion({ pipeline, ledger: l, target: 'qa', now: at(100), auto: false }).verdict.state).toBe('refused');
    const empty = evaluatePromotion({ pipeline, ledger: emptyLedger('p', 'c'), target: 'staging', now: at(1), auto: true });
    expect(empty.verdict).toEqual({ state: 'wait', reasons: [{ kind: 'source-not-deployed', source: 'development' }] });
  });

  it('refuses what already runs in the target (a retried promotion is a no-op) and blocks on an unhealthy source', () => {
    const l = staged();
    expect(evaluatePromotion({ pipeline, ledger: l, target: 'staging', now: at(10), auto: true }).verdict)
      .toEqual({ state: 'refused', refusal: { kind: 'already-deployed', releaseId: r1.id } });
    const sick = recordHealth(l, 'staging', r1.id, 'unhealthy');
    const a = evaluatePromotion({ pipeline, ledger: sick, target: 'production', now: at(100), auto: false });
    expect(a.verdict.state === 'wait' && a.verdict.reasons[0]).toEqual({ kind: 'source-unhealthy', source: 'staging' });
  });

  it('a hold stops auto-promotion only', () => {
    let l = addRelease(emptyLedger('payments', 'api'), r1);
    l = recordDeployment(l, 'development', deploy(r1, 0));
    l = hold(l, 'staging', { by: 'ops', at: at(0).toISOString(), reason: 'rollback' });
    const auto = evaluatePromotion({ pipeline, ledger: l, target: 'staging', now: at(1), auto: true });
    expect(auto.verdict.state === 'wait' && describeWaits(auto.verdict.reasons)).toContain('held by @ops');
    expect(evaluatePromotion({ pipeline, ledger: l, target: 'staging', now: at(1), auto: false }).verdict).toEqual({ state: 'go' });
    expect(evaluatePromotion({ pipeline, ledger: unhold(l, 'staging'), target: 'staging', now: at(1), auto: true }).verdict).toEqual({ state: 'go' });
  });

  it('refuses to promote a release that no longer runs in the source', () => {
    let l = staged();
    l = addRelease(l, r2);
    l = recordDeployment(l, 'staging', deploy(r2, 50));
    const a = evaluatePromotion({ pipeline, ledger: l, target: 'production', releaseId: r1.id, now: at(200), auto: false });
    expect(a.verdict.state === 'refused' && a.verdict.refusal.kind).toBe('not-next');
  });
});

describe('rollbackTarget', () => {
  it('picks the previous release, skipping rejected ones, or the named one', () => {
    const r3 = release('3333333cccc', 'c');
    let l = staged();
    for (const [r, m] of [[r2, 50], [r3, 60]] as const) {
      l = addRelease(l, r);
      l = recordDeployment(l, 'staging', deploy(r, m));
    }
    expect(rollbackTarget(l, 'staging')).toEqual({ release: r2 });
    expect(rollbackTarget(reject(l, r2.id, { by: 'x', at: at(0).toISOString(), reason: 'bad' }), 'staging')).toEqual({ release: r1 });
    expect(rollbackTarget(l, 'staging', r1.id)).toEqual({ release: r1 });
    expect(rollbackTarget(l, 'staging', r3.id)).toMatchObject({ error: expect.stringContaining('already runs') });
    expect(rollbackTarget(l, 'production')).toMatchObject({ error: expect.stringContaining('nothing runs') });
    expect(rollbackTarget(l, 'staging', 'r-0000000-0000000')).toMatchObject({ error: expect.stringContaining('never ran') });
  });
});

describe('ledger updates', () => {
  it('are idempotent', () => {
    const l = staged();
    expect(addRelease(l, r1)).toBe(l);
    expect(recordDeployment(l, 'staging', deploy(r1, 99))).toBe(l);
    const h = hold(l, 'staging', { by: 'a', at: 'x', reason: 'r' });
    expect(hold(h, 'staging', { by: 'b', at: 'y', reason: 's' })).toBe(h);
    expect(unhold(l, 'staging')).toBe(l);
    const j = reject(l, r1.id, { by: 'a', at: 'x', reason: 'r' });
    expect(reject(j, r1.id, { by: 'b', at: 'y', reason: 's' })).toBe(j);
  });

  it('stay bounded and never drop a release that a deployment refers to', () => {
    let l = emptyLedger('p', 'c');
    const first = release('0000000beef', 'f');
    l = addRelease(l, first);
    l = recordDeployment(l, 'production', deploy(first, 0));
    for (let i = 0; i < MAX_RELEASES + 20; i++) {
      const r = release(i.toString(16).padStart(11, '0'), (i % 10).toString());
      l = addRelease(l, { ...r, id: `r-${i}` });
      l = recordDeployment(l, 'development', { ...deploy(r, i), releaseId: `r-${i}` });
    }
    expect(l.releases.length).toBeLessThanOrEqual(MAX_RELEASES);
    expect(l.releases.some((r) => r.id === first.id)).toBe(true);
    expect(current(l, 'production')?.releaseId).toBe(first.id);
    expect(l.deployments.development!.length).toBe(50);
  });

  it('never throws on arbitrary histories and always answers with a known verdict', () => {
    const step = fc.oneof(
      fc.record({ op: fc.constant('deploy' as const), env: fc.constantFrom('development', 'staging', 'production'), r: fc.integer({ min: 0, max: 4 }), m: fc.integer({ min: 0, max: 500 }) }),
      fc.record({ op: fc.constant('approve' as const), env: fc.constantFrom('staging', 'production'), r: fc.integer({ min: 0, max: 4 }), who: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ op: fc.constant('reject' as const), r: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ op: fc.constant('hold' as const), env: fc.constantFrom('staging', 'production') }),
    );
    fc.assert(fc.property(fc.array(step, { maxLength: 30 }), fc.integer({ min: 0, max: 1000 }), fc.boolean(), fc.constantFrom('staging', 'production', 'development'), (steps, now, auto, target) => {
      const rs = [0, 1, 2, 3, 4].map((i) => release(`${i}`.repeat(11), `${i}`));
      let l = emptyLedger('p', 'c');
      for (const s of steps) {
        const r = 'r' in s ? rs[s.r]! : rs[0]!;
        if (s.op === 'deploy') l = recordDeployment(addRelease(l, r), s.env, deploy(r, s.m));
        else if (s.op === 'approve') l = approve(l, r.id, s.env, { by: s.who, at: 'x' });
        else if (s.op === 'reject') l = reject(l, r.id, { by: 'x', at: 'x', reason: 'x' });
        else l = hold(l, s.env, { by: 'x', at: 'x', reason: 'x' });
      }
      const a = evaluatePromotion({ pipeline, ledger: l, target, now: at(now), auto });
      expect(['go', 'wait', 'refused']).toContain(a.verdict.state);
      if (a.verdict.state === 'wait') expect(describeWaits(a.verdict.reasons).length).toBeGreaterThan(0);
    }), { numRuns: 300 });
  });
});

describe('formatDuration', () => {
  it('rounds up so a wait never reads zero', () => {
    expect(formatDuration(1)).toBe('1 s');
    expect(formatDuration(61_000)).toBe('2 min');
    expect(formatDuration(65 * 60_000)).toBe('1 h 05 min');
  });
});
