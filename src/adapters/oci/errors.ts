/**
 * Registry failures as pave's typed errors, decided by HTTP status and Node error code:
 *
 * | failure | error |
 * |---|---|
 * | 401, 403 (no or wrong credentials, no push permission) | {@link TerminalError} |
 * | 404 (unknown repository, manifest or blob) | {@link NotFoundError} |
 * | 429 | {@link RateLimitedError} (Retry-After honoured) |
 * | 408, 5xx; connection refused/reset, DNS, timeouts | {@link TransientError} |
 * | other 4xx (invalid manifest, digest mismatch, bad name) | {@link TerminalError} |
 *
 * Messages name the registry host, the repository, the operation, the status and the registry's
 * own error JSON (`{"errors":[{"code","message","detail"}]}`); never a credential.
 */
import { NotFoundError, PaveError, RateLimitedError, TerminalError, TransientError } from '../../domain/errors.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EPROTO', 'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/** Where a registry call went: for messages. */
export interface RegistryCallSite {
  readonly registry: string;
  readonly repository?: string;
  /** e.g. `PUT manifest v1`, `HEAD blob sha256:…`. */
  readonly operation: string;
}

export function describeSite(site: RegistryCallSite): string {
  return `registry ${site.registry}${site.repository ? `, repository ${site.repository}` : ''}: ${site.operation}`;
}

/** The registry's error JSON, shortened to something a comment can show. */
export function summarizeRegistryErrors(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: unknown; message?: unknown; detail?: unknown }> };
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      return parsed.errors
        .slice(0, 5)
        .map((e) => {
          const detail = e.detail === undefined || e.detail === null ? '' : ` (${truncate(JSON.stringify(e.detail), 300)})`;
          return `${String(e.code ?? 'UNKNOWN')}: ${String(e.message ?? '')}${detail}`;
        })
        .join('; ');
    }
  } catch {
    // not JSON: fall through
  }
  const text = body.trim();
  return text === '' ? '(empty body)' : truncate(text.replace(/\s+/g, ' '), 300);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** An error for an HTTP answer that was not what the operation expects. */
export function statusError(site: RegistryCallSite, status: number, body: string, retryAfterMs?: number): PaveError {
  const what = `${describeSite(site)} → HTTP ${status} ${summarizeRegistryErrors(body)}`;
  if (status === 401 || status === 403) {
    return new TerminalError(`${what}. The registry refused the credentials; check the registry credentials configured for ${site.registry} and their permissions on the repository`);
  }
  if (status === 404) return new NotFoundError(what);
  if (status === 429) return new RateLimitedError(what, retryAfterMs ?? 1_000);
  if (status === 408 || status >= 500) return new TransientError(what);
  return new TerminalError(what);
}

/** Translate a thrown network error; anything not understood (a bug) passes unchanged. */
export function networkError(site: RegistryCallSite, err: unknown): unknown {
  if (err instanceof PaveError) return err;
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const code = codeOf(err) ?? codeOf(cause);
    if ((code !== undefined && NETWORK_CODES.has(code)) || err.name === 'TimeoutError' || (err.name === 'TypeError' && err.message === 'fetch failed')) {
      return new TransientError(`${describeSite(site)}: registry unreachable (${code ?? err.name})`, { cause: err });
    }
  }
  return err;
}

function codeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
