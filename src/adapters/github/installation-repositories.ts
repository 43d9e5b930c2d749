/**
 * Every repository the GitHub App can see, for the resync: the App's installations
 * (`GET /app/installations`, with the App's JWT) and each installation's repositories
 * (`GET /installation/repositories`, with its installation token), paginated, at most `max`.
 * With a token (one organization), the repositories the caller gives (`fallback`) are visited.
 */
import type { RepositoryDirectory, ResyncRepository } from '../../domain/resync.js';
import type { GitHubClients } from './client.js';
import { translated } from './errors.js';

export function createInstallationRepositories(clients: GitHubClients): RepositoryDirectory {
  return {
    async list(max) {
      const app = clients.app();
      const installations = await translated(() => app.paginate(app.rest.apps.listInstallations, { per_page: 100 }));
      const repositories: ResyncRepository[] = [];
      let complete = true;
      for (const installation of installations) {
        if (repositories.length >= max) {
          complete = false;
          break;
        }
        if (installation.suspended_at) continue;
        const octokit = clients.forInstallation(installation.id);
        const repos = await translated(() => octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 }, (response, done) => {
          // Stopping early may leave repositories unseen: then the listing is not complete (the
          // resync forgets index entries only after a complete listing).
          if (repositories.length + response.data.length >= max) {
            complete = false;
            done();
          }
          return response.data;
        }));
        for (const repo of repos) {
          if (repo.archived) continue;
          if (repositories.length >= max) {
            complete = false;
            break;
          }
          repositories.push({ repo: repo.full_name, installationId: installation.id });
        }
      }
      return { repositories, complete };
    },
  };
}
