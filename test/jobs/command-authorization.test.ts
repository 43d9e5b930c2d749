/**
 * The authorization matrix of every `/pave` command: command × role × environment, through the
 * job handler with the GitHub double (the real GitHub adapter: permissions and team memberships
 * asked over HTTP), the index and leases in real Redis and a real state repository (the ledger).
 *
 * Allowed: no polite refusal, and the command's effect (a job, a ledger commit or its reply).
 * Refused: the refusal names who may, a 😕 reaction, nothing enqueued, the state repository untouched.
 * Plus: on an open fork pull request every command that needs secrets is refused for everyone
 * (`/pave plan` plans it as a fork); and only newly created comments are commands at all.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentBudget } from '../../src/adapters/github/index.js';
import { createLocalStateRepository } from '../../src/adapters/git/local-state-repository.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { PromotionLedger } from '../../src/domain/promotion.js';
import type { JobContext, JobDeps } from '../../src/jobs/context.js';
import { handleJob } from '../../src/jobs/handle-job.js';
import { ledgerPath } from '../../src/jobs/ledger.js';
import { createApplyPorts } from '../../src/main/apply-ports.js';
import type { JobRequest } from '../../src/queue/jobs.js';
import { routeEvent } from '../../src/webhooks/route-event.js';
import { anIssueCommentEvent } from '../fixtures/webhooks/payloads.js';
import { INSTALLATION, useGitHubHarness } from '../github-double/adapter-harness.js';
import { filesFromDirectory } from '../github-double/index.js';
import { testJobDeps } from '../helpers/job-deps.js';
import { testRedis } from '../helpers/redis.js';

const ORG = 'acme-bank';
const PLATFORM = `${ORG}/platform`;
const REPO = `${ORG}/investment-banking-backend`;
const PROJECT = 'investment-banking';
const COMPONENT = 'investment-banking-backend';
const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
type Env = (typeof ENVIRONMENTS)[number];
const OLD = 'r-1111111-aaaaaaa';
const NEW = 'r-2222222-bbbbbbb';

/** Who comments, and what makes them so (the example platform repository decides the rest). */
const ROLES = {
  stranger: 'stranger-sam',
  'repo writer': 'writer-wen',
  'project owner user': 'm-okafor', // projects/investment-banking.yaml: owners ["@acme-bank/investment-banking", "@m-okafor"]
  'project owner team member': 'ib-ike', // @acme-bank/investment-banking
  'gate approver': 'gate-gus', // @acme-bank/platform approves staging → production
  'platform admin': 'admin-ada', // platform.yaml admins: ["@acme-bank/platform-team"]
  "the release's own author": 'author-ann', // merged NEW; a writer and a gate approver too
} as const;
type Role = keyof typeof ROLES;
const ALL_ROLES = Object.keys(ROLES) as Role[];
const OWNERS: Role[] = ['project owner user', 'project owner team member'];

/**
 * Who may run each command (README "Commands"). `approve` by the release's author is refused for
 * that reason alone (self-approval), so it is listed separately.
 */
function allowed(verb: string, env: Env | undefined): Role[] {
  const approvers: Role[] = ['gate approver', "the release's own author"];
  switch (verb) {
    case 'plan': return ['repo writer', ...OWNERS, "the release's own author"];
    case 'help': case 'frobnicate': return ALL_ROLES;
    case 'promote': return [...OWNERS, 'platform admin', ...(env === 'production' ? approvers : [])];
    // The gate into production names approvers; the others name none, so project owners approve.
    case 'approve': return env === 'production' ? ['gate approver'] : OWNERS;
    case 'rollback': case 'unhold': return [...OWNERS, 'platform admin'];
    case 'reject': return [...OWNERS, ...approvers, 'platform admin'];
    case 'delete-database': return ['platform admin'];
    default: throw new Error(verb);
  }
}

function commandLine(verb: string, env: Env | undefined): string {
  switch (verb) {
    case 'promote': return `promote ${env} ${NEW}`;
    case 'approve': return `approve ${env} ${NEW}`;
    case 'rollback': return `rollback ${env}`;
    case 'unhold': return `unhold ${env}`;
    case 'reject': return `reject ${NEW} -- broken`;
    case 'delete-database': return `delete-database ${env} ${COMPONENT} old-db --confirm investment_banking_old_db_${env}`;
    default: return verb;
  }
}

const r = testRedis();
const h = useGitHubHarness();
const ctx: JobContext = { logger: silentLogger, willRetry: () => false };
const enqueued: JobRequest[] = [];
let deps: JobDeps;
let tmp: string;
let state: ReturnType<typeof createLocalStateRepository>;
let pr: { number: number; headSha: string; baseSha: string };
let forkPr: { number: number };
let seq = 0;

/** NEW (merged by author-ann from `pr`) runs everywhere after OLD; every environment is held. */
function seedLedger(): PromotionLedger {
  const at = '2026-11-20T10:00:00.000Z';
  const deployment = (releaseId: string) => ({ releaseId, configHash: 'c0ffee', deployedAt: at, by: 'pave', how: 'promotion' as const, health: 'healthy' as const });
  return {
    project: PROJECT, component: COMPONENT,
    releases: [
      { id: OLD, repo: REPO, sourceSha: '1111111'.padEnd(40, '1'), image: 'registry.test/ib@sha256:' + 'a'.repeat(64), createdAt: at, actor: 'someone' },
      { id: NEW, repo: REPO, sourceSha: '2222222'.padEnd(40, '2'), image: 'registry.test/ib@sha256:' + 'b'.repeat(64), createdAt: at, pullRequest: 1, actor: ROLES["the release's own author"] },
    ],
    deployments: Object.fromEntries(ENVIRONMENTS.map((e) => [e, [deployment(OLD), deployment(NEW)]])),
    approvals: {},
    holds: Object.fromEntries(ENVIRONMENTS.map((e) => [e, { by: 'someone', at, reason: 'rollback drill' }])),
    rejected: {},
    pending: {},
  };
}

const SEED = JSON.stringify(seedLedger(), null, 2) + '\n';
async function resetLedger(): Promise<string> {
  return state.commit({ [ledgerPath(PROJECT, COMPONENT)]: SEED }, 'test: reset the ledger', { name: 'test', email: 'test@example.com' });
}

beforeAll(async () => {
  const gh = h.github.state;
  gh.addInstallation(INSTALLATION + 1, ORG);
  gh.createRepo(PLATFORM, { installationId: INSTALLATION, files: filesFromDirectory('platform-repo-example') });
  gh.createRepo(REPO, { installationId: INSTALLATION, files: filesFromDirectory(join('examples', 'investment-banking-backend')) });
  gh.setPermission(REPO, ROLES['repo writer'], 'write');
  gh.setPermission(REPO, ROLES["the release's own author"], 'write');
  gh.addTeamMember(ORG, 'investment-banking', ROLES['project owner team member']);
  gh.addTeamMember(ORG, 'platform', ROLES['gate approver']);
  gh.addTeamMember(ORG, 'platform', ROLES["the release's own author"]);
  gh.addTeamMember(ORG, 'platform-team', ROLES['platform admin']);
  gh.commit(REPO, { branch: 'feature', files: { 'README.md': 'a change\n' }, author: ROLES["the release's own author"] });
  pr = gh.createPullRequest(REPO, { head: 'feature', author: ROLES["the release's own author"] });
  expect(pr.number).toBe(1);
  gh.forkRepo(REPO, 'mallory/investment-banking-backend');
  gh.commit('mallory/investment-banking-backend', { branch: 'evil', files: { 'README.md': 'from a fork\n' }, author: 'mallory' });
  forkPr = gh.createPullRequest(REPO, { head: 'evil', headRepo: 'mallory/investment-banking-backend', author: 'mallory' });

  tmp = await mkdtemp(join(tmpdir(), 'pave-authz-'));
  state = createLocalStateRepository({ dir: join(tmp, 'state.git') });
  await resetLedger();
  // Some 500 comments and reactions in a minute: more than GitHub's content-creation budget allows.
  const ports = h.build({ budget: new ContentBudget({ perMinute: 100_000, perHour: 100_000 }) }).forInstallation(INSTALLATION);
  deps = testJobDeps({
    ports: ports, platformRepo: PLATFORM, redis: r, enqueued: enqueued,
    apply: createApplyPorts({ masterKey: randomBytes(32), state, redis: r.redis, keyPrefix: r.prefix, env: {} }),
  });
  await handleJob(deps, { kind: 'index-repo', installationId: INSTALLATION, deliveryId: 'd-index', receivedAt: 0, repo: REPO }, ctx);
  expect((await deps.index.get(REPO))?.components.map((c) => c.name)).toEqual([COMPONENT]);
});

afterAll(async () => {
  await r.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

async function head(): Promise<string> {
  return (await state.readFiles(ledgerPath(PROJECT, COMPONENT))).get(ledgerPath(PROJECT, COMPONENT)) ?? '';
}

/** Post `/pave <line>` as `login` on `issue`, run the command job; the replies, reactions, jobs and whether the ledger changed. */
async function run(login: string, line: string, issue = pr.number) {
  if ((await head()) !== SEED) await resetLedger();
  const comment = h.github.state.addComment(REPO, issue, `/pave ${line}`, login);
  const before = h.github.state.repo(REPO).comments.length;
  enqueued.length = 0;
  await handleJob(deps, {
    kind: 'command', installationId: INSTALLATION, deliveryId: `d-authz-${++seq}`, receivedAt: 0,
    repo: REPO, issueNumber: issue, isPullRequest: true, commentId: comment.id, author: login, command: line,
  }, ctx);
  return {
    replies: h.github.state.repo(REPO).comments.slice(before).map((c) => c.body),
    reactions: comment.reactions.map((x) => x.content),
    jobs: [...enqueued],
    ledgerChanged: (await head()) !== SEED,
  };
}

const VERBS_BY_ENVIRONMENT = ['promote', 'approve', 'rollback', 'unhold', 'delete-database'];
const CASES = [
  ...['plan', 'help', 'frobnicate', 'reject'].flatMap((verb) => ALL_ROLES.map((role) => ({ verb, role, env: undefined as Env | undefined }))),
  ...VERBS_BY_ENVIRONMENT.flatMap((verb) => ENVIRONMENTS.flatMap((env) => ALL_ROLES.map((role) => ({ verb, role, env: env as Env | undefined })))),
];

describe('the authorization matrix', () => {
  it.each(CASES)('/pave $verb $env by $role', async ({ verb, role, env }) => {
    const login = ROLES[role];
    const may = allowed(verb, env).includes(role);
    const self = verb === 'approve' && env === 'production' && role === "the release's own author";

    const out = await run(login, commandLine(verb, env));

    expect(out.reactions[0]).toBe('eyes');
    expect(out.replies.length, 'at most one reply').toBeLessThanOrEqual(1);
    const reply = out.replies[0] ?? '';
    if (!may) {
      if (self) expect(reply).toBe(`@${login} you merged \`${NEW}\` yourself; another approver has to approve it.`);
      else expect(reply).toMatch(new RegExp(`^Sorry @${login}, \`/pave ${verb}\`.* is for .+\\(Permissions come from the platform repository's default branch\\.\\)$`));
      expect(out.reactions).toEqual(['eyes', 'confused']);
      expect(out.jobs).toEqual([]);
      expect(out.ledgerChanged).toBe(false);
      return;
    }
    expect(reply).not.toMatch(/^Sorry @/);
    expect(reply).not.toContain('yourself');
    switch (verb) {
      case 'plan':
        expect(out.jobs).toEqual([expect.objectContaining({ kind: 'plan-pr', repo: REPO, prNumber: pr.number, all: true })]);
        break;
      case 'help':
        expect(reply).toContain('**pave commands**');
        expect(out.jobs).toEqual([]);
        break;
      case 'frobnicate':
        expect(reply).toMatch(new RegExp(`^@${login} I don't know \`/pave frobnicate\``));
        expect(out.jobs).toEqual([]);
        break;
      case 'promote':
        expect(out.jobs).toEqual([expect.objectContaining({ kind: 'promote', target: env, releaseId: NEW, how: 'promotion', requestedBy: login })]);
        break;
      case 'approve':
        expect(reply).toMatch(new RegExp(`^@${login} approval recorded for \`${NEW}\``));
        expect(out.ledgerChanged).toBe(true);
        break;
      case 'rollback':
        // Every environment is held already (for unhold), so the hold it records changes nothing.
        expect(reply).toMatch(new RegExp(`^@${login} rolling ${PROJECT}/${COMPONENT} in \\*\\*${env}\\*\\* back to \`${OLD}\``));
        expect(out.jobs).toEqual([expect.objectContaining({ kind: 'promote', target: env, releaseId: OLD, how: 'rollback', requestedBy: login })]);
        break;
      case 'unhold':
        expect(reply).toMatch(/auto-promotion into \*\*\w+\*\* resumed/);
        expect(out.ledgerChanged).toBe(true);
        break;
      case 'reject':
        expect(reply).toContain(`\`${NEW}\` of ${PROJECT}/${COMPONENT} is rejected`);
        expect(out.ledgerChanged).toBe(true);
        break;
      case 'delete-database':
        // Past authorization: the state repository records no such orphan, so nothing is deleted.
        expect(reply).toMatch(new RegExp(`^@${login} nothing was deleted: `));
        expect(out.jobs).toEqual([]);
        break;
    }
  });

  it('covers every command of the help text', () => {
    const verbs = new Set(CASES.map((c) => c.verb));
    for (const verb of ['plan', 'promote', 'approve', 'rollback', 'unhold', 'reject', 'delete-database', 'help']) expect(verbs.has(verb)).toBe(true);
  });
});

describe('on an open pull request from a fork', () => {
  const needsSecrets = ['promote', 'approve', 'rollback'];
  it.each(needsSecrets.flatMap((verb) => ALL_ROLES.map((role) => ({ verb, role }))))('/pave $verb by $role is refused: it needs secrets', async ({ verb, role }) => {
    const out = await run(ROLES[role], commandLine(verb, 'staging'), forkPr.number);

    expect(out.replies).toHaveLength(1);
    expect(out.replies[0]).toMatch(new RegExp(`^Sorry @${ROLES[role]}, \`/pave ${verb}\` needs secrets, and this pull request comes from a fork`));
    expect(out.jobs).toEqual([]);
    expect(out.ledgerChanged).toBe(false);
  });

  it.each(['repo writer', 'project owner user'] as Role[])('/pave plan by a %s plans it as a fork (no secrets, no build)', async (role) => {
    const out = await run(ROLES[role], 'plan', forkPr.number);

    expect(out.jobs).toEqual([expect.objectContaining({ kind: 'plan-pr', prNumber: forkPr.number, fromFork: true })]);
  });

  it('/pave plan by a stranger is refused there too', async () => {
    const out = await run(ROLES.stranger, 'plan', forkPr.number);

    expect(out.replies[0]).toMatch(/^Sorry @stranger-sam, `\/pave plan` is for /);
    expect(out.jobs).toEqual([]);
  });
});

describe('comments that are not newly posted', () => {
  const ctxRoute = { platformRepo: PLATFORM, botLogins: ['pave[bot]'], deliveryId: 'd', receivedAt: 0 };
  it.each(['promote production', 'approve production', 'delete-database production x y --confirm z', 'plan'])('an edit to `/pave %s` runs nothing, whoever edits', (command) => {
    const edited = anIssueCommentEvent({ action: 'edited', body: `/pave ${command}`, previousBody: 'looks good', login: ROLES['gate approver'] });
    const deleted = anIssueCommentEvent({ action: 'deleted', body: `/pave ${command}`, login: ROLES['gate approver'] });

    expect(routeEvent('issue_comment', edited, ctxRoute)).toEqual({ jobs: [], ignored: 'comment-edited' });
    expect(routeEvent('issue_comment', deleted, ctxRoute)).toEqual({ jobs: [], ignored: 'unsupported-action' });
    expect(routeEvent('issue_comment', anIssueCommentEvent({ body: `/pave ${command}`, login: ROLES['gate approver'] }), ctxRoute).jobs).toHaveLength(1);
  });
});
