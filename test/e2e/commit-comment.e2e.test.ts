/**
 * A push straight to the default branch (no pull request named in the commit message) is applied
 * like a merge, and its result is commented on the commit: exactly one sticky comment, even when
 * the report job fails after posting it and runs again.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pushEventFromDouble } from '../fixtures/github/index.js';
import { secondaryRateLimit } from '../github-double/index.js';
import { type Harness, startApplyHarness, waitFor, dropPostgresDatabasesLike } from './harness.js';

const REPO = 'acme-bank/investment-banking-backend';
const suffix = randomBytes(3).toString('hex');
const COMPONENT = `direct-${suffix}`;
const DEPLOY_MARKER = '<!-- pave:deploy -->';
const CREATE = 'POST /repos/{owner}/{repo}/commits/{commit_sha}/comments';
const UPDATE = 'PATCH /repos/{owner}/{repo}/comments/{comment_id}';
const LIST = 'GET /repos/{owner}/{repo}/commits/{commit_sha}/comments';
let h: Harness;

beforeAll(async () => {
  h = await startApplyHarness(suffix);
}, 90_000);

afterAll(async () => {
  await h?.close();
  // Databases named after this run, and their owners (whose names are hashed, so found through the database).
  await dropPostgresDatabasesLike(suffix);
});

it('applies a direct push and comments the result on the commit, once, across a retried report', async () => {
  const file = '.choreo/component.yaml';
  const original = readFileSync(`examples/investment-banking-backend/${file}`, 'utf8');
  const before = h.github.state.repo(REPO).refs.get('heads/main')!;
  const renamed = original.replace(/^component:\n  name: [^\n]+/m, `component:\n  name: ${COMPONENT}`);
  expect(renamed).not.toBe(original);
  const sha = h.github.state.commit(REPO, { files: { [file]: renamed }, message: 'Rename the component\n\nPushed straight to main.', author: 'ops' });
  const push = pushEventFromDouble(h.github.state, REPO, 'main', before, { pusher: 'ops' });
  // The report fails on its first status after the comment is posted (a secondary rate limit the
  // client gives up on), so the report job runs a second time.
  h.github.inject('POST /repos/{owner}/{repo}/statuses/{sha}', secondaryRateLimit(1), 3);
  h.github.clearRequests();

  expect((await h.deliver('push', push)).status).toBe(202);

  await waitFor(() => h.github.state.repo(REPO).statuses.some((s) => s.sha === sha && s.context === 'pave/deploy/development'), 'the deploy status', 60_000);
  const repo = h.github.state.repo(REPO);
  expect(repo.statuses.filter((s) => s.sha === sha && s.context === 'pave/deploy/development').map((s) => s.state)).toEqual(['success']);
  const comments = repo.commitComments.filter((c) => c.body.includes(DEPLOY_MARKER));
  expect(comments.map((c) => [c.commitId, c.user.login])).toEqual([[sha, 'pave-test[bot]']]);
  expect(comments[0]!.body).toContain(`### pave apply · ${REPO} @ ${sha.slice(0, 7)}`);
  expect(comments[0]!.body).toContain('✅ **Applied 1 component**');
  expect(comments[0]!.body).toContain(`\`${COMPONENT}\``);
  // The report really ran twice (two listings), and the second found its comment unchanged.
  expect(h.github.count(LIST)).toBe(2);
  expect({ creates: h.github.count(CREATE), updates: h.github.count(UPDATE) }).toEqual({ creates: 1, updates: 0 });
  // No pull request was commented.
  expect(repo.comments.filter((c) => c.body.includes(DEPLOY_MARKER))).toEqual([]);
  expect(h.github.violations).toEqual([]);
  expect(h.github.responseViolations).toEqual([]);
}, 120_000);
