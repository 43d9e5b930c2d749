/**
 * Conversation and reporting: issue comments (list with pagination, create, get, update,
 * delete), reactions on comments, commit comments (list, create, update), commit statuses,
 * collaborator permission.
 */
import { actor, error, type Handler, type HandlerContext, notFound, paginate, validationFailed, visibleRepo } from './context.js';
import { commentJson, commitCommentJson, reactionJson, statusJson, userJson } from './shapes.js';
import type { CommentState, CommitCommentState, RepoState } from './state.js';

/** GitHub's limit on comment bodies, in characters. */
export const MAX_COMMENT_LENGTH = 65_536;

function bodyField(ctx: HandlerContext, name: string): unknown {
  return ctx.body && typeof ctx.body === 'object' ? (ctx.body as Record<string, unknown>)[name] : undefined;
}

function commentOf(ctx: HandlerContext): { repo: RepoState; comment: CommentState } | undefined {
  const repo = visibleRepo(ctx);
  const comment = repo?.comments.find((c) => c.id === Number(ctx.params.comment_id));
  return repo && comment ? { repo, comment } : undefined;
}

function tooLong(body: string): boolean {
  return [...body].length > MAX_COMMENT_LENGTH;
}

const listComments: Handler = (ctx) => {
  const repo = visibleRepo(ctx);
  const number = Number(ctx.params.issue_number);
  if (!repo || !repo.issues.has(number)) return notFound();
  const since = ctx.query.since ? Date.parse(ctx.query.since) : Number.NEGATIVE_INFINITY;
  const comments = repo.comments.filter((c) => c.issueNumber === number && Date.parse(c.updatedAt) >= since);
  const page = paginate(ctx, `/repos/${repo.fullName}/issues/${number}/comments`, comments);
  return { status: 200, body: page.items.map((c) => commentJson(ctx.api, repo, c)), headers: page.headers };
};

const createComment: Handler = (ctx) => {
  const repo = visibleRepo(ctx);
  const number = Number(ctx.params.issue_number);
  if (!repo || !repo.issues.has(number)) return notFound();
  const body = String(bodyField(ctx, 'body') ?? '');
  if (tooLong(body)) return validationFailed('IssueComment', 'body', `body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`);
  const now = ctx.state.now().toISOString();
  const comment: CommentState = { id: ctx.state.id(), issueNumber: number, body, user: actor(ctx), createdAt: now, updatedAt: now, reactions: [] };
  repo.comments.push(comment);
  return { status: 201, body: commentJson(ctx.api, repo, comment), headers: { location: `${ctx.api}/repos/${repo.fullName}/issues/comments/${comment.id}` } };
};

const getComment: Handler = (ctx) => {
  const found = commentOf(ctx);
  return found ? { status: 200, body: commentJson(ctx.api, found.repo, found.comment) } : notFound();
};

const updateComment: Handler = (ctx) => {
  const found = commentOf(ctx);
  if (!found) return notFound();
  const body = String(bodyField(ctx, 'body') ?? '');
  if (tooLong(body)) return validationFailed('IssueComment', 'body', `body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`);
  found.comment.body = body;
  found.comment.updatedAt = ctx.state.now().toISOString();
  return { status: 200, body: commentJson(ctx.api, found.repo, found.comment) };
};

const deleteComment: Handler = (ctx) => {
  const found = commentOf(ctx);
  if (!found) return notFound();
  found.repo.comments.splice(found.repo.comments.indexOf(found.comment), 1);
  return { status: 204 };
};

const listReactions: Handler = (ctx) => {
  const found = commentOf(ctx);
  if (!found) return notFound();
  const reactions = found.comment.reactions.filter((r) => !ctx.query.content || r.content === ctx.query.content);
  const page = paginate(ctx, `/repos/${found.repo.fullName}/issues/comments/${found.comment.id}/reactions`, reactions);
  return { status: 200, body: page.items.map((r) => reactionJson(ctx.api, r)), headers: page.headers };
};

const createReaction: Handler = (ctx) => {
  const found = commentOf(ctx);
  if (!found) return notFound();
  const content = String(bodyField(ctx, 'content'));
  const user = actor(ctx);
  const existing = found.comment.reactions.find((r) => r.content === content && r.user.id === user.id);
  // GitHub answers 200 with the existing reaction when the same user reacts the same way again.
  if (existing) return { status: 200, body: reactionJson(ctx.api, existing) };
  const reaction = { id: ctx.state.id(), content, user, createdAt: ctx.state.now().toISOString() };
  found.comment.reactions.push(reaction);
  return { status: 201, body: reactionJson(ctx.api, reaction) };
};

/** The commit of `commit_sha` (a sha or a ref GitHub resolves), if the caller may see the repository. */
function commitOfPath(ctx: HandlerContext): { repo: RepoState; sha: string } | undefined {
  const repo = visibleRepo(ctx);
  const sha = repo ? ctx.state.resolve(repo, ctx.params.commit_sha!) : undefined;
  return repo && sha ? { repo, sha } : undefined;
}

const listCommitComments: Handler = (ctx) => {
  if (!visibleRepo(ctx)) return notFound();
  const found = commitOfPath(ctx);
  if (!found) return validationFailed('CommitComment', 'commit_id', `No commit found for SHA: ${ctx.params.commit_sha}`);
  const comments = found.repo.commitComments.filter((c) => c.commitId === found.sha);
  const page = paginate(ctx, `/repos/${found.repo.fullName}/commits/${ctx.params.commit_sha}/comments`, comments);
  return { status: 200, body: page.items.map((c) => commitCommentJson(ctx.api, found.repo, c)), headers: page.headers };
};

const createCommitComment: Handler = (ctx) => {
  if (!visibleRepo(ctx)) return notFound();
  const found = commitOfPath(ctx);
  if (!found) return validationFailed('CommitComment', 'commit_id', `No commit found for SHA: ${ctx.params.commit_sha}`);
  const body = String(bodyField(ctx, 'body') ?? '');
  if (tooLong(body)) return validationFailed('CommitComment', 'body', `body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`);
  const now = ctx.state.now().toISOString();
  const comment: CommitCommentState = { id: ctx.state.id(), commitId: found.sha, body, user: actor(ctx), createdAt: now, updatedAt: now };
  found.repo.commitComments.push(comment);
  return { status: 201, body: commitCommentJson(ctx.api, found.repo, comment), headers: { location: `${ctx.api}/repos/${found.repo.fullName}/comments/${comment.id}` } };
};

const updateCommitComment: Handler = (ctx) => {
  const repo = visibleRepo(ctx);
  const comment = repo?.commitComments.find((c) => c.id === Number(ctx.params.comment_id));
  if (!repo || !comment) return notFound();
  const body = String(bodyField(ctx, 'body') ?? '');
  if (tooLong(body)) return validationFailed('CommitComment', 'body', `body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`);
  comment.body = body;
  comment.updatedAt = ctx.state.now().toISOString();
  return { status: 200, body: commitCommentJson(ctx.api, repo, comment) };
};

const createStatus: Handler = (ctx) => {
  const repo = visibleRepo(ctx);
  if (!repo) return notFound();
  const sha = ctx.params.sha!;
  if (repo.objects.get(sha)?.type !== 'commit') return validationFailed('Status', 'sha', `No commit found for SHA: ${sha}`);
  const description = bodyField(ctx, 'description');
  if (typeof description === 'string' && [...description].length > 140) {
    return validationFailed('Status', 'description', 'description is too long (maximum is 140 characters)');
  }
  const context = String(bodyField(ctx, 'context') ?? 'default');
  if (repo.statuses.filter((s) => s.sha === sha && s.context === context).length >= 1000) {
    return validationFailed('Status', 'context', 'This SHA and context has reached the maximum number of statuses.');
  }
  const targetUrl = bodyField(ctx, 'target_url');
  const status = {
    id: ctx.state.id(), sha, state: String(bodyField(ctx, 'state')), context,
    description: typeof description === 'string' ? description : null, targetUrl: typeof targetUrl === 'string' ? targetUrl : null,
    creator: actor(ctx), createdAt: ctx.state.now().toISOString(),
  };
  repo.statuses.push(status);
  return { status: 201, body: statusJson(ctx.api, repo, status) };
};

const listStatuses: Handler = (ctx) => {
  const repo = visibleRepo(ctx);
  if (!repo) return notFound();
  const sha = ctx.state.resolve(repo, ctx.params.ref!);
  if (!sha) return notFound();
  const statuses = repo.statuses.filter((s) => s.sha === sha).reverse();
  const page = paginate(ctx, `/repos/${repo.fullName}/commits/${ctx.params.ref}/statuses`, statuses);
  return { status: 200, body: page.items.map((s) => statusJson(ctx.api, repo, s)), headers: page.headers };
};

/** GitHub's `permission` keeps the five legacy values; `role_name` names the real role. */
const LEGACY_PERMISSION = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read' } as const;

const collaboratorPermission: Handler = (ctx) => {
  const repo = visibleRepo(ctx);
  if (!repo) return notFound();
  const user = ctx.state.findUser(ctx.params.username!);
  if (!user) return error(404, `${ctx.params.username} is not a user`);
  const role = repo.collaborators.get(user.login.toLowerCase());
  const roleName = role ?? (repo.private ? 'none' : 'read');
  const permission = role ? LEGACY_PERMISSION[role] : roleName;
  return { status: 200, body: { permission, role_name: roleName, user: { ...userJson(ctx.api, user), role_name: roleName } } };
};

export const issueRoutes: Record<string, Handler> = {
  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': listComments,
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': createComment,
  'GET /repos/{owner}/{repo}/issues/comments/{comment_id}': getComment,
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': updateComment,
  'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}': deleteComment,
  'GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions': listReactions,
  'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions': createReaction,
  'GET /repos/{owner}/{repo}/commits/{commit_sha}/comments': listCommitComments,
  'POST /repos/{owner}/{repo}/commits/{commit_sha}/comments': createCommitComment,
  'PATCH /repos/{owner}/{repo}/comments/{comment_id}': updateCommitComment,
  'POST /repos/{owner}/{repo}/statuses/{sha}': createStatus,
  'GET /repos/{owner}/{repo}/commits/{ref}/statuses': listStatuses,
  'GET /repos/{owner}/{repo}/collaborators/{username}/permission': collaboratorPermission,
};
