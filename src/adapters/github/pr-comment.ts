/**
 * {@link CommentReporter} over the issue-comments API (pull requests are issues here) and the
 * commit-comments API (results of pushes that name no pull request).
 *
 * The sticky comment is found by its hidden marker (an HTML comment such as
 * `<!-- pave:plan -->`, which the body always carries), preferring a bot's comment when several
 * hold it. An identical body costs no write. Bodies are cut so that the posted text stays 1,000
 * below GitHub's 65,536 limit, counted in UTF-8 bytes (which also bounds the characters, whichever
 * GitHub counts), at a line break when one is near, with open code fences and `<details>` closed
 * and a note saying so: a long report never fails a job.
 */
import type { CommentReporter, RepoName, UpsertOutcome } from '../../domain/ports.js';
import type { GitHubClient } from './client.js';
import { translated } from './errors.js';
import { splitRepo } from './repo-name.js';

/** GitHub's limit on a comment body. */
export const MAX_COMMENT_LENGTH = 65_536;
/** What a posted body may use: the limit less a safety margin. */
export const COMMENT_BUDGET = MAX_COMMENT_LENGTH - 1_000;

const encoder = new TextEncoder();

function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/**
 * `body` cut to at most `budget` UTF-8 bytes. A cut body ends at a line break when one is within
 * the last 2,000 characters, closes what the cut left open, and ends with a note.
 */
export function cutBody(body: string, budget = COMMENT_BUDGET): string {
  if (utf8Length(body) <= budget) return body;
  const note = `\n\n---\n_✂️ pave cut this report to fit GitHub's comment limit (${body.length.toLocaleString('en-US')} characters in full)._\n`;
  const room = budget - utf8Length(note) - 200; // 200: closing fences and tags
  // encodeInto never splits a character: `read` counts the UTF-16 units that fit.
  const { read } = encoder.encodeInto(body, new Uint8Array(room));
  let kept = body.slice(0, read);
  const lineBreak = kept.lastIndexOf('\n');
  if (lineBreak > kept.length - 2_000) kept = kept.slice(0, lineBreak);
  let closing = '';
  if (count(kept, /^\s*```/gm) % 2 === 1) closing += '\n```';
  const open = count(kept, /<details\b/gi) - count(kept, /<\/details>/gi);
  for (let i = 0; i < Math.min(open, 20); i++) closing += '\n</details>';
  return `${kept}${closing}${note}`;
}

/** The body as posted: cut to the budget, and carrying `marker` (first, when it had to be added). */
export function stickyBody(marker: string, body: string): string {
  const cut = cutBody(body, COMMENT_BUDGET - utf8Length(marker) - 1);
  return cut.includes(marker) ? cut : `${marker}\n${cut}`;
}

/** A comment as both comment APIs list it. */
interface ListedComment {
  readonly id: number;
  readonly body?: string | undefined;
  readonly user?: { readonly type?: string } | null;
}

/**
 * The sticky-comment rule shared by pull requests and commits: the comment that carries `marker`
 * (a bot's first), edited in place, left alone when its body is already the one wanted.
 */
async function upsertSticky(
  marker: string, body: string, list: () => Promise<readonly ListedComment[]>,
  update: (id: number, body: string) => Promise<unknown>, create: (body: string) => Promise<unknown>,
): Promise<UpsertOutcome> {
  const wanted = stickyBody(marker, body);
  const marked = (await list()).filter((c) => c.body?.includes(marker));
  const existing = marked.find((c) => c.user?.type === 'Bot') ?? marked[0];
  if (existing?.body === wanted) return 'unchanged';
  if (existing) {
    await update(existing.id, wanted);
    return 'updated';
  }
  await create(wanted);
  return 'created';
}

/** Sticky comments (on pull requests and on commits), reactions and replies through `octokit` (an installation or token client). */
export function createCommentReporter(octokit: GitHubClient): CommentReporter {
  return {
    upsertComment(repo: RepoName, issueNumber: number, marker: string, body: string): Promise<UpsertOutcome> {
      const target = { ...splitRepo(repo), issue_number: issueNumber };
      return upsertSticky(marker, body,
        () => translated(() => octokit.paginate(octokit.rest.issues.listComments, { ...target, per_page: 100 })),
        (id, wanted) => translated(() => octokit.rest.issues.updateComment({ ...splitRepo(repo), comment_id: id, body: wanted })),
        (wanted) => translated(() => octokit.rest.issues.createComment({ ...target, body: wanted })));
    },

    upsertCommitComment(repo: RepoName, sha: string, marker: string, body: string): Promise<UpsertOutcome> {
      const target = { ...splitRepo(repo), commit_sha: sha };
      return upsertSticky(marker, body,
        () => translated(() => octokit.paginate(octokit.rest.repos.listCommentsForCommit, { ...target, per_page: 100 })),
        (id, wanted) => translated(() => octokit.rest.repos.updateCommitComment({ ...splitRepo(repo), comment_id: id, body: wanted })),
        (wanted) => translated(() => octokit.rest.repos.createCommitComment({ ...target, body: wanted })));
    },

    async react(repo, commentId, content) {
      // 201 for a new reaction, 200 when it already exists: both are success.
      await translated(() => octokit.rest.reactions.createForIssueComment({ ...splitRepo(repo), comment_id: commentId, content }));
    },

    async reply(repo, issueNumber, body) {
      await translated(() => octokit.rest.issues.createComment({ ...splitRepo(repo), issue_number: issueNumber, body: cutBody(body) }));
    },
  };
}
