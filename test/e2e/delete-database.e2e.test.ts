/**
 * Orphans and their explicit deletion, end to end with the GitHub double and the real local
 * PostgreSQL: a merge that removes a database → `orphans.json` written, the database still on the
 * server → the next pull request's plan shows it retained → `/pave delete-database …` refused to a
 * stranger, refused to an administrator with the wrong confirmation, then carried out: database
 * and role gone from the server, the orphan entry and its password removed in a new state commit
 * that names the actor and links the comment, one reply; a redelivered comment changes nothing.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OrphanFile } from '../../src/domain/orphans.js';
import { pullRequestEventFromDouble, pushEventFromDouble } from '../fixtures/github/index.js';
import { issueCommentEvent } from '../fixtures/github/webhook-payloads.js';
import { type Harness, INSTALLATION, startApplyHarness, waitFor, dropPostgresDatabasesLike } from './harness.js';

const REPO = 'acme-bank/investment-banking-backend';
const FILE = '.choreo/component.yaml';
const suffix = randomBytes(3).toString('hex');
const COMPONENT = `ledger-${suffix}`;
const DIR = `environments/development/investment-banking/${COMPONENT}`;
const AUDIT_REF = `db/development/investment-banking/${COMPONENT}/audit-db`;
let h: Harness;

function git(args: string[]): string {
  return execFileSync('git', ['--git-dir', join(h.tmp, 'state.git'), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

async function pgRows(sql: string, params: unknown[]): Promise<unknown[]> {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  h = await startApplyHarness(suffix);
}, 90_000);

afterAll(async () => {
  await h?.close();
  // Databases named after this run, and their owners (whose names are hashed, so found through the database).
  await dropPostgresDatabasesLike(suffix);
});

/** Merge `text` as the descriptor on main and wait for its deploy status. */
async function merge(text: string, title: string): Promise<string> {
  const before = h.github.state.repo(REPO).refs.get('heads/main')!;
  h.github.state.commit(REPO, { files: { [FILE]: text }, message: title, author: 'dev' });
  const sha = h.github.state.repo(REPO).refs.get('heads/main')!;
  expect((await h.deliver('push', pushEventFromDouble(h.github.state, REPO, 'main', before))).status).toBe(202);
  await waitFor(() => h.github.state.repo(REPO).statuses.some((s) => s.sha === sha && s.context === 'pave/deploy/development' && s.state !== 'pending'), `the deploy status of ${title}`, 60_000);
  expect(h.github.state.repo(REPO).statuses.filter((s) => s.sha === sha && s.context === 'pave/deploy/development').at(-1)!.state).toBe('success');
  return sha;
}

const replies = (issue: number) => h.github.state.repo(REPO).comments.filter((c) => c.issueNumber === issue && c.user.login !== 'mallory' && c.user.login !== 'ops-olga');

/** Comment `body` as `author` and deliver it; resolves with the comment id. */
async function command(issue: number, body: string, author: string, isPullRequest: boolean, deliveryId?: string, commentId?: number, status = 202): Promise<number> {
  const id = commentId ?? h.github.state.addComment(REPO, issue, body, author).id;
  const res = await h.deliver('issue_comment', issueCommentEvent('created', { repo: REPO, installationId: INSTALLATION, issueNumber: issue, commentId: id, body, author, isPullRequest }),
    deliveryId ? { deliveryId } : {});
  expect(res.status).toBe(status);
  return id;
}

it('keeps a removed database as an orphan, shows it retained, and deletes it only on an administrator\'s confirmed command', async () => {
  const original = readFileSync(`examples/investment-banking-backend/${FILE}`, 'utf8');
  const renamed = original.replace(/^component:\n  name: [^\n]+/m, `component:\n  name: ${COMPONENT}`);
  const withAudit = renamed.replace('    plan: medium\n', '    plan: medium\n  - name: audit-db\n    type: postgresql\n    plan: small\n');
  expect(withAudit).not.toBe(renamed);

  await merge(withAudit, 'Add an audit database');
  const desired = JSON.parse(git(['show', `main:${DIR}/desired.json`])) as { databases: { name: string; database: string; user: string }[] };
  const audit = desired.databases.find((d) => d.name === 'audit-db')!;
  expect(await pgRows('SELECT 1 FROM pg_database WHERE datname = $1', [audit.database])).toHaveLength(1);

  // 1. The merge that removes it: recorded as an orphan in the same commit; the data stays.
  const removedAt = await merge(renamed, 'Drop the audit database from the descriptor');
  const orphans = JSON.parse(git(['show', `main:${DIR}/orphans.json`])) as OrphanFile;
  expect(orphans.databases).toEqual([expect.objectContaining({ name: 'audit-db', engine: 'postgresql', database: audit.database, user: audit.user, host: '127.0.0.1', port: 5432, sourceSha: removedAt, actor: expect.any(String) as string, since: expect.any(String) as string })]);
  expect(git(['show', '--name-only', '--format=', 'main'])).toContain(`${DIR}/orphans.json`);
  expect(await pgRows('SELECT 1 FROM pg_database WHERE datname = $1', [audit.database])).toHaveLength(1);
  expect(Object.keys(JSON.parse(git(['show', `main:secrets/development/investment-banking/${COMPONENT}.json`])) as object)).toContain(AUDIT_REF);

  // 2. The next pull request's plan still shows it, retained.
  h.github.state.commit(REPO, { branch: 'tweak', files: { [FILE]: `${renamed}# a comment\n` } });
  const pr = h.github.state.createPullRequest(REPO, { head: 'tweak', author: 'dev' });
  expect((await h.deliver('pull_request', pullRequestEventFromDouble(h.github.state, REPO, pr.number, 'opened'))).status).toBe(202);
  await waitFor(() => replies(pr.number).some((c) => c.body.includes('<!-- pave:plan -->') && c.body.includes(COMPONENT)), 'the plan comment', 30_000);
  const planText = replies(pr.number).find((c) => c.body.includes('<!-- pave:plan -->'))!.body;
  expect(planText).toMatch(/⏸ retain \| database \| `audit-db` \| retained since \d{4}-\d\d-\d\dT/);
  expect(planText).toContain(`/pave delete-database development ${COMPONENT} audit-db --confirm ${audit.database}`);

  // 3. A stranger is refused, politely, and told who may.
  const ask = `/pave delete-database development ${COMPONENT} audit-db --confirm ${audit.database}`;
  await command(pr.number, ask, 'mallory', true);
  await waitFor(() => replies(pr.number).some((c) => c.body.startsWith('Sorry @mallory')), 'the refusal');
  expect(replies(pr.number).find((c) => c.body.startsWith('Sorry @mallory'))!.body).toContain('@acme-bank/platform-team');

  // 4. An administrator (platform team member) with the wrong confirmation, on an issue.
  h.github.state.addTeamMember('acme-bank', 'platform-team', 'ops-olga');
  const issue = h.github.state.createIssue(REPO, { title: 'Retire the audit database', author: 'ops-olga' });
  await command(issue, `/pave delete-database development ${COMPONENT} audit-db --confirm audit-db`, 'ops-olga', false);
  await waitFor(() => replies(issue).some((c) => c.body.includes('does not match')), 'the confirmation refusal');
  expect(replies(issue).find((c) => c.body.includes('does not match'))!.body).toContain(`\`${audit.database}\``);
  expect(await pgRows('SELECT 1 FROM pg_database WHERE datname = $1', [audit.database])).toHaveLength(1);

  // 5. The right confirmation: gone from the server, from the state repository, one reply.
  const commitsBefore = Number(git(['rev-list', '--count', 'main']).trim());
  const commentId = await command(issue, ask, 'ops-olga', false, `delivery-${suffix}`);
  const deleted = () => replies(issue).filter((c) => c.body.includes('<!-- pave:delete-database:'));
  await waitFor(() => deleted().length > 0, 'the deletion reply', 30_000);
  expect(deleted()[0]!.body).toContain('dropped database');
  expect(await pgRows('SELECT 1 FROM pg_database WHERE datname = $1', [audit.database])).toEqual([]);
  expect(await pgRows('SELECT 1 FROM pg_roles WHERE rolname = $1', [audit.user])).toEqual([]);
  expect(Number(git(['rev-list', '--count', 'main']).trim())).toBe(commitsBefore + 1);
  const message = git(['log', '-1', '--format=%B', 'main']);
  expect(message).toContain('delete database audit-db');
  expect(message).toContain('ops-olga');
  expect(message).toContain(`#issuecomment-${commentId}`);
  const after = JSON.parse(git(['show', `main:${DIR}/orphans.json`])) as OrphanFile;
  expect(after.databases).toEqual([]);
  expect(after.deleted).toEqual([expect.objectContaining({ name: 'audit-db', deletedBy: 'ops-olga', requestId: commentId })]);
  const secrets = JSON.parse(git(['show', `main:secrets/development/investment-banking/${COMPONENT}.json`])) as object;
  expect(Object.keys(secrets)).not.toContain(AUDIT_REF);
  expect(Object.keys(secrets)).toContain(`db/development/investment-banking/${COMPONENT}/portfolio-db`);

  // 6. The same comment delivered again: no second deletion, commit or reply. The identical body under
  // another delivery id is a replay the ingress recognizes (200); one that differs in a byte (a trailing
  // space: the same command) reaches the job, which finds the deletion done.
  const repliesBefore = replies(issue).length;
  await command(issue, ask, 'ops-olga', false, `replay-${suffix}`, commentId, 200);
  await command(issue, `${ask} `, 'ops-olga', false, `redelivery-${suffix}`, commentId);
  await new Promise((r) => setTimeout(r, 2_000));
  expect(Number(git(['rev-list', '--count', 'main']).trim())).toBe(commitsBefore + 1);
  expect(replies(issue)).toHaveLength(repliesBefore);
  expect(deleted()).toHaveLength(1);

  // 7. And the next plan no longer lists it.
  h.github.state.commit(REPO, { branch: 'tweak', files: { [FILE]: `${renamed}# another comment\n` } });
  h.github.state.syncPullRequest(REPO, pr.number);
  expect((await h.deliver('pull_request', pullRequestEventFromDouble(h.github.state, REPO, pr.number, 'synchronize'))).status).toBe(202);
  const head = h.github.state.repo(REPO).pulls.get(pr.number)!.headSha;
  await waitFor(() => replies(pr.number).some((c) => c.body.includes('<!-- pave:plan -->') && c.body.includes(head.slice(0, 7))), 'the new plan', 30_000);
  expect(replies(pr.number).find((c) => c.body.includes('<!-- pave:plan -->'))!.body).not.toContain('audit-db');
}, 180_000);
