/**
 * Promotion, end to end with the GitHub double, real Redis, real PostgreSQL and the state
 * repository, on the example pipeline (development → staging automatically; staging → production
 * manually, after 30 minutes of soak and one approval from @acme-bank/platform):
 *
 * merge → development → auto-promoted to staging with the same image; `/pave promote production`
 * by a stranger → refused politely; by an owner → waits and says for what ("soak: 30 min left;
 * approvals 0/1"); the merger's own approval → refused; after the soak time another approver's
 * approval → promoted, the same image pinned with production's configuration (its own database);
 * a second merge reaches staging; `/pave rollback staging` → the first release pinned again and
 * auto-promotion held (a third merge stops at development and says so); `/pave unhold staging` →
 * the newest release moves on. Every decision is a commit in the state repository.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromotionLedger } from '../../src/domain/promotion.js';
import { issueCommentEvent, pushEventFromDouble } from '../fixtures/github/index.js';
import { INSTALLATION, installEverything, LOCAL_ENVIRONMENTS_ENV, localEnvironmentFiles, startHarness, waitFor, dropPostgresDatabasesLike, type Harness } from './harness.js';

const REPO = 'acme-bank/investment-banking-backend';
const FILE = '.choreo/component.yaml';
const suffix = randomBytes(3).toString('hex');
const COMPONENT = `portfolio-${suffix}`;
const PROJECT = 'investment-banking';
let now = Date.parse('2026-11-23T10:00:00Z');
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    clock: { now: () => new Date(now) },
    platformFiles: localEnvironmentFiles(),
    env: { ...LOCAL_ENVIRONMENTS_ENV, PAVE_MARKET_DATA_SANDBOX_KEY: `md-sandbox-${suffix}`, PAVE_MARKET_DATA_PROD_KEY: `md-prod-${suffix}` },
    masterKey: randomBytes(32),
  });
  h.github.state.addTeamMember('acme-bank', 'platform', 'alice');
  h.github.state.addTeamMember('acme-bank', 'platform', 'bob');
  h.github.state.addTeamMember('acme-bank', 'investment-banking', 'olu');
  await installEverything(h);
}, 90_000);

afterAll(async () => {
  if (process.env.PAVE_TEST_LOG) (await import('node:fs')).writeFileSync(process.env.PAVE_TEST_LOG, h.logs());
  await h?.close();
  await dropPostgresDatabasesLike(suffix);
});

function git(args: string[]): string {
  return execFileSync('git', ['--git-dir', join(h.tmp, 'state.git'), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}
const dir = (env: string) => `environments/${env}/${PROJECT}/${COMPONENT}`;
const releaseIn = (env: string) => JSON.parse(git(['show', `main:${dir(env)}/release.json`])) as { sourceSha: string; image: string; releaseId: string; configHash: string };
const ledger = () => JSON.parse(git(['show', `main:promotion/${PROJECT}/${COMPONENT}.json`])) as PromotionLedger;
const lastStatus = (sha: string, env: string) => h.github.state.repo(REPO).statuses.filter((s) => s.sha === sha && s.context === `pave/deploy/${env}`).at(-1);
const repliesTo = (pr: number, login: string) => h.github.state.repo(REPO).comments.filter((c) => c.issueNumber === pr && c.body.includes(`@${login}`) && !c.body.startsWith('/pave'));

/** Merge a change (a PR by `author`, merged by `merger`) and deliver the push; returns the merge sha and PR number. */
async function merge(change: string, merger = 'alice'): Promise<{ sha: string; pr: number }> {
  const original = readFileSync(`examples/investment-banking-backend/${FILE}`, 'utf8');
  const body = original.replace(/^component:\n  name: [^\n]+/m, `component:\n  name: ${COMPONENT}`).replace('replicas: 1\n', `replicas: 1\n  vars: { CHANGE: "${change}" }\n`);
  const before = h.github.state.repo(REPO).refs.get('heads/main')!;
  h.github.state.commit(REPO, { branch: `change-${change}`, files: { [FILE]: body } });
  const pr = h.github.state.createPullRequest(REPO, { head: `change-${change}`, author: 'dev' });
  h.github.state.commit(REPO, { files: { [FILE]: body }, message: `Merge pull request #${pr.number} from acme-bank/change-${change}\n\n${change}` });
  const sha = h.github.state.repo(REPO).refs.get('heads/main')!;
  expect((await h.deliver('push', pushEventFromDouble(h.github.state, REPO, 'main', before, { pusher: merger }))).status).toBe(202);
  return { sha, pr: pr.number };
}

async function command(pr: number, body: string, author: string): Promise<void> {
  const c = h.github.state.addComment(REPO, pr, body, author);
  const res = await h.deliver('issue_comment', issueCommentEvent('created', {
    repo: REPO, installationId: INSTALLATION, issueNumber: pr, commentId: c.id, body, author, isPullRequest: true,
  }));
  expect(res.status).toBe(202);
}

async function settled(sha: string, env: string, state: string, what = `${env} ${state}`): Promise<void> {
  await waitFor(() => lastStatus(sha, env)?.state === state, what, 60_000);
}

let first: { sha: string; pr: number };
let second: { sha: string; pr: number };

describe('promotion', () => {
  it('deploys a merge to development and auto-promotes the same image to staging', async () => {
    first = await merge('one');
    await settled(first.sha, 'development', 'success');
    await settled(first.sha, 'staging', 'success');
    const dev = releaseIn('development');
    const staging = releaseIn('staging');
    expect(staging.image).toBe(dev.image);
    expect(staging.releaseId).toBe(dev.releaseId);
    expect(staging.sourceSha).toBe(first.sha);
    expect(staging.configHash).not.toBe(dev.configHash); // the target's own configuration
    const l = ledger();
    expect(l.deployments.staging!.at(-1)).toMatchObject({ releaseId: dev.releaseId, how: 'auto-promotion' });
    expect(git(['log', '--format=%s', 'main'])).toMatch(/auto-promotion .*to staging/);
    // Staging's own database exists on the server.
    expect(git(['show', `main:${dir('staging')}/desired.json`])).toContain('_staging');
  }, 90_000);

  it('refuses /pave promote production from a stranger, politely', async () => {
    await command(first.pr, '/pave promote production', 'mallory');
    await waitFor(() => repliesTo(first.pr, 'mallory').length > 0, 'the refusal');
    const reply = repliesTo(first.pr, 'mallory')[0]!.body;
    expect(reply).toMatch(/^Sorry @mallory, `\/pave promote` into production is for /);
    expect(reply).toContain('@acme-bank/investment-banking');
    expect(lastStatus(first.sha, 'production')).toBeUndefined();
  }, 90_000);

  it('makes production wait for soak and an approval, and says so', async () => {
    now += 10 * 60_000; // 10 minutes after staging got it
    await command(first.pr, '/pave promote production', 'olu');
    await settled(first.sha, 'production', 'pending');
    expect(lastStatus(first.sha, 'production')!.description).toMatch(/waiting: soak: 2\d min left; approvals 0\/1 \(@acme-bank\/platform\)/);
    const comment = h.github.state.repo(REPO).comments.find((c) => c.issueNumber === first.pr && c.body.includes('<!-- pave:deploy -->'))!;
    expect(comment.body).toMatch(/\*\*production\*\*: waiting: soak: 2\d min left; approvals 0\/1/);
    expect(ledger().pending.production).toMatchObject({ by: 'olu' });
  }, 90_000);

  it('refuses the merger\'s own approval, then promotes after the soak time and another approval', async () => {
    await command(first.pr, '/pave approve production', 'alice');
    await waitFor(() => repliesTo(first.pr, 'alice').some((c) => c.body.includes('yourself')), 'the self-approval refusal');
    now += 25 * 60_000; // soak passed
    await command(first.pr, '/pave approve production', 'bob');
    await settled(first.sha, 'production', 'success');
    const prod = releaseIn('production');
    expect(prod.image).toBe(releaseIn('staging').image);
    expect(prod.releaseId).toBe(releaseIn('staging').releaseId);
    const l = ledger();
    expect(l.approvals[prod.releaseId]!.production!.map((a) => a.by)).toEqual(['bob']);
    expect(l.pending.production).toBeUndefined();
    expect(git(['show', `main:${dir('production')}/manifests.yaml`])).toMatch(/replicas: 3/); // production's configuration
  }, 90_000);

  it('rolls staging back to the previous release and holds auto-promotion until unheld', async () => {
    second = await merge('two');
    await settled(second.sha, 'staging', 'success');
    const r2 = releaseIn('staging').releaseId;
    const r1 = ledger().deployments.development![0]!.releaseId;
    expect(r2).not.toBe(r1);

    await command(second.pr, '/pave rollback staging', 'olu');
    await waitFor(() => releaseIn('staging').releaseId === r1, 'staging rolled back');
    expect(ledger().holds.staging).toMatchObject({ by: 'olu' });
    expect(ledger().deployments.staging!.at(-1)).toMatchObject({ releaseId: r1, how: 'rollback' });

    const third = await merge('three');
    await settled(third.sha, 'development', 'success');
    await settled(third.sha, 'staging', 'pending');
    expect(lastStatus(third.sha, 'staging')!.description).toContain('held by @olu');
    expect(releaseIn('staging').releaseId).toBe(r1);

    await command(third.pr, '/pave unhold staging', 'olu');
    await settled(third.sha, 'staging', 'success');
    expect(releaseIn('staging').sourceSha).toBe(third.sha);
    expect(ledger().holds.staging).toBeUndefined();
  }, 90_000);

  it('keeps a rejected release out of production', async () => {
    const r3 = releaseIn('staging').releaseId;
    await command(second.pr, `/pave reject ${r3} -- breaks the ledger export`, 'bob');
    await waitFor(() => ledger().rejected[r3] !== undefined, 'the rejection');
    await command(second.pr, `/pave promote production ${r3}`, 'olu');
    const sha = releaseIn('staging').sourceSha;
    await settled(sha, 'production', 'failure');
    expect(lastStatus(sha, 'production')!.description).toContain('rejected by @bob');
  }, 90_000);

  it('made only requests GitHub\'s OpenAPI description allows, and no job failed', () => {
    expect(h.github.violations).toEqual([]);
    expect(h.logs()).not.toMatch(/"msg":"job failed"/);
  });
});
