/**
 * What a route handler of the GitHub double gets and returns, and the small helpers every handler
 * uses (error bodies as GitHub writes them, visibility of repositories, page-based pagination
 * with `Link` headers).
 */
import type { Principal } from './auth.js';
import type { DoubleState, RepoState, User } from './state.js';

export interface HandlerContext {
  readonly state: DoubleState;
  /** The double's base URL as clients see it (with a GHES-style prefix when configured). */
  readonly api: string;
  readonly principal: Principal;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly headers: Headers;
  /** Settings tests can change at run time. */
  readonly settings: DoubleSettings;
}

export interface DoubleSettings {
  /** Entries a recursive tree listing returns before it is cut with `truncated: true` (GitHub: 100,000). */
  recursiveTreeLimit: number;
  /** Login that installation tokens act as (comments and statuses are created by this bot). */
  botLogin: string;
  /** Status code recorded for a redelivery attempt of a delivery that cannot be sent (no payload or no webhook). */
  redeliveryStatusCode: number;
  /** The App's webhook: where `deliver` and redeliveries of recorded payloads are POSTed, signed with `secret`. */
  webhook?: { url: string; secret: string };
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  /** Plain text instead of JSON (the `application/vnd.github.sha` media type). */
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (ctx: HandlerContext) => Reply;

const DOCS = 'https://docs.github.com/rest';

export function error(status: number, message: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { message, documentation_url: DOCS, status: String(status), ...extra } };
}

export function notFound(): Reply {
  return error(404, 'Not Found');
}

/** A 422 as GitHub writes it for a field that failed validation. */
export function validationFailed(resource: string, field: string, message: string): Reply {
  return error(422, 'Validation Failed', { errors: [{ resource, code: 'custom', field, message }] });
}

/** The repository in the path, if the caller may see it (GitHub answers 404, never 403, for hidden repositories). */
export function visibleRepo(ctx: HandlerContext): RepoState | undefined {
  const repo = ctx.state.repos.get(`${ctx.params.owner}/${ctx.params.repo}`.toLowerCase());
  if (!repo) return undefined;
  if (ctx.principal.kind === 'installation' && repo.installationId !== undefined && repo.installationId !== ctx.principal.installationId) return undefined;
  return repo;
}

/** The user a write is attributed to. */
export function actor(ctx: HandlerContext): User {
  return ctx.principal.kind === 'user' ? ctx.state.user(ctx.principal.login) : ctx.state.user(ctx.settings.botLogin);
}

/** One page of `items` (`page`/`per_page`, default 30, at most 100) with GitHub's `Link` header. */
export function paginate<T>(ctx: HandlerContext, path: string, items: readonly T[], defaultPerPage = 30): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(ctx.query.per_page ?? defaultPerPage) || defaultPerPage, 1), 100);
  const page = Math.max(Number(ctx.query.page ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (p: number, rel: string): string => {
    const query = new URLSearchParams({ ...ctx.query, per_page: String(perPage), page: String(p) });
    return `<${ctx.api}${path}?${query.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  return { items: items.slice((page - 1) * perPage, page * perPage), headers: links.length > 0 ? { link: links.join(', ') } : {} };
}
