/**
 * A pull request from a fork, end to end: planned (a plan comment that says it comes from a fork
 * and is applied only after merge, and the `pave/plan` status) without touching anything secret;
 * a push to the fork is never applied, even with the App installed there; `/pave plan` re-plans it
 * the same way and `/pave apply` is refused politely. Nothing reaches a database, the state
 * repository or a `pave/deploy` status.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueCommentEvent, pullRequestEventFromDouble, pushEventFromDouble } from '../fixtures/github/index.js';
import { type Harness, INSTALLATION, startApplyHarness, waitFor } from './harness.js';

const REPO = 'acme-bank/investment-banking-backend';
const FORK = 'mallory/investment-banking-backend';
const suffix = randomBytes(3).toString('hex');
const COMPONENT = `forked-${suffix}`;
const PLAN_MARKER = '<!-- pave:plan -->';
let h: Harness;

/** Every commit of the state repository (none while it does not exist: it is created by the first apply). */
function stateCommits(): string {
  if (!existsSync(join(h.tmp, 'state.git'))) return '';
  return execFileSync('git', ['--git-dir', join(h.tmp, 'state.git'), 'log', '--all', '--format=%H %s'], { encoding: 'utf8' });
}

beforeAll(async () => {
  // The apply side is configured (a master key, a sealing certificate, admin credentials): the
  // fork must stay away from it by design, not because it is missing.
  h = await startApplyHarness(suffix);
}, 90_000);

afterAll(async () => {
  await h?.close();
});

it('plans a fork pull request without secrets, never applies it, and refuses /pave apply politely', async () => {
  const file = '.choreo/component.yaml';
  const original = readFileSync(`examples/investment-banking-backend/${file}`, 'utf8');
  const renamed = original.replace(/^component:\n  name: [^\n]+/m, `component:\n  name: ${COMPONENT}`);
  expect(renamed).not.toBe(original);
  h.github.state.forkRepo(REPO, FORK);
  const forkBefore = h.github.state.repo(FORK).refs.get('heads/main')!;
  // The contributor commits on the fork's default branch and opens a pull request from it.
  const head = h.github.state.commit(FORK, { files: { [file]: renamed }, message: 'Rename the component', author: 'mallory' });
  const pr = h.github.state.createPullRequest(REPO, { head: 'main', headRepo: FORK, author: 'mallory', title: 'Rename' });
  const stateBefore = stateCommits();

  expect((await h.deliver('pull_request', pullRequestEventFromDouble(h.github.state, REPO, pr.number, 'opened'))).status).toBe(202);

  const repo = h.github.state.repo(REPO);
  await waitFor(() => repo.statuses.some((s) => s.sha === head && s.context === 'pave/plan' && s.state !== 'pending'), 'the plan status', 60_000);
  await waitFor(() => repo.comments.some((c) => c.issueNumber === pr.number && c.body.includes(PLAN_MARKER)), 'the plan comment');
  const plan = repo.comments.find((c) => c.issueNumber === pr.number && c.body.includes(PLAN_MARKER))!;
  expect(plan.body).toContain('This pull request comes from a fork');
  expect(plan.body).toContain('applied only after it is merged');
  expect(plan.body).toContain(COMPONENT);
  expect(repo.statuses.filter((s) => s.sha === head).map((s) => s.context)).not.toContain('pave/deploy/development');

  // A push to the fork's default branch, delivered as if the App were installed on the fork too.
  const forkPush = pushEventFromDouble(h.github.state, FORK, 'main', forkBefore, { installationId: INSTALLATION, pusher: 'mallory' });
  const pushed = await h.deliver('push', forkPush);
  expect(pushed.status).toBe(202);
  expect(await pushed.json()).toMatchObject({ jobs: [], ignored: 'fork-push' });

  // `/pave plan` re-plans it the same way; `/pave apply` is refused, whoever asks.
  h.github.state.setPermission(REPO, 'maya', 'maintain');
  const replan = h.github.state.addComment(REPO, pr.number, '/pave plan', 'maya');
  const apply = h.github.state.addComment(REPO, pr.number, '/pave apply', 'maya');
  for (const c of [replan, apply]) {
    const res = await h.deliver('issue_comment', issueCommentEvent('created', {
      repo: REPO, installationId: INSTALLATION, issueNumber: pr.number, commentId: c.id, body: c.body, author: 'maya', isPullRequest: true,
    }));
    expect(res.status).toBe(202);
  }
  await waitFor(() => repo.comments.some((c) => c.issueNumber === pr.number && c.body.startsWith('Sorry @maya, `/pave apply` needs secrets')), 'the refusal');
  const refusal = repo.comments.find((c) => c.body.startsWith('Sorry @maya'))!;
  expect(refusal.body).toContain('comes from a fork');
  expect(refusal.body).toContain('only after they are merged');
  expect(apply.reactions.map((r) => r.content)).toEqual(['eyes', 'confused']);
  // The re-plan (`/pave plan` plans every component: its run id ends in `-all`) reports too.
  await waitFor(() => repo.statuses.some((s) => s.sha === head && s.context === 'pave/plan' && s.state !== 'pending' && (s.targetUrl ?? '').endsWith('-all')), 'the re-plan');
  await new Promise((r) => setTimeout(r, 1_500));

  // Still one plan comment (edited by the re-plan, still saying it is a fork), and nothing applied:
  const plans = repo.comments.filter((c) => c.issueNumber === pr.number && c.body.includes(PLAN_MARKER));
  expect(plans).toHaveLength(1);
  expect(plans[0]!.body).toContain('This pull request comes from a fork');
  // no apply job ran,
  expect(h.logs()).not.toMatch(/"kind":"apply"/);
  expect(h.logs()).not.toContain('"msg":"applied"');
  // no deploy status, no commit comment,
  expect(repo.statuses.filter((s) => s.context.startsWith('pave/deploy'))).toEqual([]);
  expect(repo.commitComments).toEqual([]);
  expect(h.github.state.repo(FORK).statuses).toEqual([]);
  // no state commit,
  expect(stateCommits()).toBe(stateBefore);
  // no database or role on the server.
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await client.connect();
  const databases = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`%${suffix}%`]);
  const roles = await client.query('SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [`%${suffix}%`]);
  await client.end();
  expect([...databases.rows, ...roles.rows]).toEqual([]);
  expect(h.github.violations).toEqual([]);
  expect(h.github.responseViolations).toEqual([]);
}, 120_000);
