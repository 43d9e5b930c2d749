/**
 * The service end to end, in one process: signed GitHub deliveries → web → Redis → workers →
 * the GitHub double (statuses, one sticky comment), with every request the service makes checked
 * against GitHub's OpenAPI description.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCommentEvent, pullRequestEventFromDouble } from '../fixtures/github/index.js';
import { INSTALLATION, PLATFORM, SECRET, installEverything, startHarness, waitFor, type Harness } from './harness.js';

const LENDING = 'acme-bank/lending-backend';
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await installEverything(h);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const statuses = (repo: string, sha: string) => h.github.state.repo(repo).statuses.filter((s) => s.sha === sha && s.context === 'pave/plan');
const comments = (repo: string, n: number) => h.github.state.repo(repo).comments.filter((c) => c.issueNumber === n);

function openPullRequest(repo: string, branch: string, files: Record<string, string | null>) {
  h.github.state.commit(repo, { branch, files, message: `change on ${branch}` });
  return h.github.state.createPullRequest(repo, { head: branch, author: 'dev' });
}

describe('a pull request in a component repository', () => {
  let number: number;
  let headSha: string;

  it('gets a pending then a success status and one comment with the plan', async () => {
    const file = 'loans-api/.choreo/component.yaml';
    const pr = openPullRequest(LENDING, 'more-replicas', { [file]: readExample(file).replace('replicas: 3', 'replicas: 4') });
    number = pr.number;
    headSha = pr.headSha;

    const res = await h.deliver('pull_request', pullRequestEventFromDouble(h.github.state, LENDING, number, 'opened'));

    expect(res.status).toBe(202);
    await waitFor(() => statuses(LENDING, headSha).some((s) => s.state !== 'pending'), 'the final status');
    // `pending` comes first when the plan takes over 750 ms (a cold cache), else it is skipped.
    expect(statuses(LENDING, headSha).map((s) => s.state).filter((s) => s !== 'pending')).toEqual(['success']);
    expect(statuses(LENDING, headSha)[0]!.state).toMatch(/^(pending|success)$/);
    expect(statuses(LENDING, headSha).at(-1)!.targetUrl).toMatch(/^http:\/\/pave\.test\/runs\/pr-acme-bank~lending-backend-\d+-[0-9a-f]{12}$/);
    await waitFor(() => comments(LENDING, number).length === 1, 'the plan comment');
    const body = comments(LENDING, number)[0]!.body;
    expect(body).toContain('<!-- pave:plan -->');
    expect(body).toContain(`### pave plan · ${LENDING} #${number} @ ${headSha.slice(0, 7)}`);
    // Only the component whose files changed is planned.
    expect(body).toContain('`loans-api` (lending)');
    expect(body).not.toContain('`credit-scoring` (lending)');
  });

  it('edits the same comment when a new commit arrives', async () => {
    const file = 'loans-api/.choreo/component.yaml';
    h.github.state.commit(LENDING, { branch: 'more-replicas', files: { [file]: readExample(file).replace('replicas: 3', 'replicas: 5') } });
    const pr = h.github.state.syncPullRequest(LENDING, number);
    const before = headSha;
    headSha = pr.headSha;

    const res = await h.deliver('pull_request', pullRequestEventFromDouble(h.github.state, LENDING, number, 'synchronize', { before }));

    expect(res.status).toBe(202);
    await waitFor(() => comments(LENDING, number)[0]!.body.includes(`@ ${headSha.slice(0, 7)}`), 'the edited comment');
    expect(comments(LENDING, number)).toHaveLength(1);
    await waitFor(() => statuses(LENDING, headSha).some((s) => s.state === 'success'), 'the new status');
  });

  it('creates no second job for a redelivered delivery id', async () => {
    const payload = pullRequestEventFromDouble(h.github.state, LENDING, number, 'reopened');
    const id = randomUUID();

    const first = await h.deliver('pull_request', payload, { deliveryId: id });
    const again = await h.deliver('pull_request', payload, { deliveryId: id });

    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
  });

  it('serves the full plan on the run page the status links to', async () => {
    const url = statuses(LENDING, headSha).at(-1)!.targetUrl!.replace('http://pave.test', h.service!.url!);

    const page = await fetch(url);
    const json = await fetch(`${url}?format=json`).then((r) => r.json()) as { state: string; plan: { summary: { components: number } } };

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('pave run');
    expect(json.state).toBe('succeeded');
    expect(json.plan.summary.components).toBe(1);
  });
});

describe('bad input', () => {
  it('answers 401 to a bad signature and enqueues nothing', async () => {
    const payload = pullRequestEventFromDouble(h.github.state, LENDING, 1, 'opened');

    const res = await h.deliver('pull_request', payload, { secret: 'not-the-secret-' + 'y'.repeat(20) });

    expect(res.status).toBe(401);
  });

  it('fails the status and names file, line and column for an invalid descriptor', async () => {
    const repo = 'acme-bank/exchange-rates';
    const pr = openPullRequest(repo, 'broken', { '.choreo/component.yaml': 'schemaVersion: 1.2\nendpoints:\n  - name: rates-api\n    service:\n      port: 80\n    type: REST\n' });

    await h.deliver('pull_request', pullRequestEventFromDouble(h.github.state, repo, pr.number, 'opened'));

    await waitFor(() => statuses(repo, pr.headSha).some((s) => s.state === 'failure'), 'the failure status');
    await waitFor(() => comments(repo, pr.number).length === 1, 'the comment');
    expect(comments(repo, pr.number)[0]!.body).toMatch(/`\.choreo\/component\.yaml:5:13` endpoints\[0\]\.service\.port is 80/);
  });
});

describe('a pull request in the platform repository', () => {
  it('lists the components and environments the change touches', async () => {
    const pr = openPullRequest(PLATFORM, 'stricter-production', {
      'policies/production-replicas.yaml': readPlatform('policies/production-replicas.yaml').replace('min: 2', 'min: 3'),
    });

    await h.deliver('pull_request', pullRequestEventFromDouble(h.github.state, PLATFORM, pr.number, 'opened'));

    await waitFor(() => comments(PLATFORM, pr.number).length === 1, 'the platform comment');
    const body = comments(PLATFORM, pr.number)[0]!.body;
    expect(body).toContain('<!-- pave:platform-plan -->');
    expect(body).toMatch(/This change touches \*\*3 components\*\* in \*\*1 environment\*\*/);
    expect(body).toContain('`exchange-rates` (utility)');
    expect(body).toContain('`credit-scoring` (lending)');
    await waitFor(() => statuses(PLATFORM, pr.headSha).some((s) => s.state === 'failure'), 'the failure status');
  });
});

describe('commands', () => {
  it('acknowledges /pave help with a reaction and answers it', async () => {
    const pr = h.github.state.repo(LENDING).pulls.get(1)!;
    const comment = h.github.state.addComment(LENDING, pr.number, '/pave help', 'dev');

    await h.deliver('issue_comment', issueCommentEvent('created', {
      repo: LENDING, installationId: INSTALLATION, issueNumber: pr.number, commentId: comment.id, body: '/pave help', author: 'dev', isPullRequest: true,
    }));

    await waitFor(() => comments(LENDING, pr.number).some((c) => c.body.includes('**pave commands**')), 'the help reply');
    expect(h.github.state.repo(LENDING).comments.find((c) => c.id === comment.id)!.reactions.map((r) => r.content)).toContain('eyes');
  });
});

describe('hygiene', () => {
  it('made only requests that GitHub\'s OpenAPI description allows', () => {
    expect(h.github.violations).toEqual([]);
  });

  it('never logged the webhook secret, the App key or an installation token', () => {
    const logs = h.logs();

    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain(h.github.app.privateKey.split('\n')[1]!);
    expect(logs).not.toMatch(/ghs_[A-Za-z0-9_-]{10,}/); // installation tokens the double issued
  });
});

function readExample(path: string): string {
  return readFileSync(`examples/lending-backend/${path}`, 'utf8');
}
function readPlatform(path: string): string {
  return readFileSync(`platform-repo-example/${path}`, 'utf8');
}
