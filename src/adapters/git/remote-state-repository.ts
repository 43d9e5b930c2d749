/**
 * The state repository on a git server (GitHub in production), pushed to with the installation
 * token. pave keeps a bare mirror of the state branch in `dir`: the first fetch into the empty
 * mirror is the clone (single branch, full history, no tags); later ones bring only new commits.
 * Full, not shallow: isomorphic-git re-downloads the whole snapshot when fetching into a shallow
 * clone (docs/research stack §4).
 *
 * Every read and every commit starts by asking the server for the branch head (and fetching when
 * the mirror is behind), so what pave reads (the secrets it holds, the
 * state the planner compares with) is the server's, not a stale copy. A commit is built on the
 * fetched head and pushed without force. The server moves the branch only if it still points at
 * the head we built on (receive-pack's own compare-and-swap), so writers in other processes or on
 * other machines never lose each other's commits: when the push is rejected because the branch
 * moved, pave fetches again, re-applies the same change set on the new head and pushes again, a
 * bounded number of times. A push refused while the branch did *not* move (a protected branch, a
 * hook) is not a race and fails at once.
 *
 * Credentials: `auth()` is asked before each operation and sent in an Authorization header, and
 * through isomorphic-git's `onAuth` when the server asks again (an expired token). The URL must not
 * carry them, so that no error message or log line can.
 *
 * Writes of one process queue on a mutex per mirror directory. Processes may share a mirror: every
 * file isomorphic-git writes is written atomically (atomic-fs.ts), objects are content-addressed,
 * and each push uses its own temporary local ref.
 */
import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as git from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import type { StateChange } from '../../domain/apply.js';
import { ConfigError, TerminalError, TransientError } from '../../domain/errors.js';
import { atomicFs } from './atomic-fs.js';
import { commitOnTop, DEFAULT_CACHE_BYTES, ensureBareRepository, readFilesOf, type Author, type FilteringStateRepository } from './bare-repository.js';
import { toDomainError } from './errors.js';
import { withIdleTimeout } from './http-timeout.js';
import { backoffMs, mutexFor, sleep } from './mutex.js';
import { ObjectCache } from './object-cache.js';
import type { ObjectStore } from './tree-changes.js';

export interface GitCredentials {
  /** `x-access-token` for a GitHub App installation token. */
  readonly username: string;
  readonly password: string;
}

export interface RemoteStateRepositoryOptions {
  /** HTTPS URL of the repository, without credentials (`https://github.com/acme/platform-state.git`). */
  readonly url: string;
  /** The local bare mirror (a cache: deleting it costs one clone). */
  readonly dir: string;
  /** Current credentials; called before each fetch and push, so it should cache the token. */
  readonly auth: () => Promise<GitCredentials>;
  /** @defaultValue isomorphic-git's Node client */
  readonly http?: git.HttpClient;
  /** @defaultValue `'main'` */
  readonly branch?: string;
  /**
   * Fetch-rebuild-push attempts before giving up with a {@link TransientError}.
   * @defaultValue 8
   */
  readonly maxAttempts?: number;
  /**
   * Memory for parsed trees and files kept between reads, in bytes.
   * @defaultValue 64 MiB
   */
  readonly cacheBytes?: number;
  /**
   * A request is abandoned when the server sends nothing for this long, in milliseconds.
   * @defaultValue 60000
   */
  readonly idleTimeoutMs?: number;
}

export function createRemoteStateRepository(options: RemoteStateRepositoryOptions): FilteringStateRepository {
  const { url, dir } = options;
  assertNoCredentials(url);
  const branch = options.branch ?? 'main';
  const maxAttempts = options.maxAttempts ?? 8;
  const http = withIdleTimeout(options.http ?? nodeHttp, options.idleTimeoutMs ?? 60_000);
  const store: ObjectStore = { gitdir: dir, cache: {}, objects: new ObjectCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES) };
  const mutex = mutexFor(dir);
  const onAuth = async () => {
    const { username, password } = await options.auth();
    return { username, password };
  };
  const authorization = async () => {
    const { username, password } = await options.auth();
    return { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
  };

  let ready: Promise<void> | undefined;
  /** The mirror exists, and fetches from `url` into `refs/remotes/origin/*`. */
  const ensureMirror = () => {
    ready ??= (async () => {
      const addOrigin = (gitdir: string) => git.addRemote({ fs: atomicFs, gitdir, remote: 'origin', url, force: true });
      await ensureBareRepository(dir, branch, addOrigin);
      // A mirror made for another URL: point it at this one (objects it holds do no harm).
      if ((await git.getConfig({ fs: atomicFs, gitdir: dir, path: 'remote.origin.url' })) !== url) await addOrigin(dir);
    })().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    return ready;
  };

  /**
   * The branch head on the server, now in the mirror; undefined while the branch does not exist.
   * One round trip when the mirror is already up to date (the usual case for a single writer,
   * whose own push updated it), a fetch otherwise.
   */
  async function fetchHead(): Promise<string | undefined> {
    try {
      await ensureMirror();
      const advertised = await git.listServerRefs({
        http, url, prefix: `refs/heads/${branch}`, protocolVersion: 1, headers: await authorization(), onAuth,
      });
      const head = advertised.find((r) => r.ref === `refs/heads/${branch}`)?.oid;
      if (head === undefined) return undefined;
      if (head === (await mirrored())) return head;
      const result = await git.fetch({
        fs: atomicFs, http, gitdir: dir, url, ref: branch, singleBranch: true, tags: false,
        headers: await authorization(), onAuth, cache: store.cache,
      });
      return result.fetchHead ?? head;
    } catch (err) {
      throw toDomainError(err, url);
    }
  }

  /** What the mirror last fetched or pushed (written only once the objects are in). */
  async function mirrored(): Promise<string | undefined> {
    try {
      return await git.resolveRef({ fs: atomicFs, gitdir: dir, ref: `refs/remotes/origin/${branch}` });
    } catch (err) {
      if (err instanceof git.Errors.NotFoundError) return undefined;
      throw err;
    }
  }

  async function push(commit: string): Promise<'pushed' | 'moved' | { refused: unknown }> {
    const ref = `refs/pave/push-${process.pid}-${randomBytes(6).toString('hex')}`;
    await git.writeRef({ fs: atomicFs, gitdir: dir, ref, value: commit, force: true });
    try {
      await git.push({
        fs: atomicFs, http, gitdir: dir, url, ref, remoteRef: `refs/heads/${branch}`,
        headers: await authorization(), onAuth, cache: store.cache,
      });
      return 'pushed';
    } catch (err) {
      // Detected by isomorphic-git before sending: the branch moved since our fetch.
      if (err instanceof git.Errors.PushRejectedError) return 'moved';
      // Refused by the server: the branch moved in between (its compare-and-swap failed), or a
      // rule forbids the update. The next fetch tells which.
      if (err instanceof git.Errors.GitPushError) return { refused: err };
      throw toDomainError(err, url);
    } finally {
      await unlink(join(dir, ref)).catch(() => undefined);
    }
  }

  return {
    async readFiles(prefix: string, include?: (path: string) => boolean) {
      return mutex.run(async () => readFilesOf(store, await fetchHead(), prefix, include));
    },

    async commit(changes: StateChange, message: string, author: Author) {
      return mutex.run(async () => {
        let refused: { parent: string | undefined; error: unknown } | undefined;
        for (let attempt = 0; ; attempt++) {
          const parent = await fetchHead();
          if (refused && refused.parent === parent) {
            throw new TerminalError(`state repository ${url} refused the push to ${branch} (a protected branch or a hook?)`, { cause: refused.error });
          }
          const commit = await commitOnTop(store, parent, changes, message, author);
          if (commit === undefined) return parent!;
          const outcome = await push(commit);
          if (outcome === 'pushed') return commit;
          refused = outcome === 'moved' ? undefined : { parent, error: outcome.refused };
          if (attempt + 1 >= maxAttempts) {
            throw new TransientError(`state repository ${url}: ${branch} kept moving, gave up after ${maxAttempts} attempts`);
          }
          await sleep(backoffMs(attempt, 50, 2000));
        }
      });
    },
  };
}

function assertNoCredentials(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new ConfigError('the state repository URL is not a URL', { cause: err });
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new ConfigError('the state repository URL must not carry credentials: pave authenticates with the installation token');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigError(`the state repository URL must be http(s), not ${parsed.protocol}`);
  }
}
