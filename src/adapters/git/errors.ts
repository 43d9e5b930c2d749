/**
 * isomorphic-git and network failures as pave's typed errors, decided by error class, HTTP status
 * and Node error code (never by message text):
 *
 * | failure | error |
 * |---|---|
 * | HTTP 401, 403 (bad or expired token, no push permission) | {@link TerminalError} |
 * | HTTP 404 (wrong URL, or a repository the installation cannot see) | {@link ConfigError} |
 * | HTTP 408, 429, 5xx; connection refused/reset, DNS, timeouts | {@link TransientError} |
 * | not a git server, unparseable URL, unsupported transport | {@link ConfigError} |
 * | other HTTP statuses, a cancelled authentication | {@link TerminalError} |
 *
 * Messages name the repository by its URL, which never carries credentials (see
 * remote-state-repository.ts).
 */
import * as git from 'isomorphic-git';
import { ConfigError, PaveError, TerminalError, TransientError } from '../../domain/errors.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EPROTO', 'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

/** Translate what a git operation on `url` threw; errors that are not understood (bugs) pass unchanged. */
export function toDomainError(err: unknown, url: string): unknown {
  if (err instanceof PaveError) return err;
  const where = `state repository ${url}`;
  if (err instanceof git.Errors.HttpError) {
    const status = err.data.statusCode;
    if (status === 401 || status === 403) {
      return new TerminalError(`${where} refused the credentials (HTTP ${status}): the token is invalid or may not push there`, { cause: err });
    }
    if (status === 404) return new ConfigError(`${where} not found (HTTP 404): check the URL, and that the installation can see it`, { cause: err });
    if (status === 408 || status === 429 || status >= 500) return new TransientError(`${where} answered HTTP ${status}`, { cause: err });
    return new TerminalError(`${where} answered HTTP ${status}`, { cause: err });
  }
  if (err instanceof git.Errors.SmartHttpError || err instanceof git.Errors.UrlParseError || err instanceof git.Errors.UnknownTransportError) {
    return new ConfigError(`${where} is not a git smart-HTTP repository URL`, { cause: err });
  }
  if (err instanceof git.Errors.UserCanceledError) return new TerminalError(`${where}: authentication cancelled`, { cause: err });
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if ((typeof code === 'string' && NETWORK_CODES.has(code)) || err.name === 'AbortError' || err.name === 'TimeoutError') {
      return new TransientError(`${where} unreachable (${typeof code === 'string' ? code : err.name})`, { cause: err });
    }
  }
  return err;
}
