/**
 * Repository reads: the repository, commits, trees (recursive, with truncation like GitHub's),
 * blobs, contents, compare and pull requests with their files.
 */
import { filesOf, type GitObject, type ObjectStore, walkTree } from './git-objects.js';
import { error, type Handler, type HandlerContext, notFound, paginate, type Reply, visibleRepo } from './context.js';
import { commitJson, pullJson, repoJson } from './shapes.js';
import type { RepoState } from './state.js';

type Commit = Extract<GitObject, { type: 'commit' }>;

function pushedAt(repo: RepoState): string {
  const head = repo.refs.get(`heads/${repo.defaultBranch}`);
  const commit = head ? repo.objects.get(head) : undefined;
  return new Date(commit?.type === 'commit' ? commit.committer.time * 1000 : Date.UTC(2024, 0, 1)).toISOString().replace(/\.\d+Z$/, 'Z');
}

function commitOf(ctx: HandlerContext, repo: RepoState, ref: string): { sha: string; commit: Commit } | undefined {
  const sha = ctx.state.resolve(repo, ref);
  const commit = sha ? repo.objects.get(sha) : undefined;
  return sha && commit?.type === 'commit' ? { sha, commit } : undefined;
}

/** Files that differ between two commits, as GitHub lists them in compare and pull-request files. */
function diffFiles(ctx: HandlerContext, repo: RepoState, base: string, head: string): Record<string, unknown>[] {
  const before = filesOf(repo.objects, base);
  const after = filesOf(repo.objects, head);
  const out: Record<string, unknown>[] = [];
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const path of paths) {
    const a = before.get(path);
    const b = after.get(path);
    if (a === b) continue;
    const status = a === undefined ? 'added' : b === undefined ? 'removed' : 'modified';
    const sha = b ?? a!;
    const lines = (sha2: string | undefined): number => {
      const blob = sha2 ? repo.objects.get(sha2) : undefined;
      return blob?.type === 'blob' ? blob.content.toString('utf8').split('\n').length : 0;
    };
    const additions = status === 'removed' ? 0 : lines(b);
    const deletions = status === 'added' ? 0 : lines(a);
    out.push({
      sha, filename: path, status, additions, deletions, changes: additions + deletions,
      blob_url: `https://github.com/${repo.fullName}/blob/${head}/${path}`, raw_url: `https://github.com/${repo.fullName}/raw/${head}/${path}`,
      contents_url: `${ctx.api}/repos/${repo.fullName}/contents/${path}?ref=${head}`,
    });
  }
  return out;
}

function ancestors(store: ObjectStore, sha: string): string[] {
  const seen: string[] = [];
  const queue = [sha];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.includes(next)) continue;
    seen.push(next);
    const commit = store.get(next);
    if (commit?.type === 'commit') queue.push(...commit.parents);
  }
  return seen;
}

function mergeBase(store: ObjectStore, a: string, b: string): string | undefined {
  const ofA = new Set(ancestors(store, a));
  return ancestors(store, b).find((sha) => ofA.has(sha));
}

function blobJson(ctx: HandlerContext, repo: RepoState, sha: string, content: Buffer): Record<string, unknown> {
  // GitHub wraps base64 at 60 characters with "\n"; clients must cope with that.
  const base64 = content.toString('base64').replace(/.{60}/g, '$&\n');
  return { sha, node_id: Buffer.from(`Blob:${sha}`).toString('base64url'), size: content.byteLength, url: `${ctx.api}/repos/${repo.fullName}/git/blobs/${sha}`, content: base64, encoding: 'base64' };
}

const getRepo: Handler = (ctx) => {
  const repo = visibleRepo(ctx);
  return repo ? { status: 200, body: repoJson(ctx.api, repo, pushedAt(repo)) } : notFound();
};

const getCommit: Handler = (ctx) => {
  const repo = visibleRepo(ctx);
  if (!repo) return notFound();
  const found = commitOf(ctx, repo, ctx.params.ref!);
  if (!found) return error(422, `No commit found for SHA: ${ctx.params.ref}`);
  if (/application\/vnd\.github(\.v3)?\.sha/.test(ctx.headers.get('accept') ?? '')) {
    return { status: 200, text: found.sha, headers: { 'content-type': 'application/vnd.github.sha; charset=utf-8' } };
  }
  const parent = found.commit.parents[0];
  const files = parent ? diffFiles(ctx, repo, parent, found.sha) : [];
  const body = {
    ...commitJson(ctx.api, repo, found.sha, found.commit, ctx.state.user(found.commit.author.name)),
    stats: { total: files.length, additions: 0, deletions: 0 }, files,
  };
  return { status: 200, body };
};

const getTree: Handler = (ctx) => {
  const repo = visibleRepo(ctx);
  if (!repo) return notFound();
  let sha = ctx.params.tree_sha!;
  let object = repo.objects.get(sha);
  if (object?.type !== 'tree') {
    // GitHub also accepts a commit sha or a branch name here and lists the commit's tree.
    const commit = commitOf(ctx, repo, sha);
    if (!commit) return notFound();
    sha = commit.commit.tree;
    object = repo.objects.get(sha);
  }
  if (object?.type !== 'tree') return notFound();
  const recursive = ctx.query.recursive !== undefined;
  const entries = recursive ? walkTree(repo.objects, sha) : object.entries.map((entry) => ({ path: entry.name, entry }));
  const limit = recursive ? ctx.settings.recursiveTreeLimit : Number.POSITIVE_INFINITY;
  const tree = entries.slice(0, limit).map(({ path, entry }) => {
    const blob = entry.type === 'blob' ? repo.objects.get(entry.sha) : undefined;
    return {
      path, mode: entry.mode, type: entry.type, sha: entry.sha,
      ...(blob?.type === 'blob' ? { size: blob.content.byteLength } : {}),
      url: `${ctx.api}/repos/${repo.fullName}/git/${entry.type === 'tree' ? 'trees' : 'blobs'}/${entry.sha}`,
    };
  });
  return { status: 200, body: { sha, url: `${ctx.api}/repos/${repo.fullName}/git/trees/${sha}`, tree, truncated: entries.length > limit } };
};

const getBlob: Handler = (ctx) => {
  const repo = visibleRepo(ctx);
  const blob = repo?.objects.get(ctx.params.file_sha!);
  if (!repo || blob?.type !== 'blob') return notFound();
  return { status: 200, body: blobJson(ctx, repo, ctx.params.file_sha!, blob.content) };
};

const getContent: Handler = (ctx) => {
  const repo = visibleRepo(ctx);
  if (!repo) return notFound();
  const found = commitOf(ctx, repo, ctx.query.ref ?? repo.defaultBranch);
  if (!found) return notFound();
  const path = ctx.params.path!.replace(/\/+$/, '');
  const entries = walkTree(repo.objects, found.commit.tree);
  const describe = (p: string, entry: { type: 'blob' | 'tree'; sha: string }): Record<string, unknown> => {
    const blob = repo.objects.get(entry.sha);
    const self = `${ctx.api}/repos/${repo.fullName}/contents/${p}?ref=${found.sha}`;
    const git = `${ctx.api}/repos/${repo.fullName}/git/${entry.type === 'tree' ? 'trees' : 'blobs'}/${entry.sha}`;
    const html = `https://github.com/${repo.fullName}/${entry.type === 'tree' ? 'tree' : 'blob'}/${found.sha}/${p}`;
    return {
      type: entry.type === 'tree' ? 'dir' : 'file', size: blob?.type === 'blob' ? blob.content.byteLength : 0, name: p.split('/').pop(), path: p,
      sha: entry.sha, url: self, git_url: git, html_url: html,
      download_url: entry.type === 'blob' ? `https://raw.githubusercontent.com/${repo.fullName}/${found.sha}/${p}` : null,
      _links: { self, git, html },
    };
  };
  const file = entries.find((e) => e.path === path);
  if (file?.entry.type === 'blob') {
    const blob = repo.objects.get(file.entry.sha);
    if (blob?.type !== 'blob') return notFound();
    return { status: 200, body: { ...describe(path, file.entry), content: (blobJson(ctx, repo, file.entry.sha, blob.content).content as string), encoding: 'base64' } };
  }
  const children = entries.filter((e) => e.path.startsWith(`${path}/`) && !e.path.slice(path.length + 1).includes('/'));
  if (children.length === 0) return notFound();
  return { status: 200, body: children.map((c) => describe(c.path, c.entry)) };
};

const compare: Handler = (ctx) => {
  const repo = visibleRepo(ctx);
  if (!repo) return notFound();
  const [baseRef, headRef] = ctx.params.basehead!.split('...');
  const base = baseRef ? commitOf(ctx, repo, baseRef) : undefined;
  const head = headRef ? commitOf(ctx, repo, headRef) : undefined;
  if (!base || !head) return notFound();
  const mergeSha = mergeBase(repo.objects, base.sha, head.sha) ?? base.sha;
  const merge = repo.objects.get(mergeSha) as Commit;
  const aheadShas = ancestors(repo.objects, head.sha).filter((s) => !new Set(ancestors(repo.objects, mergeSha)).has(s));
  const behindBy = ancestors(repo.objects, base.sha).filter((s) => !new Set(ancestors(repo.objects, mergeSha)).has(s)).length;
  const json = (sha: string, c: Commit): Record<string, unknown> => commitJson(ctx.api, repo, sha, c, ctx.state.user(c.author.name));
  const status = aheadShas.length === 0 ? (behindBy === 0 ? 'identical' : 'behind') : behindBy === 0 ? 'ahead' : 'diverged';
  const html = `https://github.com/${repo.fullName}/compare/${ctx.params.basehead}`;
  return {
    status: 200,
    body: {
      url: `${ctx.api}/repos/${repo.fullName}/compare/${ctx.params.basehead}`, html_url: html, permalink_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`,
      base_commit: json(base.sha, base.commit), merge_base_commit: json(mergeSha, merge), status, ahead_by: aheadShas.length, behind_by: behindBy,
      total_commits: aheadShas.length, commits: aheadShas.reverse().map((s) => json(s, repo.objects.get(s) as Commit)),
      // GitHub lists at most 300 files here; callers that need more must use another API.
      files: diffFiles(ctx, repo, mergeSha, head.sha).slice(0, 300),
    },
  };
};

function pullOf(ctx: HandlerContext): { repo: RepoState; pull: NonNullable<ReturnType<RepoState['pulls']['get']>> } | Reply {
  const repo = visibleRepo(ctx);
  const pull = repo?.pulls.get(Number(ctx.params.pull_number));
  return repo && pull ? { repo, pull } : notFound();
}

const getPull: Handler = (ctx) => {
  const found = pullOf(ctx);
  if ('status' in found) return found;
  const headRepo = ctx.state.repo(found.pull.headRepo);
  return { status: 200, body: pullJson(ctx.api, found.repo, headRepo, found.pull, pushedAt(found.repo)) };
};

const listPullFiles: Handler = (ctx) => {
  const found = pullOf(ctx);
  if ('status' in found) return found;
  const { repo, pull } = found;
  const base = mergeBase(repo.objects, pull.baseSha, pull.headSha) ?? pull.baseSha;
  // GitHub lists at most 3,000 files of a pull request.
  const files = diffFiles(ctx, repo, base, pull.headSha).slice(0, 3000);
  const page = paginate(ctx, `/repos/${repo.fullName}/pulls/${pull.number}/files`, files);
  return { status: 200, body: page.items, headers: page.headers };
};

export const gitRoutes: Record<string, Handler> = {
  'GET /repos/{owner}/{repo}': getRepo,
  'GET /repos/{owner}/{repo}/commits/{ref}': getCommit,
  'GET /repos/{owner}/{repo}/git/trees/{tree_sha}': getTree,
  'GET /repos/{owner}/{repo}/git/blobs/{file_sha}': getBlob,
  'GET /repos/{owner}/{repo}/contents/{path}': getContent,
  'GET /repos/{owner}/{repo}/compare/{basehead}': compare,
  'GET /repos/{owner}/{repo}/pulls/{pull_number}': getPull,
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/files': listPullFiles,
};
