/**
 * The GitHub double's in-memory world and its seeding API: repositories with real git objects,
 * branches, pull requests, issue comments, statuses, reactions, installations, teams,
 * collaborators and webhook deliveries. Tests call these methods directly (the double runs in the
 * test's process); the HTTP handlers read and change the same state.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesOf, type ObjectStore, type Signature, writeCommit, writeTree } from './git-objects.js';

export interface User {
  readonly login: string;
  readonly id: number;
  readonly type: 'User' | 'Bot';
}

export type RoleName = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export interface RepoState {
  readonly id: number;
  readonly owner: User;
  readonly name: string;
  readonly fullName: string;
  defaultBranch: string;
  readonly private: boolean;
  /** The installation that can see this repository (app mode); undefined: any installation. */
  readonly installationId?: number;
  /** `owner/name` of the repository this one is a fork of. */
  readonly parent?: string;
  readonly objects: ObjectStore;
  /** `heads/main`, `tags/v1` → commit sha. */
  readonly refs: Map<string, string>;
  readonly pulls: Map<number, PullState>;
  /** Issue and pull-request numbers (they share one sequence, as on GitHub). */
  readonly issues: Map<number, { title: string; user: User; createdAt: string }>;
  nextNumber: number;
  readonly comments: CommentState[];
  /** Comments on commits (`POST /repos/{owner}/{repo}/commits/{sha}/comments`). */
  readonly commitComments: CommitCommentState[];
  readonly statuses: StatusState[];
  readonly collaborators: Map<string, RoleName>;
}

export interface PullState {
  readonly number: number;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  state: 'open' | 'closed';
  merged: boolean;
  readonly user: User;
  readonly title: string;
  /** `owner/name` of the repository the head branch lives in (a fork when different). */
  readonly headRepo: string;
  readonly createdAt: string;
}

export interface CommentState {
  readonly id: number;
  readonly issueNumber: number;
  body: string;
  readonly user: User;
  readonly createdAt: string;
  updatedAt: string;
  readonly reactions: { id: number; content: string; user: User; createdAt: string }[];
}

export interface CommitCommentState {
  readonly id: number;
  readonly commitId: string;
  body: string;
  readonly user: User;
  readonly createdAt: string;
  updatedAt: string;
}

export interface StatusState {
  readonly id: number;
  readonly sha: string;
  readonly state: string;
  readonly context: string;
  readonly description: string | null;
  readonly targetUrl: string | null;
  readonly creator: User;
  readonly createdAt: string;
}

export interface DeliveryState {
  readonly id: number;
  readonly guid: string;
  readonly deliveredAt: string;
  readonly redelivery: boolean;
  readonly statusCode: number;
  readonly event: string;
  readonly action: string | null;
  readonly installationId: number | null;
  readonly repositoryId: number | null;
  /** The JSON body sent (deliveries recorded through `github.deliver`): what a redelivery sends again. */
  readonly payload?: string;
}

/** Content of a commit: path → text or bytes; `null` deletes the path (with a parent). */
export type FileMap = Readonly<Record<string, string | Uint8Array | null>>;

/** Read a directory into a {@link FileMap} (skipping `.git` and `node_modules`). */
export function filesFromDirectory(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && entry.name !== 'node_modules') walk(path);
      } else if (entry.isFile()) {
        out[path] = readFileSync(join(dir, path));
      }
    }
  };
  walk('');
  return out;
}

/** An installation id no installation has: a repository no installation can see. */
const NO_INSTALLATION = -1;

export class DoubleState {
  readonly repos = new Map<string, RepoState>();
  readonly installations = new Map<number, { id: number; account: User }>();
  /** `org/team-slug` → login → membership. */
  readonly teams = new Map<string, Map<string, { role: 'member' | 'maintainer'; state: 'active' | 'pending' }>>();
  readonly deliveries: DeliveryState[] = [];
  /** Clock for timestamps the double writes (seconds are enough). */
  now: () => Date = () => new Date();
  private nextId = 1000;
  private readonly users = new Map<string, User>();

  /** A stable user (or bot, when the login ends in `[bot]`) for a login. */
  user(login: string): User {
    let user = this.users.get(login.toLowerCase());
    if (!user) {
      user = { login, id: this.id(), type: login.endsWith('[bot]') ? 'Bot' : 'User' };
      this.users.set(login.toLowerCase(), user);
    }
    return user;
  }

  /** The user with this login, if the double has seen it (seeded or acting). */
  findUser(login: string): User | undefined {
    return this.users.get(login.toLowerCase());
  }

  id(): number {
    return this.nextId++;
  }

  /** Create a repository; with `files`, its default branch gets a first commit holding them. */
  createRepo(fullName: string, options: { defaultBranch?: string; files?: FileMap; private?: boolean; installationId?: number; parent?: string } = {}): RepoState {
    const [owner, name] = fullName.split('/');
    if (!owner || !name) throw new Error(`createRepo: expected owner/name, got ${fullName}`);
    if (this.repos.has(fullName.toLowerCase())) throw new Error(`createRepo: ${fullName} exists`);
    const repo: RepoState = {
      id: this.id(), owner: this.user(owner), name, fullName, defaultBranch: options.defaultBranch ?? 'main',
      private: options.private ?? false, installationId: options.installationId, ...(options.parent ? { parent: options.parent } : {}), objects: new Map(), refs: new Map(),
      pulls: new Map(), issues: new Map(), nextNumber: 1, comments: [], commitComments: [], statuses: [], collaborators: new Map(),
    };
    this.repos.set(fullName.toLowerCase(), repo);
    if (options.files) this.commit(fullName, { branch: repo.defaultBranch, files: options.files, message: 'Initial commit' });
    return repo;
  }

  /**
   * Fork `source` as `fullName`: the same objects and branches, owned by someone else (and, by
   * default, outside every installation, as a contributor's fork is).
   */
  forkRepo(source: string, fullName: string, options: { installationId?: number } = {}): RepoState {
    const from = this.repo(source);
    const fork = this.createRepo(fullName, { defaultBranch: from.defaultBranch, private: from.private, installationId: options.installationId ?? NO_INSTALLATION, parent: from.fullName });
    for (const [sha, object] of from.objects) fork.objects.set(sha, object);
    for (const [ref, sha] of from.refs) if (ref.startsWith('heads/')) fork.refs.set(ref, sha);
    return fork;
  }

  repo(fullName: string): RepoState {
    const repo = this.repos.get(fullName.toLowerCase());
    if (!repo) throw new Error(`no repository ${fullName} in the double`);
    return repo;
  }

  /**
   * Commit `files` on `branch` (created when missing, from `from` or the default branch's head).
   * Files are changes on top of the parent unless `replace` is set, in which case they are the
   * whole tree. Returns the commit sha.
   */
  commit(fullName: string, options: { branch?: string; files: FileMap; message?: string; replace?: boolean; from?: string; author?: string }): string {
    const repo = this.repo(fullName);
    const branch = options.branch ?? repo.defaultBranch;
    const parent = repo.refs.get(`heads/${branch}`) ?? (options.from ? this.resolve(repo, options.from) : repo.refs.get(`heads/${repo.defaultBranch}`));
    const files = new Map<string, string | Uint8Array>();
    if (parent && !options.replace) {
      for (const [path, sha] of filesOf(repo.objects, parent)) {
        const blob = repo.objects.get(sha);
        if (blob?.type === 'blob') files.set(path, blob.content);
      }
    }
    for (const [path, content] of Object.entries(options.files)) {
      if (content === null) files.delete(path);
      else files.set(path, content);
    }
    const tree = writeTree(repo.objects, files);
    const time = Math.floor(this.now().getTime() / 1000);
    const who = options.author ?? 'octocat';
    const signature: Signature = { name: who, email: `${who}@users.noreply.github.com`, time };
    const sha = writeCommit(repo.objects, {
      tree, parents: parent ? [parent] : [], message: options.message ?? `Update ${Object.keys(options.files).length} files`,
      author: signature, committer: signature,
    });
    repo.refs.set(`heads/${branch}`, sha);
    return sha;
  }

  /** A branch, tag, `heads/x`/`tags/x` ref or full commit sha → commit sha, or undefined. */
  resolve(repo: RepoState, ref: string): string | undefined {
    if (/^[0-9a-f]{40}$/.test(ref)) return repo.objects.get(ref)?.type === 'commit' ? ref : undefined;
    const name = ref.replace(/^refs\//, '');
    return repo.refs.get(name) ?? repo.refs.get(`heads/${name}`) ?? repo.refs.get(`tags/${name}`);
  }

  /** Open a pull request from `head` (a branch of this repository, or of `headRepo` for a fork) into `base`. */
  createPullRequest(fullName: string, options: { head: string; base?: string; author?: string; title?: string; headRepo?: string }): PullState {
    const repo = this.repo(fullName);
    const base = options.base ?? repo.defaultBranch;
    const headRepo = options.headRepo ? this.repo(options.headRepo) : repo;
    const headSha = this.resolve(headRepo, options.head);
    const baseSha = this.resolve(repo, base);
    if (!headSha || !baseSha) throw new Error(`createPullRequest: unknown ref ${headSha ? base : options.head}`);
    const number = repo.nextNumber++;
    const user = this.user(options.author ?? 'octocat');
    const createdAt = this.now().toISOString();
    repo.issues.set(number, { title: options.title ?? `Pull request ${number}`, user, createdAt });
    const pull: PullState = {
      number, headRef: options.head, headSha, baseRef: base, baseSha, state: 'open', merged: false, user,
      title: options.title ?? `Pull request ${number}`, headRepo: headRepo.fullName, createdAt,
    };
    repo.pulls.set(number, pull);
    this.fetchPullHead(repo, headRepo, pull);
    return pull;
  }

  /**
   * GitHub keeps a pull request's head in the base repository (`refs/pull/<n>/head`), so the base
   * repository serves a fork's commits: the double copies the fork's objects over.
   */
  private fetchPullHead(repo: RepoState, headRepo: RepoState, pull: PullState): void {
    if (headRepo !== repo) for (const [sha, object] of headRepo.objects) if (!repo.objects.has(sha)) repo.objects.set(sha, object);
    repo.refs.set(`pull/${pull.number}/head`, pull.headSha);
  }

  /** Move a pull request's head to its branch's current commit (after {@link commit}). */
  syncPullRequest(fullName: string, number: number): PullState {
    const repo = this.repo(fullName);
    const pull = repo.pulls.get(number);
    if (!pull) throw new Error(`no pull request ${fullName}#${number}`);
    const headRepo = this.repo(pull.headRepo);
    pull.headSha = this.resolve(headRepo, pull.headRef) ?? pull.headSha;
    pull.baseSha = this.resolve(repo, pull.baseRef) ?? pull.baseSha;
    this.fetchPullHead(repo, headRepo, pull);
    return pull;
  }

  /** Open a plain issue (comments on issues and pull requests share the issue-comment API). */
  createIssue(fullName: string, options: { title?: string; author?: string } = {}): number {
    const repo = this.repo(fullName);
    const number = repo.nextNumber++;
    repo.issues.set(number, { title: options.title ?? `Issue ${number}`, user: this.user(options.author ?? 'octocat'), createdAt: this.now().toISOString() });
    return number;
  }

  /** Seed an existing comment (someone else's, or pave's own from an earlier run). */
  addComment(fullName: string, issueNumber: number, body: string, author = 'octocat'): CommentState {
    const repo = this.repo(fullName);
    if (!repo.issues.has(issueNumber)) throw new Error(`no issue ${fullName}#${issueNumber}`);
    const now = this.now().toISOString();
    const comment: CommentState = { id: this.id(), issueNumber, body, user: this.user(author), createdAt: now, updatedAt: now, reactions: [] };
    repo.comments.push(comment);
    return comment;
  }

  /** Seed a comment on a commit (someone else's, or pave's own from an earlier run). */
  addCommitComment(fullName: string, sha: string, body: string, author = 'octocat'): CommitCommentState {
    const repo = this.repo(fullName);
    if (repo.objects.get(sha)?.type !== 'commit') throw new Error(`no commit ${sha} in ${fullName}`);
    const now = this.now().toISOString();
    const comment: CommitCommentState = { id: this.id(), commitId: sha, body, user: this.user(author), createdAt: now, updatedAt: now };
    repo.commitComments.push(comment);
    return comment;
  }

  addInstallation(id: number, account: string): void {
    this.installations.set(id, { id, account: this.user(account) });
  }

  /** Organization memberships (`GET /user/memberships/orgs/{org}`), key `org/login` lower-cased. */
  readonly orgMembers = new Map<string, { role: 'member' | 'admin'; state: 'active' | 'pending' }>();

  addOrgMember(org: string, login: string, options: { role?: 'member' | 'admin'; state?: 'active' | 'pending' } = {}): void {
    this.orgMembers.set(`${org}/${login}`.toLowerCase(), { role: options.role ?? 'member', state: options.state ?? 'active' });
  }

  addTeamMember(org: string, team: string, login: string, options: { role?: 'member' | 'maintainer'; state?: 'active' | 'pending' } = {}): void {
    const key = `${org}/${team}`.toLowerCase();
    const members = this.teams.get(key) ?? new Map();
    members.set(login.toLowerCase(), { role: options.role ?? 'member', state: options.state ?? 'active' });
    this.teams.set(key, members);
  }

  setPermission(fullName: string, login: string, role: RoleName): void {
    this.user(login);
    this.repo(fullName).collaborators.set(login.toLowerCase(), role);
  }

  /** Record a webhook delivery as GitHub's delivery log would show it. */
  addDelivery(options: { guid?: string; event: string; action?: string; statusCode: number; deliveredAt?: string; redelivery?: boolean; installationId?: number; repositoryId?: number; payload?: string }): DeliveryState {
    const delivery: DeliveryState = {
      id: this.id(), guid: options.guid ?? crypto.randomUUID(), deliveredAt: options.deliveredAt ?? this.now().toISOString(),
      redelivery: options.redelivery ?? false, statusCode: options.statusCode, event: options.event, action: options.action ?? null,
      installationId: options.installationId ?? null, repositoryId: options.repositoryId ?? null,
      ...(options.payload !== undefined ? { payload: options.payload } : {}),
    };
    this.deliveries.push(delivery);
    return delivery;
  }
}
