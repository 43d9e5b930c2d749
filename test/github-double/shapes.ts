/**
 * JSON bodies shaped like GitHub's: every field GitHub's description marks as required, with
 * URLs that point back at the double. The double checks its own responses against the same
 * description (`responseViolations`), so these stay honest.
 */
import type { GitObject } from './git-objects.js';
import type { CommentState, CommitCommentState, DeliveryState, PullState, RepoState, StatusState, User } from './state.js';

const HTML = 'https://github.com';

function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString('base64url');
}

export function userJson(api: string, user: User): Record<string, unknown> {
  // GitHub percent-encodes bot logins (`pave%5Bbot%5D`) in URLs.
  const login = encodeURIComponent(user.login);
  const url = `${api}/users/${login}`;
  return {
    login: user.login, id: user.id, node_id: nodeId('User', user.id), avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '', url, html_url: `${HTML}/${login}`, followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`, gists_url: `${url}/gists{/gist_id}`, starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`, organizations_url: `${url}/orgs`, repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`, received_events_url: `${url}/received_events`, type: user.type, site_admin: false,
  };
}

export function repoJson(api: string, repo: RepoState, pushedAt: string): Record<string, unknown> {
  const url = `${api}/repos/${repo.fullName}`;
  const templated = (name: string, suffix = ''): string => `${url}/${name}${suffix}`;
  return {
    id: repo.id, node_id: nodeId('Repository', repo.id), name: repo.name, full_name: repo.fullName, private: repo.private,
    owner: userJson(api, repo.owner), html_url: `${HTML}/${repo.fullName}`, description: null, fork: repo.parent !== undefined, url,
    archive_url: templated('{archive_format}{/ref}'), assignees_url: templated('assignees', '{/user}'), blobs_url: templated('git/blobs', '{/sha}'),
    branches_url: templated('branches', '{/branch}'), collaborators_url: templated('collaborators', '{/collaborator}'),
    comments_url: templated('comments', '{/number}'), commits_url: templated('commits', '{/sha}'), compare_url: templated('compare/{base}...{head}'),
    contents_url: templated('contents/{+path}'), contributors_url: templated('contributors'), deployments_url: templated('deployments'),
    downloads_url: templated('downloads'), events_url: templated('events'), forks_url: templated('forks'),
    git_commits_url: templated('git/commits', '{/sha}'), git_refs_url: templated('git/refs', '{/sha}'), git_tags_url: templated('git/tags', '{/sha}'),
    git_url: `git://github.com/${repo.fullName}.git`, issue_comment_url: templated('issues/comments', '{/number}'),
    issue_events_url: templated('issues/events', '{/number}'), issues_url: templated('issues', '{/number}'), keys_url: templated('keys', '{/key_id}'),
    labels_url: templated('labels', '{/name}'), languages_url: templated('languages'), merges_url: templated('merges'),
    milestones_url: templated('milestones', '{/number}'), notifications_url: templated('notifications{?since,all,participating}'),
    pulls_url: templated('pulls', '{/number}'), releases_url: templated('releases', '{/id}'), ssh_url: `git@github.com:${repo.fullName}.git`,
    stargazers_url: templated('stargazers'), statuses_url: templated('statuses/{sha}'), subscribers_url: templated('subscribers'),
    subscription_url: templated('subscription'), tags_url: templated('tags'), teams_url: templated('teams'), trees_url: templated('git/trees', '{/sha}'),
    clone_url: `${HTML}/${repo.fullName}.git`, mirror_url: null, hooks_url: templated('hooks'), svn_url: `${HTML}/${repo.fullName}`,
    homepage: null, language: null, forks_count: 0, forks: 0, stargazers_count: 0, watchers_count: 0, watchers: 0, size: 0,
    default_branch: repo.defaultBranch, open_issues_count: 0, open_issues: 0, has_issues: true, has_projects: true, has_wiki: true,
    has_pages: false, has_downloads: true, has_discussions: false, archived: false, disabled: false, license: null,
    pushed_at: pushedAt, created_at: '2024-01-01T00:00:00Z', updated_at: pushedAt, network_count: 0, subscribers_count: 0,
    visibility: repo.private ? 'private' : 'public',
  };
}

export function commitJson(api: string, repo: RepoState, sha: string, commit: Extract<GitObject, { type: 'commit' }>, author: User): Record<string, unknown> {
  const url = `${api}/repos/${repo.fullName}/commits/${sha}`;
  const signature = (s: { name: string; email: string; time: number }): Record<string, unknown> => ({ name: s.name, email: s.email, date: new Date(s.time * 1000).toISOString() });
  return {
    sha, node_id: nodeId('Commit', sha), url, html_url: `${HTML}/${repo.fullName}/commit/${sha}`, comments_url: `${url}/comments`,
    commit: {
      url: `${api}/repos/${repo.fullName}/git/commits/${sha}`, author: signature(commit.author), committer: signature(commit.committer),
      message: commit.message, comment_count: 0, tree: { sha: commit.tree, url: `${api}/repos/${repo.fullName}/git/trees/${commit.tree}` },
    },
    author: userJson(api, author), committer: userJson(api, author),
    parents: commit.parents.map((p) => ({ sha: p, url: `${api}/repos/${repo.fullName}/commits/${p}`, html_url: `${HTML}/${repo.fullName}/commit/${p}` })),
  };
}

export function pullJson(api: string, repo: RepoState, headRepo: RepoState, pull: PullState, pushedAt: string): Record<string, unknown> {
  const url = `${api}/repos/${repo.fullName}/pulls/${pull.number}`;
  const issueUrl = `${api}/repos/${repo.fullName}/issues/${pull.number}`;
  const html = `${HTML}/${repo.fullName}/pull/${pull.number}`;
  const side = (r: RepoState, ref: string, sha: string): Record<string, unknown> => ({
    label: `${r.owner.login}:${ref}`, ref, sha, user: userJson(api, r.owner), repo: repoJson(api, r, pushedAt),
  });
  return {
    url, id: pull.number * 1000 + repo.id, node_id: nodeId('PullRequest', `${repo.id}/${pull.number}`), html_url: html,
    diff_url: `${html}.diff`, patch_url: `${html}.patch`, issue_url: issueUrl, commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`, review_comment_url: `${api}/repos/${repo.fullName}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`, statuses_url: `${api}/repos/${repo.fullName}/statuses/${pull.headSha}`,
    number: pull.number, state: pull.state, locked: false, title: pull.title, user: userJson(api, pull.user), body: null,
    labels: [], milestone: null, active_lock_reason: null, created_at: pull.createdAt, updated_at: pull.createdAt,
    closed_at: pull.state === 'closed' ? pull.createdAt : null, merged_at: pull.merged ? pull.createdAt : null,
    merge_commit_sha: null, assignee: null, assignees: [], requested_reviewers: [], requested_teams: [],
    head: side(headRepo, pull.headRef, pull.headSha), base: side(repo, pull.baseRef, pull.baseSha),
    _links: Object.fromEntries(Object.entries({
      self: url, html, issue: issueUrl, comments: `${issueUrl}/comments`, review_comments: `${url}/comments`,
      review_comment: `${api}/repos/${repo.fullName}/pulls/comments{/number}`, commits: `${url}/commits`,
      statuses: `${api}/repos/${repo.fullName}/statuses/${pull.headSha}`,
    }).map(([k, href]) => [k, { href }])),
    author_association: 'MEMBER', auto_merge: null, draft: false, merged: pull.merged, mergeable: true, rebaseable: true,
    mergeable_state: 'clean', merged_by: null, comments: 0, review_comments: 0, maintainer_can_modify: false,
    commits: 1, additions: 0, deletions: 0, changed_files: 0,
  };
}

export function commentJson(api: string, repo: RepoState, comment: CommentState): Record<string, unknown> {
  const issueUrl = `${api}/repos/${repo.fullName}/issues/${comment.issueNumber}`;
  const kind = repo.pulls.has(comment.issueNumber) ? 'pull' : 'issues';
  const counts: Record<string, number> = { '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
  for (const r of comment.reactions) counts[r.content] = (counts[r.content] ?? 0) + 1;
  const url = `${api}/repos/${repo.fullName}/issues/comments/${comment.id}`;
  return {
    id: comment.id, node_id: nodeId('IssueComment', comment.id), url, html_url: `${HTML}/${repo.fullName}/${kind}/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body, user: userJson(api, comment.user), created_at: comment.createdAt, updated_at: comment.updatedAt,
    issue_url: issueUrl, author_association: comment.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    reactions: { url: `${url}/reactions`, total_count: comment.reactions.length, ...counts },
  };
}

/** A comment on a whole commit (no `path`, `position` or `line`: those are for comments on a diff line). */
export function commitCommentJson(api: string, repo: RepoState, comment: CommitCommentState): Record<string, unknown> {
  const url = `${api}/repos/${repo.fullName}/comments/${comment.id}`;
  const counts = { '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
  return {
    html_url: `${HTML}/${repo.fullName}/commit/${comment.commitId}#commitcomment-${comment.id}`, url, id: comment.id,
    node_id: nodeId('CommitComment', comment.id), body: comment.body, path: null, position: null, line: null,
    commit_id: comment.commitId, user: userJson(api, comment.user), created_at: comment.createdAt, updated_at: comment.updatedAt,
    author_association: comment.user.type === 'Bot' ? 'NONE' : 'MEMBER', reactions: { url: `${url}/reactions`, total_count: 0, ...counts },
  };
}

export function reactionJson(api: string, reaction: CommentState['reactions'][number]): Record<string, unknown> {
  return { id: reaction.id, node_id: nodeId('Reaction', reaction.id), user: userJson(api, reaction.user), content: reaction.content, created_at: reaction.createdAt };
}

export function statusJson(api: string, repo: RepoState, status: StatusState): Record<string, unknown> {
  return {
    url: `${api}/repos/${repo.fullName}/statuses/${status.sha}`, avatar_url: `https://avatars.githubusercontent.com/u/${status.creator.id}?v=4`,
    id: status.id, node_id: nodeId('StatusContext', status.id), state: status.state, description: status.description,
    target_url: status.targetUrl, context: status.context, created_at: status.createdAt, updated_at: status.createdAt,
    creator: userJson(api, status.creator),
  };
}

export function deliveryJson(delivery: DeliveryState): Record<string, unknown> {
  return {
    id: delivery.id, guid: delivery.guid, delivered_at: delivery.deliveredAt, redelivery: delivery.redelivery, duration: 0.27,
    status: delivery.statusCode >= 200 && delivery.statusCode < 400 ? 'OK' : delivery.statusCode === 0 ? 'Timeout' : `Invalid HTTP Response: ${delivery.statusCode}`,
    status_code: delivery.statusCode, event: delivery.event, action: delivery.action, installation_id: delivery.installationId,
    repository_id: delivery.repositoryId, throttled_at: null,
  };
}

export function installationJson(api: string, installation: { id: number; account: User }, appId: number, botLogin: string): Record<string, unknown> {
  const slug = botLogin.replace(/\[bot\]$/, '');
  return {
    // The published description asks the account for an organization's fields as well.
    id: installation.id, repository_selection: 'selected',
    account: { ...userJson(api, installation.account), name: installation.account.login, slug: installation.account.login.toLowerCase(), created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z' },
    access_tokens_url: `${api}/app/installations/${installation.id}/access_tokens`, repositories_url: `${api}/installation/repositories`,
    html_url: `${HTML}/organizations/${installation.account.login}/settings/installations/${installation.id}`,
    app_id: appId, target_id: installation.account.id, target_type: 'Organization',
    permissions: { contents: 'read', pull_requests: 'read', issues: 'write', statuses: 'write', members: 'read', metadata: 'read' },
    events: ['pull_request', 'push', 'issue_comment'], created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z',
    single_file_name: null, app_slug: slug, suspended_by: null, suspended_at: null,
  };
}
