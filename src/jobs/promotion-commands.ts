/**
 * The promotion commands, commented on a pull request or issue of a component's repository:
 *
 * | command | who (read from the platform repository's default branch) |
 * |---|---|
 * | `/pave promote <env> [release] [component]` | project owners, the target gate's approvers, platform admins |
 * | `/pave approve <env> [release] [component]` | the target gate's approvers (project owners when it names none); not the release's own author |
 * | `/pave rollback <env> [release] [component]` | project owners, platform admins |
 * | `/pave unhold <env> [component]` | project owners, platform admins |
 * | `/pave reject <release> [component] [-- reason]` | project owners, any gate's approvers, platform admins |
 *
 * `release` is a release id (`r-1a2b3c4-5d6e7f8`); without one, a command on a merged pull
 * request means the release built from it, else the release running in the environment before
 * `env`. `component` is needed only when the repository holds several.
 * Each decision is committed to the component's promotion ledger (the audit trail); the work
 * itself (deploying) is a `promote` job, so a command's reply never waits for a deploy.
 */
import { findProject } from '../config/platform/index.js';
import type { ComponentDescriptor } from '../domain/component.js';
import type { PlatformConfig, Project } from '../domain/platform.js';
import type { PromotionLedger, Release } from '../domain/promotion.js';
import {
  approve, current, describeWaits, evaluatePromotion, findRelease, gateInto, hold, reject, rollbackTarget, unhold,
} from '../planner/promotion.js';
import { escapeText } from '../render/markdown.js';
import type { RunCommand } from '../queue/jobs.js';
import type { JobContext, JobDeps, RepositoryPorts } from './context.js';
import { readLedger, updateLedger } from './ledger.js';

export const PROMOTION_VERBS = ['promote', 'approve', 'rollback', 'unhold', 'reject'] as const;
export type PromotionVerb = (typeof PROMOTION_VERBS)[number];

export const PROMOTION_HELP_ROWS = [
  '| `/pave promote <env> [release] [component]` | move the release (default: this PR\'s, else what runs in the previous environment) into `env` through its gates | project owners, the gate\'s approvers, platform admins |',
  '| `/pave approve <env> [release] [component]` | approve promoting the release into `env` (counted once per person and release) | the gate\'s approvers |',
  '| `/pave rollback <env> [release] [component]` | pin an earlier release in `env` (default: the previous one) and hold auto-promotion into it | project owners, platform admins |',
  '| `/pave unhold <env> [component]` | let auto-promotion into `env` resume | project owners, platform admins |',
  '| `/pave reject <release> [component] [-- reason]` | keep a release from being promoted anywhere | project owners, approvers, platform admins |',
];

const RELEASE_ID = /^r-[0-9a-f]{7}-[0-9a-f]{7}$/;

export interface ParsedPromotionCommand {
  readonly verb: PromotionVerb;
  readonly environment?: string;
  readonly releaseId?: string;
  readonly component?: string;
  readonly reason?: string;
}

/** Parse the words after the verb; an error says what is wrong and shows the usage. */
export function parsePromotionCommand(verb: PromotionVerb, args: readonly string[]): ParsedPromotionCommand | { error: string } {
  const dash = args.indexOf('--');
  const words = dash >= 0 ? args.slice(0, dash) : [...args];
  const reason = dash >= 0 ? args.slice(dash + 1).join(' ').slice(0, 300) : undefined;
  const usage = PROMOTION_HELP_ROWS.find((r) => r.startsWith(`| \`/pave ${verb} `))!.split('|')[1]!.trim();
  const out: { verb: PromotionVerb; environment?: string; releaseId?: string; component?: string; reason?: string } = { verb, ...(reason ? { reason } : {}) };
  if (verb !== 'reject') {
    const env = words.shift();
    if (!env || RELEASE_ID.test(env)) return { error: `name the environment: ${usage}` };
    out.environment = env;
  }
  for (const w of words) {
    if (!/^[A-Za-z0-9_.-]{1,100}$/.test(w)) return { error: `\`${w.slice(0, 40).replace(/`/g, "'")}\` is neither a release id nor a component name. Usage: ${usage}` };
    if (RELEASE_ID.test(w) && !out.releaseId && verb !== 'unhold') out.releaseId = w;
    else if (!out.component && !RELEASE_ID.test(w)) out.component = w;
    else return { error: `too many arguments. Usage: ${usage}` };
  }
  if (verb === 'reject' && !out.releaseId) return { error: `name the release to reject: ${usage}` };
  return out;
}

interface Target {
  readonly descriptor: ComponentDescriptor;
  readonly project: Project;
}

export async function runPromotionCommand(deps: JobDeps, ports: RepositoryPorts, job: RunCommand, verb: PromotionVerb, args: readonly string[], ctx: JobContext): Promise<void> {
  const reply = (text: string) => ports.comments.reply(job.repo, job.issueNumber, text);
  const refuse = async (text: string) => {
    await ports.comments.react(job.repo, job.commentId, 'confused');
    await reply(text);
  };
  const apply = deps.apply;
  if (!apply) return refuse(`@${job.author} promotion is not configured on this pave (no state repository or secret key).`);
  const parsed = parsePromotionCommand(verb, args);
  if ('error' in parsed) return refuse(`@${job.author} ${parsed.error}`);
  const platform = await deps.platform(job.installationId).current();
  if (!platform.result.ok) return refuse(`@${job.author} the platform repository is invalid, so nothing can be promoted until it is fixed.`);
  const config = platform.result.config;

  const target = await pickComponent(deps, config, job.repo, parsed.component);
  if ('error' in target) return refuse(`@${job.author} ${target.error}`);
  const { descriptor, project } = target;
  const pipeline = config.pipelines.get(project.pipeline)!;
  const env = parsed.environment;
  if (env !== undefined && !pipeline.environments.includes(env)) {
    return refuse(`@${job.author} \`${escapeText(env)}\` is not an environment of the ${pipeline.name} pipeline (${pipeline.environments.join(' → ')}).`);
  }
  const gate = env ? gateInto(pipeline, env) : undefined;
  const gateApprovers = gate && 'gate' in gate ? gate.gate.approvals.from : [];
  const admins = platformAdmins(config);
  const allowedBy: Record<PromotionVerb, readonly string[]> = {
    promote: [...project.owners, ...gateApprovers, ...admins],
    approve: gateApprovers.length > 0 ? gateApprovers : project.owners,
    rollback: [...project.owners, ...admins],
    unhold: [...project.owners, ...admins],
    reject: [...project.owners, ...pipeline.promotions.flatMap((g) => g.approvals.from), ...admins],
  };
  const allowed = [...new Set(allowedBy[verb])];
  if (!(await isAnyOf(ports, allowed, job.author))) {
    ctx.logger.info({ repo: job.repo, author: job.author, verb }, 'promotion command refused');
    return refuse(`Sorry @${job.author}, \`/pave ${verb}\`${env ? ` into ${escapeText(env)}` : ''} is for ${allowed.length > 0 ? allowed.join(', ') : 'nobody yet (the platform repository names no one)'}. (Permissions come from the platform repository's default branch.)`);
  }

  const ledger = await readLedger(apply.state, project.name, descriptor.name);
  const owner = `command-${job.commentId}-${job.deliveryId}`;
  const who = `${project.name}/${descriptor.name}`;
  const base = { ...(job.installationId ? { installationId: job.installationId } : {}), deliveryId: job.deliveryId, receivedAt: job.receivedAt, repo: job.repo, project: project.name, component: descriptor.name };
  const now = deps.clock.now().toISOString();

  switch (verb) {
    case 'promote': {
      const releaseId = parsed.releaseId ?? releaseOfPullRequest(ledger, job)?.id;
      if (releaseId && !findRelease(ledger, releaseId)) return refuse(`@${job.author} there is no release \`${escapeText(releaseId)}\` of ${who}.`);
      await deps.enqueue([{ ...base, kind: 'promote', target: env!, ...(releaseId ? { releaseId } : {}), how: 'promotion', requestedBy: job.author }]);
      await reply(`@${job.author} promoting ${releaseId ? `\`${releaseId}\`` : `what runs before ${env}`} of ${who} into **${escapeText(env!)}**: pave checks the gates now; the deploy comment and the \`pave/deploy/${env}\` status follow.`);
      return;
    }
    case 'approve': {
      const release = pickRelease(ledger, job, env!, gate && 'source' in gate ? gate.source : undefined, parsed.releaseId);
      if ('error' in release) return refuse(`@${job.author} ${release.error}`);
      const r = release.release;
      if (r.actor.toLowerCase() === job.author.toLowerCase()) return refuse(`@${job.author} you merged \`${r.id}\` yourself; another approver has to approve it.`);
      const { ledger: after } = await updateLedger(apply, project.name, descriptor.name, owner,
        `approve ${who} ${r.id} into ${env} by ${job.author}\n\nComment: ${job.repo}#${job.issueNumber}\n`,
        (l) => approve(l, r.id, env!, { by: job.author, at: now }));
      const answer = evaluatePromotion({ pipeline, ledger: after, target: env!, releaseId: r.id, now: deps.clock.now(), auto: false });
      const have = after.approvals[r.id]?.[env!]?.length ?? 0;
      const need = gate && 'gate' in gate ? gate.gate.approvals.count : 0;
      const pending = after.pending[env!];
      if (pending && pending.releaseId === r.id) {
        await deps.enqueue([{ ...base, kind: 'promote', target: env!, releaseId: r.id, how: 'promotion', requestedBy: pending.by }]);
      }
      const state = answer.verdict.state === 'go' ? (pending ? 'all gates pass: promoting now.' : `all gates pass: \`/pave promote ${env}\` moves it.`)
        : answer.verdict.state === 'wait' ? `still waiting: ${describeWaits(answer.verdict.reasons)}.` : '';
      await reply(`@${job.author} approval recorded for \`${r.id}\` of ${who} into **${escapeText(env!)}** (${have}/${need}); ${state}`);
      return;
    }
    case 'rollback': {
      const picked = rollbackTarget(ledger, env!, parsed.releaseId);
      if ('error' in picked) return refuse(`@${job.author} cannot roll back ${who} in ${escapeText(env!)}: ${picked.error}.`);
      await updateLedger(apply, project.name, descriptor.name, owner,
        `hold ${who} in ${env} (rollback to ${picked.release.id} by ${job.author})\n\nComment: ${job.repo}#${job.issueNumber}\n`,
        (l) => hold(l, env!, { by: job.author, at: now, reason: `rollback to ${picked.release.id}` }));
      await deps.enqueue([{ ...base, kind: 'promote', target: env!, releaseId: picked.release.id, how: 'rollback', requestedBy: job.author }]);
      await reply(`@${job.author} rolling ${who} in **${escapeText(env!)}** back to \`${picked.release.id}\` (built from \`${picked.release.sourceSha.slice(0, 7)}\`). Auto-promotion into ${escapeText(env!)} is held until \`/pave unhold ${env}\`.`);
      return;
    }
    case 'unhold': {
      if (!ledger.holds[env!]) return reply(`@${job.author} ${escapeText(env!)} is not held for ${who}; nothing to do.`);
      await updateLedger(apply, project.name, descriptor.name, owner, `unhold ${who} in ${env} by ${job.author}\n\nComment: ${job.repo}#${job.issueNumber}\n`, (l) => unhold(l, env!));
      const auto = gate && 'gate' in gate && gate.gate.autoPromote;
      if (auto) await deps.enqueue([{ ...base, kind: 'promote', target: env!, how: 'auto-promotion', requestedBy: 'pave' }]);
      await reply(`@${job.author} auto-promotion into **${escapeText(env!)}** resumed for ${who}.${auto ? ' pave checks whether a newer release can move now.' : ''}`);
      return;
    }
    case 'reject': {
      const r = findRelease(ledger, parsed.releaseId!);
      if (!r) return refuse(`@${job.author} there is no release \`${escapeText(parsed.releaseId!)}\` of ${who}.`);
      await updateLedger(apply, project.name, descriptor.name, owner, `reject ${who} ${r.id} by ${job.author}\n\nReason: ${parsed.reason ?? '(none given)'}\nComment: ${job.repo}#${job.issueNumber}\n`,
        (l) => reject(l, r.id, { by: job.author, at: now, reason: parsed.reason ?? 'no reason given' }));
      await reply(`@${job.author} \`${r.id}\` of ${who} is rejected: it will not be promoted anywhere. Environments it already runs in keep it until a newer release or a rollback.`);
      return;
    }
  }
}

/** Platform administrators, when the platform repository names them (`admins` in platform.yaml). */
function platformAdmins(config: PlatformConfig): readonly string[] {
  return (config.settings as { readonly admins?: readonly string[] }).admins ?? [];
}

async function pickComponent(deps: JobDeps, config: PlatformConfig, repo: string, name: string | undefined): Promise<Target | { error: string }> {
  const indexed = await deps.index.get(repo);
  const components = indexed?.components ?? [];
  if (components.length === 0) return { error: `pave knows no component in ${repo} yet (it learns them from the default branch).` };
  const matches = name ? components.filter((c) => c.name === name) : components;
  if (matches.length === 0) return { error: `${repo} has no component \`${escapeText(name!)}\`; it has ${components.map((c) => `\`${c.name}\``).join(', ')}.` };
  if (matches.length > 1) return { error: `${repo} holds several components (${components.map((c) => `\`${c.name}\``).join(', ')}): name one.` };
  const descriptor = matches[0]!;
  const project = findProject(config, repo, descriptor.root);
  if (!project || !config.pipelines.has(project.pipeline)) return { error: `no project in the platform repository claims ${repo}${descriptor.root ? `/${descriptor.root}` : ''}.` };
  return { descriptor, project };
}

/** The newest release built from this pull request's merge, when the command is on one. */
function releaseOfPullRequest(ledger: PromotionLedger, job: RunCommand): Release | undefined {
  if (!job.isPullRequest) return undefined;
  return [...ledger.releases].reverse().find((r) => r.repo.toLowerCase() === job.repo.toLowerCase() && r.pullRequest === job.issueNumber);
}

/** The release an approval is for: named; else this PR's; else the pending request's; else what runs in the source. */
function pickRelease(ledger: PromotionLedger, job: RunCommand, env: string, source: string | undefined, named: string | undefined): { release: Release } | { error: string } {
  if (named) {
    const r = findRelease(ledger, named);
    return r ? { release: r } : { error: `there is no release \`${escapeText(named)}\` of ${ledger.project}/${ledger.component}.` };
  }
  const fromPr = releaseOfPullRequest(ledger, job);
  if (fromPr) return { release: fromPr };
  const pending = ledger.pending[env];
  if (pending) {
    const r = findRelease(ledger, pending.releaseId);
    if (r) return { release: r };
  }
  const running = source ? current(ledger, source) : undefined;
  const r = running ? findRelease(ledger, running.releaseId) : undefined;
  return r ? { release: r } : { error: `name the release to approve (nothing of ${ledger.project}/${ledger.component} is waiting for ${escapeText(env)}).` };
}

/** Whether `login` is one of `principals` (`@org/team` or a user login, with or without `@`). */
export async function isAnyOf(ports: Pick<RepositoryPorts, 'directory'>, principals: readonly string[], login: string): Promise<boolean> {
  for (const p of principals) {
    const name = p.replace(/^@/, '');
    if (name.includes('/') ? await ports.directory.isTeamMember(name, login) : name.toLowerCase() === login.toLowerCase()) return true;
  }
  return false;
}
