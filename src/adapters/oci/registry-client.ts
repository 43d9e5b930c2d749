/**
 * A client of the OCI distribution API (v2) over Node's fetch: ping, authentication (anonymous,
 * Basic, and the Bearer token challenge), blob HEAD/GET, uploads (monolithic POST → PUT, chunked
 * POST → PATCH… → PUT, cross-repository mount), manifests GET/PUT with their media types.
 *
 * Retries: requests that can be repeated (no body, or a buffer) are retried on 5xx, 408, 429 and
 * network errors with exponential backoff (429's Retry-After honoured); an upload session is
 * restarted from its POST as a whole. Everything else fails with a typed error that names the
 * registry, repository, operation, status and the registry's error JSON (errors.ts).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { RateLimitedError, TerminalError, TransientError } from '../../domain/errors.js';
import { parseChallenge, repositoryScope, type Challenge, type RegistryCredentials } from './auth.js';
import { describeSite, networkError, statusError, type RegistryCallSite } from './errors.js';

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociManifest, MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifest, MEDIA_TYPES.dockerManifestList];

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export interface RegistryClientOptions {
  readonly credentials?: RegistryCredentials;
  /** Speak plain HTTP (default: only for loopback hosts). */
  readonly plainHttp?: boolean;
  /** Attempts per request or upload session, including the first (default 5). */
  readonly attempts?: number;
  /** First backoff delay; doubles per attempt up to `maxBackoffMs` (defaults 500 / 10,000 ms). */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Blobs bigger than this are uploaded in PATCH chunks of this size (default 64 MiB). */
  readonly chunkSize?: number;
  /** Largest manifest or config read into memory (default 4 MiB). */
  readonly maxManifestBytes?: number;
  readonly userAgent?: string;
  /** Observe every HTTP exchange (tests, metrics). Never sees headers. */
  readonly onExchange?: (exchange: { readonly method: string; readonly path: string; readonly status: number }) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface Manifest {
  readonly mediaType: string;
  readonly digest: string;
  readonly bytes: Buffer;
}

/** An upload session (its Location), or the blob mounted. */
export type UploadStart = { readonly mounted: true } | { readonly mounted: false; readonly location: string };

export interface BlobSource {
  readonly digest: string;
  readonly size: number;
  /** A fresh stream of the blob's bytes from `start` (inclusive) to `end` (exclusive). */
  open(start: number, end: number): Readable;
}

type BodyFactory = () => Buffer | Readable;

interface RequestSpec {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path below the registry root (`/v2/...`) or an absolute URL (an upload Location). */
  readonly url: string;
  readonly site: RegistryCallSite;
  readonly scopes: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: BodyFactory;
  /** Whether this request alone may be repeated (default: only without a streamed body). */
  readonly retry?: boolean;
  readonly expect: readonly number[];
  readonly signal?: AbortSignal;
}

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

const isLoopback = (host: string): boolean => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(host);

export class RegistryClient {
  readonly baseUrl: string;
  private challenge: Challenge | null | undefined;
  private readonly tokens = new Map<string, Promise<CachedToken>>();
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  readonly chunkSize: number;
  private readonly maxManifestBytes: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(readonly host: string, private readonly options: RegistryClientOptions = {}) {
    if (!/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/.test(host)) throw new TerminalError(`registry host ${JSON.stringify(host)} is not host[:port]`);
    this.baseUrl = `${(options.plainHttp ?? isLoopback(host)) ? 'http' : 'https'}://${host}`;
    this.attempts = Math.max(1, options.attempts ?? 5);
    this.backoffMs = options.backoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.chunkSize = options.chunkSize ?? 64 * 1024 * 1024;
    this.maxManifestBytes = options.maxManifestBytes ?? 4 * 1024 * 1024;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** `GET /v2/`: checks the registry speaks the API and learns its authentication challenge. */
  async ping(signal?: AbortSignal): Promise<void> {
    const site = { registry: this.host, operation: 'GET /v2/' };
    await this.retrying(site, async () => {
      const response = await this.fetchOnce('GET', '/v2/', site, undefined, {}, signal);
      await response.body?.cancel();
      if (response.status === 401) {
        this.challenge = parseChallenge(response.headers.get('www-authenticate')) ?? null;
        return;
      }
      if (response.status !== 200) throw statusError(site, response.status, '');
      this.challenge = null;
    });
  }

  /** The blob's size when the repository has it, `undefined` when not. */
  async blobSize(repository: string, digest: string, signal?: AbortSignal): Promise<number | undefined> {
    const response = await this.request({
      method: 'HEAD', url: `/v2/${repository}/blobs/${digest}`, scopes: [repositoryScope(repository, 'pull')],
      site: { registry: this.host, repository, operation: `HEAD blob ${digest}` }, expect: [200, 404], signal,
    });
    await response.body?.cancel();
    if (response.status === 404) return undefined;
    const length = Number(response.headers.get('content-length'));
    return Number.isFinite(length) ? length : 0;
  }

  /** A blob's bytes as a stream (redirects to storage followed). */
  async getBlob(repository: string, digest: string, signal?: AbortSignal, retry = true): Promise<Readable> {
    const response = await this.request({
      method: 'GET', url: `/v2/${repository}/blobs/${digest}`, scopes: [repositoryScope(repository, 'pull')],
      site: { registry: this.host, repository, operation: `GET blob ${digest}` }, expect: [200], signal, retry,
    });
    if (!response.body) throw new TransientError(`${describeSite({ registry: this.host, repository, operation: `GET blob ${digest}` })}: empty body`);
    return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  }

  /** A small blob (an image config) read into memory, its digest verified. */
  async getSmallBlob(repository: string, digest: string, signal?: AbortSignal): Promise<Buffer> {
    const site = { registry: this.host, repository, operation: `GET blob ${digest}` };
    return this.retrying(site, async () => {
      const stream = await this.getBlob(repository, digest, signal, false);
      const bytes = await readCapped(stream, this.maxManifestBytes, site);
      if (sha256(bytes) !== digest) throw new TerminalError(`${describeSite(site)}: content does not match its digest (got ${sha256(bytes)})`);
      return bytes;
    });
  }

  /**
   * Start an upload session; with `mountFrom`, ask the registry to mount the blob from another
   * repository of the same registry first (201: mounted, nothing to upload; 202: a session).
   */
  async startUpload(
    repository: string, mountFrom?: { readonly digest: string; readonly repository: string }, signal?: AbortSignal, retry = true,
  ): Promise<UploadStart> {
    const query = mountFrom ? `?mount=${encodeURIComponent(mountFrom.digest)}&from=${encodeURIComponent(mountFrom.repository)}` : '';
    const scopes = [repositoryScope(repository, 'pull,push'), ...(mountFrom ? [repositoryScope(mountFrom.repository, 'pull')] : [])];
    const operation = mountFrom ? `mount blob ${mountFrom.digest} from ${mountFrom.repository}` : 'start blob upload';
    const response = await this.request({
      method: 'POST', url: `/v2/${repository}/blobs/uploads/${query}`, scopes, retry,
      site: { registry: this.host, repository, operation }, expect: [201, 202], signal,
      headers: { 'content-length': '0' },
    });
    await response.body?.cancel();
    if (response.status === 201 && mountFrom) return { mounted: true };
    return { mounted: false, location: this.location(response, { registry: this.host, repository, operation }) };
  }

  /**
   * Upload a blob: one PUT when it fits in a chunk, else PATCH chunks then PUT `?digest=`. The
   * session is restarted from a new POST when it fails transiently. `location` reuses a session
   * from {@link startUpload} for the first attempt.
   */
  async uploadBlob(repository: string, blob: BlobSource, location?: string, signal?: AbortSignal): Promise<void> {
    const site = { registry: this.host, repository, operation: `upload blob ${blob.digest}` };
    let session = location;
    await this.retrying(site, async () => {
      const start = session ?? (await this.startUploadSession(repository, signal));
      session = undefined;
      if (blob.size <= this.chunkSize) {
        await this.finishUpload(repository, start, blob.digest, () => blob.open(0, blob.size), signal);
        return;
      }
      let at = start;
      for (let offset = 0; offset < blob.size; offset += this.chunkSize) {
        const end = Math.min(blob.size, offset + this.chunkSize);
        at = await this.patchChunk(repository, at, offset, end, () => blob.open(offset, end), blob.digest, signal);
      }
      await this.finishUpload(repository, at, blob.digest, undefined, signal);
    });
  }

  /**
   * Stream a blob from another client (another registry, or the same registry when mounting was
   * refused) into `repository`, verifying its digest and size before the upload is committed.
   */
  async copyBlobFrom(
    source: RegistryClient, sourceRepository: string, repository: string, digest: string, size: number,
    location?: string, signal?: AbortSignal,
  ): Promise<void> {
    const site = { registry: this.host, repository, operation: `copy blob ${digest} from ${source.host}/${sourceRepository}` };
    let session = location;
    await this.retrying(site, async () => {
      const start = session ?? (await this.startUploadSession(repository, signal));
      session = undefined;
      const hash = createHash('sha256');
      let bytes = 0;
      const input = await source.getBlob(sourceRepository, digest, signal, false);
      const tapped = Readable.from((async function* () {
        for await (const chunk of input as AsyncIterable<Buffer>) {
          hash.update(chunk);
          bytes += chunk.length;
          if (bytes > size) throw new TerminalError(`${describeSite(site)}: the source sent more than the ${size} bytes its manifest declares`);
          yield chunk;
        }
      })());
      const next = await this.patchChunk(repository, start, 0, undefined, () => tapped, digest, signal);
      const got = `sha256:${hash.digest('hex')}`;
      if (got !== digest || bytes !== size) {
        await this.cancelUpload(repository, next);
        throw new TerminalError(`${describeSite(site)}: the source's bytes do not match the digest (got ${got}, ${bytes} bytes; expected ${size})`);
      }
      await this.finishUpload(repository, next, digest, undefined, signal);
    });
  }

  /** Fetch a manifest (or index) by tag or digest; a digest reference is verified against the bytes. */
  async getManifest(repository: string, reference: string, signal?: AbortSignal): Promise<Manifest> {
    const site = { registry: this.host, repository, operation: `GET manifest ${reference}` };
    return this.retrying(site, async () => {
      const response = await this.request({
        method: 'GET', url: `/v2/${repository}/manifests/${reference}`, scopes: [repositoryScope(repository, 'pull')],
        site, expect: [200], headers: { accept: MANIFEST_ACCEPT.join(', ') }, signal, retry: false,
      });
      const bytes = await readCapped(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), this.maxManifestBytes, site);
      const digest = sha256(bytes);
      if (DIGEST_RE.test(reference) && digest !== reference) {
        throw new TerminalError(`${describeSite(site)}: manifest content does not match the digest it was fetched by (got ${digest})`);
      }
      const headerType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
      let bodyType: unknown;
      try {
        bodyType = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown }).mediaType;
      } catch {
        throw new TerminalError(`${describeSite(site)}: the manifest is not JSON`);
      }
      const mediaType = typeof bodyType === 'string' ? bodyType : headerType;
      return { mediaType, digest, bytes };
    });
  }

  /** PUT a manifest under a tag or its digest; returns the digest. */
  async putManifest(repository: string, reference: string, mediaType: string, bytes: Buffer, signal?: AbortSignal): Promise<string> {
    const response = await this.request({
      method: 'PUT', url: `/v2/${repository}/manifests/${reference}`, scopes: [repositoryScope(repository, 'pull,push')],
      site: { registry: this.host, repository, operation: `PUT manifest ${reference}` }, expect: [201],
      headers: { 'content-type': mediaType }, body: () => bytes, retry: true, signal,
    });
    await response.body?.cancel();
    return sha256(bytes);
  }

  // ---- internals ------------------------------------------------------------------------------

  private async startUploadSession(repository: string, signal?: AbortSignal): Promise<string> {
    const started = await this.startUpload(repository, undefined, signal, false);
    if (started.mounted) throw new TerminalError(`registry ${this.host}: upload start answered as a mount`);
    return started.location;
  }

  private async patchChunk(
    repository: string, location: string, start: number, end: number | undefined, body: BodyFactory, digest: string, signal?: AbortSignal,
  ): Promise<string> {
    const site = { registry: this.host, repository, operation: `PATCH blob ${digest} bytes ${start}-${end ?? '…'}` };
    const response = await this.request({
      method: 'PATCH', url: location, scopes: [repositoryScope(repository, 'pull,push')], site, expect: [202], body, retry: false,
      headers: {
        'content-type': 'application/octet-stream',
        ...(end !== undefined ? { 'content-range': `${start}-${end - 1}`, 'content-length': String(end - start) } : {}),
      },
      signal,
    });
    await response.body?.cancel();
    return this.location(response, site);
  }

  private async finishUpload(repository: string, location: string, digest: string, body: BodyFactory | undefined, signal?: AbortSignal): Promise<void> {
    const url = new URL(location, this.baseUrl);
    url.searchParams.set('digest', digest);
    const response = await this.request({
      method: 'PUT', url: url.toString(), scopes: [repositoryScope(repository, 'pull,push')], retry: false,
      site: { registry: this.host, repository, operation: `PUT blob ${digest}` }, expect: [201],
      headers: { 'content-type': 'application/octet-stream', ...(body === undefined ? { 'content-length': '0' } : {}) },
      ...(body !== undefined ? { body } : {}),
      signal,
    });
    await response.body?.cancel();
  }

  private async cancelUpload(repository: string, location: string): Promise<void> {
    try {
      const response = await this.request({
        method: 'DELETE', url: location, scopes: [repositoryScope(repository, 'pull,push')],
        site: { registry: this.host, repository, operation: 'cancel upload' }, expect: [204, 404], retry: false,
      });
      await response.body?.cancel();
    } catch {
      // best effort: the registry expires abandoned sessions
    }
  }

  private location(response: Response, site: RegistryCallSite): string {
    const location = response.headers.get('location');
    if (!location) throw new TerminalError(`${describeSite(site)}: HTTP ${response.status} without a Location header`);
    return new URL(location, this.baseUrl).toString();
  }

  /** Run `fn` again on transient failures and rate limits, with backoff. */
  private async retrying<T>(site: RegistryCallSite, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const error = networkError(site, err);
        const retryable = error instanceof TransientError || error instanceof RateLimitedError;
        if (!retryable || attempt >= this.attempts) throw error;
        const backoff = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempt - 1));
        const delay = error instanceof RateLimitedError ? Math.min(this.maxBackoffMs, Math.max(backoff, error.retryAfterMs)) : backoff;
        await this.sleep(Math.round(delay * (0.8 + 0.4 * Math.random())));
      }
    }
  }

  /** One exchange with authentication; retried alone when `spec.retry` allows. */
  private async request(spec: RequestSpec): Promise<Response> {
    const once = async (): Promise<Response> => {
      if (this.challenge === undefined) await this.ping(spec.signal);
      let auth = await this.authorization(spec.scopes, spec.site, false);
      let response = await this.fetchOnce(spec.method, spec.url, spec.site, spec.body, { ...spec.headers, ...(auth ? { authorization: auth } : {}) }, spec.signal);
      if (response.status === 401) {
        await response.body?.cancel();
        const challenge = parseChallenge(response.headers.get('www-authenticate'));
        const canRetry = spec.body === undefined || spec.retry === true;
        if (challenge && canRetry) {
          this.challenge = challenge;
          auth = await this.authorization(spec.scopes, spec.site, true, challenge.scheme === 'bearer' ? challenge.scope : undefined);
          if (auth !== undefined) {
            response = await this.fetchOnce(spec.method, spec.url, spec.site, spec.body, { ...spec.headers, authorization: auth }, spec.signal);
          }
        }
        if (response.status === 401) {
          throw new TerminalError(`${describeSite(spec.site)} → HTTP 401: the registry requires authentication and ${
            this.options.credentials ? 'refused the configured credentials' : `no credentials are configured for ${this.host}`}`);
        }
      }
      if (!spec.expect.includes(response.status)) {
        const text = await readErrorBody(response);
        throw statusError(spec.site, response.status, text, retryAfterMs(response.headers.get('retry-after')));
      }
      return response;
    };
    return spec.retry === false || (spec.body !== undefined && spec.retry !== true) ? this.translate(spec.site, once) : this.retrying(spec.site, once);
  }

  private async translate<T>(site: RegistryCallSite, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw networkError(site, err);
    }
  }

  private async fetchOnce(
    method: string, url: string, site: RegistryCallSite, body: BodyFactory | undefined, headers: Record<string, string>, signal?: AbortSignal,
  ): Promise<Response> {
    const target = new URL(url, this.baseUrl);
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      headers: { 'user-agent': this.options.userAgent ?? 'pave', ...headers },
      redirect: 'follow',
      ...(signal ? { signal } : {}),
    };
    if (body !== undefined) {
      const value = body();
      init.body = Buffer.isBuffer(value) ? value : (value as unknown as AsyncIterable<Uint8Array>) as unknown as RequestInit['body'];
      if (!Buffer.isBuffer(value)) init.duplex = 'half';
    }
    let response: Response;
    try {
      response = await fetch(target, init);
    } catch (err) {
      throw networkError(site, err);
    }
    this.options.onExchange?.({ method, path: target.pathname, status: response.status });
    return response;
  }

  /** The Authorization header for these scopes, if the registry asked for one. */
  private async authorization(scopes: readonly string[], site: RegistryCallSite, fresh: boolean, extraScope?: string): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    const credentials = this.options.credentials;
    if (challenge.scheme === 'basic') return credentials?.basicHeader();
    const all = [...new Set([...scopes, ...(extraScope ? extraScope.split(' ') : [])])].sort();
    const key = all.join(' ');
    const cached = this.tokens.get(key);
    if (!fresh && cached) {
      // Concurrent requests for the same scopes share one token request.
      const token = await cached.catch(() => undefined);
      if (token && token.expiresAt > Date.now()) return `Bearer ${token.token}`;
    }
    const pending = this.fetchToken(challenge, all, site);
    this.tokens.set(key, pending);
    pending.catch(() => {
      if (this.tokens.get(key) === pending) this.tokens.delete(key);
    });
    return `Bearer ${(await pending).token}`;
  }

  private async fetchToken(challenge: Extract<Challenge, { scheme: 'bearer' }>, scopes: readonly string[], site: RegistryCallSite): Promise<CachedToken> {
    let realm: URL;
    try {
      realm = new URL(challenge.realm);
    } catch {
      throw new TerminalError(`${describeSite(site)}: the registry's token realm ${JSON.stringify(challenge.realm)} is not a URL`);
    }
    if (challenge.service !== undefined) realm.searchParams.set('service', challenge.service);
    for (const scope of scopes) realm.searchParams.append('scope', scope);
    const credentials = this.options.credentials;
    const tokenSite = { ...site, operation: `${site.operation} (token from ${realm.host})` };
    let response: Response;
    try {
      response = await fetch(realm, { headers: { 'user-agent': this.options.userAgent ?? 'pave', ...(credentials ? { authorization: credentials.basicHeader() } : {}) } });
    } catch (err) {
      throw networkError(tokenSite, err);
    }
    if (response.status !== 200) {
      const text = await readErrorBody(response);
      if (response.status === 401 || response.status === 403) {
        throw new TerminalError(`${describeSite(tokenSite)} → HTTP ${response.status}: the token service refused ${credentials ? 'the configured credentials' : 'anonymous access'} (${text.slice(0, 200)})`);
      }
      throw statusError(tokenSite, response.status, text, retryAfterMs(response.headers.get('retry-after')));
    }
    const json = (await response.json()) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
    const token = typeof json.token === 'string' ? json.token : typeof json.access_token === 'string' ? json.access_token : undefined;
    if (token === undefined) throw new TerminalError(`${describeSite(tokenSite)}: the token service answered without a token`);
    const expiresIn = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 60;
    return { token, expiresAt: Date.now() + Math.max(0, expiresIn - 10) * 1000 };
  }
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function readCapped(stream: Readable, max: number, site: RegistryCallSite): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) {
      stream.destroy();
      throw new TerminalError(`${describeSite(site)}: larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function readErrorBody(response: Response): Promise<string> {
  try {
    const text = await response.text();
    return text.slice(0, 8_192);
  } catch {
    return '';
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}
