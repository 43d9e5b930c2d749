/**
 * {@link Directory} over GitHub: team membership (`active` only; a pending invitation is not
 * membership) and a user's role on a repository. GitHub's `permission` field keeps the legacy
 * four values (maintain reads as write, triage as read); `role_name` has the real role, so it
 * wins when it is one of the five built-in roles.
 */
import { NotFoundError, TerminalError } from '../../domain/errors.js';
import type { Directory, RepoName } from '../../domain/ports.js';
import type { GitHubClient } from './client.js';
import { translated } from './errors.js';
import { splitRepo } from './repo-name.js';

type Permission = Awaited<ReturnType<Directory['permission']>>;
const ROLES: ReadonlySet<string> = new Set<Permission>(['admin', 'maintain', 'write', 'triage', 'read', 'none']);

/** `org/team-slug` or `@org/team-slug` → its parts. */
function splitTeam(team: string): { org: string; team_slug: string } {
  const [org, slug, extra] = team.replace(/^@/, '').split('/');
  if (!org || !slug || extra !== undefined) throw new TerminalError(`not a team (expected org/team-slug): ${team}`);
  return { org, team_slug: slug };
}

/** Team and permission questions through `octokit` (needs the App's `members: read` for teams). */
export function createDirectory(octokit: GitHubClient): Directory {
  return {
    async isTeamMember(team, login) {
      try {
        const { data } = await translated(() => octokit.rest.teams.getMembershipForUserInOrg({ ...splitTeam(team), username: login }));
        return data.state === 'active';
      } catch (err) {
        if (err instanceof NotFoundError) return false;
        throw err;
      }
    },

    async permission(repo: RepoName, login) {
      try {
        const { data } = await translated(() => octokit.rest.repos.getCollaboratorPermissionLevel({ ...splitRepo(repo), username: login }));
        if (ROLES.has(data.role_name)) return data.role_name as Permission;
        return ROLES.has(data.permission) ? (data.permission as Permission) : 'none';
      } catch (err) {
        if (err instanceof NotFoundError) return 'none';
        throw err;
      }
    },
  };
}
