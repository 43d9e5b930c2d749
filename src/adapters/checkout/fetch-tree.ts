/**
 * The work of one checkout, run inside a worker thread (checkout-worker.ts): a shallow fetch of
 * exactly one commit with isomorphic-git, then its tree written into a fresh directory by our own
 * walk, so that every path is checked before anything is written:
 *
 * - names are never empty, `.`, `..` or `.git` (any case) and never hold `/` or NUL;
 * - files are created with O_EXCL (`wx`) inside directories this walk created itself, and symbolic
 *   links are created last, so no write can go through a link; a link whose target is absolute or
 *   leaves the tree is refused; a duplicate name (a crafted tree) is refused;
 * - file count, file bytes and pack bytes are bounded, with errors that say which bound.
 *
 * Submodules (gitlinks) become empty directories.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import * as fs from 'node:fs';
import { posix, join } from 'node:path';
import * as git from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';

export interface FetchTreeInput {
  readonly url: string;
  readonly sha: string;
  readonly ref?: string;
  /** Bare repository to fetch into (created). */
  readonly gitdir: string;
  /** Directory the tree is written into (created, must not exist). */
  readonly dir: string;
  readonly credentials?: { readonly username: string; readonly password: string };
  readonly maxFiles: number;
  readonly maxBytes: number;
  readonly maxPackBytes: number;
  /** Commits fetched from `ref` when the sha is not served directly and is not the ref's tip. */
  readonly fallbackDepth: number;
}

export interface FetchTreeResult {
  readonly files: number;
  readonly bytes: number;
  /** How the commit came: by its sha, or through its ref. */
  readonly fetchedBy: 'sha' | 'ref';
}

/** A failure the parent turns into a domain error (`code` is a domain ErrorCode). */
export class CheckoutFailure extends Error {
  constructor(readonly code: 'config' | 'transient' | 'terminal' | 'not-found', message: string) {
    super(message);
  }
}

const SHA = /^[0-9a-f]{40}$/;

export async function fetchTree(input: FetchTreeInput): Promise<FetchTreeResult> {
  if (!SHA.test(input.sha)) throw new CheckoutFailure('config', `'${input.sha}' is not a full commit sha`);
  const where = redact(input.url);
  const http = boundedHttp(nodeHttp, input.maxPackBytes, where);
  const cache = {};
  const auth = input.credentials;
  const common = {
    fs, http, gitdir: input.gitdir, cache, remote: 'origin', singleBranch: true, tags: false,
    ...(auth ? {
      headers: { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` },
      onAuth: () => ({ username: auth.username, password: auth.password }),
      onAuthFailure: () => ({ cancel: true }),
    } : {}),
  };
  await git.init({ fs, gitdir: input.gitdir, bare: true, defaultBranch: 'pave-checkout' });
  await git.addRemote({ fs, gitdir: input.gitdir, remote: 'origin', url: input.url });

  let fetchedBy: 'sha' | 'ref' = 'sha';
  try {
    // A server that will not serve the sha answers with an error line that isomorphic-git does not
    // surface: whether the commit arrived is checked below either way.
    await git.fetch({ ...common, ref: input.sha, depth: 1 });
  } catch (err) {
    if (err instanceof CheckoutFailure) throw err;
    if (!(err instanceof git.Errors.NotFoundError) && !(err instanceof git.Errors.ParseError) && !(err instanceof git.Errors.InternalError)) throw classify(err, where);
  }
  if (!(await hasCommit(input.gitdir, input.sha, cache))) {
    fetchedBy = 'ref';
    const ref = input.ref ?? 'HEAD';
    try {
      await git.fetch({ ...common, ref, depth: 1 });
      if (!(await hasCommit(input.gitdir, input.sha, cache))) await git.fetch({ ...common, ref, depth: input.fallbackDepth });
    } catch (err) {
      if (err instanceof CheckoutFailure) throw err;
      if (err instanceof git.Errors.NotFoundError) throw new CheckoutFailure('not-found', `${where}: ref '${ref}' not found, and the server did not serve commit ${input.sha} by its sha`);
      throw classify(err, where);
    }
    if (!(await hasCommit(input.gitdir, input.sha, cache))) {
      throw new CheckoutFailure('not-found', `${where}: commit ${input.sha} not found (not served by its sha, and not among the last ${input.fallbackDepth} commits of '${ref}')`);
    }
  }

  const { commit } = await git.readCommit({ fs, gitdir: input.gitdir, oid: input.sha, cache });
  const { files, bytes } = await writeTree(input, commit.tree, cache);
  return { files, bytes, fetchedBy };
}

async function hasCommit(gitdir: string, oid: string, cache: object): Promise<boolean> {
  try {
    await git.readCommit({ fs, gitdir, oid, cache });
    return true;
  } catch {
    return false;
  }
}

async function writeTree(input: FetchTreeInput, rootTree: string, cache: object): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const links: { path: string; target: string }[] = [];
  await mkdir(input.dir, { recursive: false });
  const stack: { oid: string; rel: string }[] = [{ oid: rootTree, rel: '' }];
  while (stack.length > 0) {
    const { oid, rel } = stack.pop()!;
    const tree = await readTree(input.gitdir, oid, cache, rel);
    for (const entry of tree) {
      checkName(entry.path, rel);
      const path = rel ? `${rel}/${entry.path}` : entry.path;
      const abs = join(input.dir, path);
      if (entry.type === 'tree' || entry.type === 'commit') {
        await mkdir(abs).catch((err: unknown) => rethrowExisting(err, path));
        if (entry.type === 'tree') stack.push({ oid: entry.oid, rel: path });
        continue;
      }
      files++;
      if (files > input.maxFiles) throw new CheckoutFailure('terminal', `the commit has more than ${input.maxFiles} files (the checkout limit)`);
      const { blob } = await git.readBlob({ fs, gitdir: input.gitdir, oid: entry.oid, cache });
      bytes += blob.byteLength;
      if (bytes > input.maxBytes) throw new CheckoutFailure('terminal', `the commit's files exceed ${input.maxBytes} bytes (the checkout limit)`);
      if (entry.mode === '120000') {
        links.push({ path, target: Buffer.from(blob).toString('utf8') });
        continue;
      }
      await writeFile(abs, blob, { flag: 'wx', mode: entry.mode === '100755' ? 0o755 : 0o644 }).catch((err: unknown) => rethrowExisting(err, path));
    }
  }
  for (const link of links) {
    if (link.target.includes('\0') || posix.isAbsolute(link.target)) throw hostile(`symbolic link '${link.path}' points to an absolute path`);
    const resolved = posix.normalize(posix.join(posix.dirname(link.path), link.target));
    if (resolved === '..' || resolved.startsWith('../')) throw hostile(`symbolic link '${link.path}' points outside the repository`);
    await symlink(link.target, join(input.dir, link.path)).catch((err: unknown) => rethrowExisting(err, link.path));
  }
  return { files, bytes };
}

/** isomorphic-git already refuses some unsafe names while parsing a tree: reported as hostile too. */
async function readTree(gitdir: string, oid: string, cache: object, rel: string): Promise<git.TreeObject> {
  try {
    return (await git.readTree({ fs, gitdir, oid, cache })).tree;
  } catch (err) {
    if (err instanceof git.Errors.UnsafeFilepathError) throw hostile(`a tree entry under ${JSON.stringify(rel || '/')} has an unsafe name (${err.message})`);
    throw err;
  }
}

function checkName(name: string, rel: string): void {
  const shown = JSON.stringify(rel ? `${rel}/${name}` : name);
  if (name === '' || name === '.' || name === '..') throw hostile(`tree entry ${shown} is not a file name`);
  if (name.includes('/') || name.includes('\0')) throw hostile(`tree entry ${shown} holds a path separator or NUL`);
  if (name.toLowerCase() === '.git') throw hostile(`tree entry ${shown} would write into a .git directory`);
}

function rethrowExisting(err: unknown, path: string): never {
  if ((err as { code?: unknown }).code === 'EEXIST') throw hostile(`path '${path}' appears twice in the tree`);
  throw err;
}

function hostile(what: string): CheckoutFailure {
  return new CheckoutFailure('terminal', `refused to check out a hostile tree: ${what}`);
}

/** Counts response bytes and fails past `max` (isomorphic-git holds a whole pack in memory). */
function boundedHttp(http: HttpClient, max: number, where: string): HttpClient {
  return {
    async request(request: GitHttpRequest): Promise<GitHttpResponse> {
      const response = await http.request(request);
      const body = response.body;
      if (!body) return response;
      async function* counted(): AsyncGenerator<Uint8Array> {
        let seen = 0;
        for await (const chunk of body!) {
          seen += chunk.byteLength;
          if (seen > max) throw new CheckoutFailure('terminal', `${where} sent more than ${max} bytes for one commit (the checkout's download limit)`);
          yield chunk;
        }
      }
      return { ...response, body: counted() };
    },
  };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** By error class, HTTP status and Node error code (never by message text). */
function classify(err: unknown, where: string): unknown {
  if (err instanceof git.Errors.HttpError) {
    const status = err.data.statusCode;
    if (status === 401 || status === 403) return new CheckoutFailure('terminal', `${where} refused the credentials (HTTP ${status})`);
    if (status === 404) return new CheckoutFailure('not-found', `${where} not found (HTTP 404): check that the installation can see the repository`);
    if (status === 408 || status === 429 || status >= 500) return new CheckoutFailure('transient', `${where} answered HTTP ${status}`);
    return new CheckoutFailure('terminal', `${where} answered HTTP ${status}`);
  }
  if (err instanceof git.Errors.UserCanceledError) return new CheckoutFailure('terminal', `${where} refused the credentials`);
  if (err instanceof git.Errors.SmartHttpError || err instanceof git.Errors.UrlParseError || err instanceof git.Errors.UnknownTransportError) {
    return new CheckoutFailure('config', `${where} is not a git smart-HTTP repository URL`);
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return new CheckoutFailure('transient', `${where} unreachable (${code})`);
  return err;
}

/** The URL without credentials or query (for messages). */
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'the repository';
  }
}
