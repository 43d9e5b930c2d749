/**
 * GitHub misbehaving while pave reports, end to end (signed delivery → web → Redis → worker → the
 * GitHub double): 5xx answers, secondary and primary rate limits (403), 429s and slow responses
 * on the calls a report makes (the comment listing, the comment, the statuses). Every plan still
 * ends with its one comment and its success status — late, but there — the run itself succeeds
 * (reports are retried as jobs of their own, never by re-running the plan), and no job fails for
 * good. Each fault is checked to have been served, so the test cannot pass by missing it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEventFromDouble } from '../fixtures/github/index.js';
import { primaryRateLimit, secondaryRateLimit, serverError, tooManyRequests, type Fault } from '../github-double/faults.js';
import type { OperationKey } from '../github-double/openapi.js';
import { installEverything, startHarness, waitFor, type Harness } from './harness.js';

const REPO = 'acme-bank/lending-backend';
const FILE = 'loans-api/.choreo/component.yaml';
const LIST: OperationKey = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments';
const COMMENT: OperationKey = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments';
const STATUS: OperationKey = 'POST /repos/{owner}/{repo}/statuses/{sha}';
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await installEverything(h);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const FAULTS: { name: string; faults: () => [OperationKey, Fault, number][]; status: number }[] = [
  // Four 502s outlast the client's three retries: the report job itself is retried (its own queue).
  { name: '502s on the comment, beyond the client retries', faults: () => [[COMMENT, serverError(502), 4]], status: 502 },
  { name: '503s on the statuses and a 500 on the comment listing', faults: () => [[STATUS, serverError(503), 2], [LIST, serverError(500), 1]], status: 503 },
  { name: 'a secondary rate limit (403, retry-after)', faults: () => [[COMMENT, secondaryRateLimit(1), 2], [STATUS, secondaryRateLimit(1), 2]], status: 403 },
  { name: 'a primary rate limit (403, x-ratelimit-remaining: 0)', faults: () => [[COMMENT, primaryRateLimit(Math.floor(Date.now() / 1000) + 2), 1]], status: 403 },
  { name: '429 Too Many Requests', faults: () => [[COMMENT, tooManyRequests(1), 2], [STATUS, tooManyRequests(1), 1]], status: 429 },
  { name: 'slow answers (3 s each)', faults: () => [[LIST, { delayMs: 3_000 }, 1], [COMMENT, { delayMs: 3_000 }, 1], [STATUS, { delayMs: 3_000 }, 2]], status: 0 },
];

describe('GitHub faults while reporting a plan', () => {
  let n = 0;
  it.each(FAULTS)('$name: the report arrives late, once, and the run succeeds', async ({ faults, status }) => {
    const branch = `faults-${++n}`;
    h.github.state.commit(REPO, { branch, files: { [FILE]: readFileSync(`examples/lending-backend/${FILE}`, 'utf8').replace('replicas: 3', `replicas: ${3 + n}`) } });
    const pr = h.github.state.createPullRequest(REPO, { head: branch, author: 'dev' });
    h.github.clearRequests();
    h.github.clearFaults();
    for (const [operation, fault, times] of faults()) h.github.inject(operation, fault, times);
    const started = Date.now();

    expect((await h.deliver('pull_request', pullRequestEventFromDouble(h.github.state, REPO, pr.number, 'opened'))).status).toBe(202);

    const finals = () => h.github.state.repo(REPO).statuses.filter((s) => s.sha === pr.headSha && s.context === 'pave/plan' && s.state !== 'pending');
    const comments = () => h.github.state.repo(REPO).comments.filter((c) => c.issueNumber === pr.number);
    await waitFor(() => finals().length > 0 && comments().length > 0, 'the report, late', 60_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(finals().map((s) => s.state)).toEqual(['success']);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.body).toContain(`@ ${pr.headSha.slice(0, 7)}`);
    // The faults were served (not skipped), and waited out rather than dropped.
    if (status > 0) expect(h.github.requests.filter((q) => q.status === status).length).toBeGreaterThan(0);
    else expect(Date.now() - started).toBeGreaterThan(3_000);
    const url = finals()[0]!.targetUrl!.replace('http://pave.test', h.service!.url!);
    const run = await fetch(`${url}?format=json`).then((r) => r.json()) as { state: string };
    expect(run.state).toBe('succeeded');
    expect(h.logs()).not.toContain('job failed for good');
  }, 90_000);
});
