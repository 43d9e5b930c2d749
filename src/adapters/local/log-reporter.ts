/**
 * Reports in the embedded default: no GitHub to post to, so statuses and comments go to the log
 * (and stay on the run pages). Every local user may run commands.
 */
import type { Logger } from '../../domain/logger.js';
import type { CommentReporter, CommitStatus, Directory, StatusReporter } from '../../domain/ports.js';

export interface LoggedReport {
  readonly type: 'status' | 'comment' | 'reaction' | 'reply';
  readonly repo: string;
  readonly target: string;
  readonly text: string;
}

export function createLogReporters(logger: Logger, keep = 200): StatusReporter & CommentReporter & Directory & { readonly recent: LoggedReport[] } {
  const recent: LoggedReport[] = [];
  const comments = new Map<string, string>();
  const record = (r: LoggedReport) => {
    recent.push(r);
    if (recent.length > keep) recent.shift();
  };
  return {
    recent,
    async setStatus(repo: string, sha: string, status: CommitStatus) {
      record({ type: 'status', repo, target: sha, text: `${status.context} ${status.state}: ${status.description}` });
      logger.info({ repo, sha, context: status.context, state: status.state, description: status.description, url: status.targetUrl }, 'commit status (not posted: embedded default)');
    },
    async upsertComment(repo: string, issueNumber: number, marker: string, body: string) {
      const key = `${repo}#${issueNumber}${marker}`;
      const outcome = comments.get(key) === body ? 'unchanged' : comments.has(key) ? 'updated' : 'created';
      comments.set(key, body);
      record({ type: 'comment', repo, target: `#${issueNumber}`, text: body });
      logger.info({ repo, issueNumber, outcome, chars: body.length, firstLine: body.split('\n').find((l) => l.startsWith('###')) ?? '' }, 'plan comment (not posted: embedded default; see the run page)');
      return outcome;
    },
    async upsertCommitComment(repo: string, sha: string, marker: string, body: string) {
      const key = `${repo}@${sha}${marker}`;
      const outcome = comments.get(key) === body ? 'unchanged' : comments.has(key) ? 'updated' : 'created';
      comments.set(key, body);
      record({ type: 'comment', repo, target: sha, text: body });
      logger.info({ repo, sha, outcome, chars: body.length, firstLine: body.split('\n').find((l) => l.startsWith('###')) ?? '' }, 'commit comment (not posted: embedded default; see the run page)');
      return outcome;
    },
    async react(repo: string, commentId: number, content: string) {
      record({ type: 'reaction', repo, target: String(commentId), text: content });
    },
    async reply(repo: string, issueNumber: number, body: string) {
      record({ type: 'reply', repo, target: `#${issueNumber}`, text: body });
      logger.info({ repo, issueNumber, body }, 'command reply (not posted: embedded default)');
    },
    async isTeamMember() {
      return true;
    },
    async permission() {
      return 'write' as const;
    },
  };
}
