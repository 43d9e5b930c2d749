/**
 * App-level and account endpoints: the app itself, installation access tokens, the app's
 * webhook delivery log (cursor pagination) and redelivery, team memberships, rate limits.
 */
import type { TokenRegistry } from './auth.js';
import { error, type Handler, type HandlerContext, notFound, paginate } from './context.js';
import { deliveryJson, installationJson, repoJson, userJson } from './shapes.js';
import { redeliver as redeliverDelivery } from './webhooks.js';

function requireApp(ctx: HandlerContext): ReturnType<Handler> | undefined {
  // Endpoints under /app take the app's JWT only; GitHub rejects tokens there.
  return ctx.principal.kind === 'app' ? undefined : error(401, 'A JSON web token could not be decoded');
}

export function appRoutes(tokens: TokenRegistry, appId: number): Record<string, Handler> {
  const getApp: Handler = (ctx) => requireApp(ctx) ?? {
    status: 200,
    body: {
      id: appId, slug: ctx.settings.botLogin.replace(/\[bot\]$/, ''), node_id: Buffer.from(`App:${appId}`).toString('base64url'),
      client_id: `Iv1.${appId}`, owner: userJson(ctx.api, ctx.state.user('acme')), name: 'pave (test)', description: 'GitHub double',
      external_url: 'https://pave.example', html_url: `https://github.com/apps/${ctx.settings.botLogin.replace(/\[bot\]$/, '')}`,
      created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z',
      permissions: { contents: 'read', pull_requests: 'read', issues: 'write', statuses: 'write', members: 'read', metadata: 'read' },
      events: ['pull_request', 'push', 'issue_comment', 'installation', 'installation_repositories'],
    },
  };

  const createAccessToken: Handler = (ctx) => {
    const denied = requireApp(ctx);
    if (denied) return denied;
    const id = Number(ctx.params.installation_id);
    if (!ctx.state.installations.has(id)) return notFound();
    const { token, expiresAt } = tokens.issueInstallationToken(id, ctx.state.now().getTime());
    return {
      status: 201,
      body: {
        token, expires_at: expiresAt.toISOString().replace(/\.\d+Z$/, 'Z'), repository_selection: 'all',
        permissions: { contents: 'read', pull_requests: 'read', issues: 'write', statuses: 'write', members: 'read', metadata: 'read' },
      },
    };
  };

  const listDeliveries: Handler = (ctx) => {
    const denied = requireApp(ctx);
    if (denied) return denied;
    const perPage = Math.min(Math.max(Number(ctx.query.per_page ?? 30) || 30, 1), 100);
    const failed = (code: number): boolean => code < 200 || code >= 400;
    const all = ctx.state.deliveries
      .filter((d) => !ctx.query.status || (ctx.query.status === 'failure') === failed(d.statusCode))
      .sort((a, b) => b.id - a.id);
    // The cursor is opaque to clients; here it is the id to continue below.
    const start = ctx.query.cursor ? all.findIndex((d) => d.id < Number(Buffer.from(ctx.query.cursor!, 'base64url').toString())) : 0;
    const page = start < 0 ? [] : all.slice(start, start + perPage);
    const headers: Record<string, string> = {};
    const last = page.at(-1);
    if (last && start + perPage < all.length) {
      const query = new URLSearchParams({ ...ctx.query, per_page: String(perPage), cursor: Buffer.from(String(last.id)).toString('base64url') });
      headers.link = `<${ctx.api}/app/hook/deliveries?${query.toString()}>; rel="next"`;
    }
    return { status: 200, body: page.map(deliveryJson), headers };
  };

  const getDelivery: Handler = (ctx) => {
    const denied = requireApp(ctx);
    if (denied) return denied;
    const delivery = ctx.state.deliveries.find((d) => d.id === Number(ctx.params.delivery_id));
    if (!delivery) return notFound();
    return {
      status: 200,
      body: {
        ...deliveryJson(delivery), url: `${ctx.api}/app/hook/deliveries/${delivery.id}`,
        request: { headers: { 'X-GitHub-Event': delivery.event, 'X-GitHub-Delivery': delivery.guid }, payload: { action: delivery.action } },
        response: { headers: {}, payload: null },
      },
    };
  };

  const redeliver: Handler = (ctx) => {
    const denied = requireApp(ctx);
    if (denied) return denied;
    const delivery = ctx.state.deliveries.find((d) => d.id === Number(ctx.params.delivery_id));
    if (!delivery) return notFound();
    // As on GitHub, the attempt happens after the answer: sent to the webhook, then recorded.
    void redeliverDelivery(ctx.state, ctx.settings, delivery);
    return { status: 202, body: {} };
  };

  const listInstallations: Handler = (ctx) => {
    const denied = requireApp(ctx);
    if (denied) return denied;
    const all = [...ctx.state.installations.values()].sort((a, b) => a.id - b.id).map((i) => installationJson(ctx.api, i, appId, ctx.settings.botLogin));
    const { items, headers } = paginate(ctx, '/app/installations', all);
    return { status: 200, body: items, headers };
  };

  const installationRepositories: Handler = (ctx) => {
    // An installation token only: the repositories that installation can see.
    if (ctx.principal.kind !== 'installation') return error(403, 'Resource not accessible by integration');
    const id = ctx.principal.installationId;
    const visible = [...ctx.state.repos.values()].filter((r) => r.installationId === undefined || r.installationId === id)
      .sort((a, b) => a.fullName.localeCompare(b.fullName))
      .map((r) => repoJson(ctx.api, r, ctx.state.now().toISOString().replace(/\.\d+Z$/, 'Z')));
    const { items, headers } = paginate(ctx, '/installation/repositories', visible);
    return { status: 200, body: { total_count: visible.length, repository_selection: 'selected', repositories: items }, headers };
  };

  const teamMembership: Handler = (ctx) => {
    const members = ctx.state.teams.get(`${ctx.params.org}/${ctx.params.team_slug}`.toLowerCase());
    const membership = members?.get(ctx.params.username!.toLowerCase());
    if (!membership) return notFound();
    return {
      status: 200,
      body: { url: `${ctx.api}/organizations/1/team/1/memberships/${ctx.params.username}`, role: membership.role, state: membership.state },
    };
  };

  const orgMembership: Handler = (ctx) => {
    if (ctx.principal.kind !== 'user') return error(403, 'Resource not accessible by integration');
    const org = ctx.params.org!;
    const membership = ctx.state.orgMembers.get(`${org}/${ctx.principal.login}`.toLowerCase());
    if (!membership) return notFound();
    return {
      status: 200,
      body: {
        url: `${ctx.api}/orgs/${org}/memberships/${ctx.principal.login}`, state: membership.state, role: membership.role,
        organization_url: `${ctx.api}/orgs/${org}`,
        organization: {
          login: org, id: 1, node_id: 'O_1', url: `${ctx.api}/orgs/${org}`, repos_url: `${ctx.api}/orgs/${org}/repos`,
          events_url: `${ctx.api}/orgs/${org}/events`, hooks_url: `${ctx.api}/orgs/${org}/hooks`, issues_url: `${ctx.api}/orgs/${org}/issues`,
          members_url: `${ctx.api}/orgs/${org}/members{/member}`, public_members_url: `${ctx.api}/orgs/${org}/public_members{/member}`,
          avatar_url: '', description: null,
        },
        user: userJson(ctx.api, ctx.state.user(ctx.principal.login)),
      },
    };
  };

  const rateLimit: Handler = (ctx) => {
    const reset = Math.floor(ctx.state.now().getTime() / 1000) + 3600;
    const core = { limit: 5000, remaining: 5000, reset, used: 0, resource: 'core' };
    return { status: 200, body: { resources: { core, search: { ...core, limit: 30, remaining: 30, resource: 'search' } }, rate: core } };
  };

  const getUser: Handler = (ctx) => {
    // An installation token is not a user: GitHub answers 403 "Resource not accessible by integration".
    if (ctx.principal.kind !== 'user') return error(403, 'Resource not accessible by integration');
    const user = ctx.state.user(ctx.principal.login);
    return {
      status: 200,
      body: {
        ...userJson(ctx.api, user), name: user.login, company: null, blog: '', location: null, email: null, hireable: null, bio: null,
        public_repos: 0, public_gists: 0, followers: 0, following: 0, created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z',
      },
    };
  };

  return {
    'GET /app': getApp,
    'GET /user': getUser,
    'GET /user/memberships/orgs/{org}': orgMembership,
    'POST /app/installations/{installation_id}/access_tokens': createAccessToken,
    'GET /app/hook/deliveries': listDeliveries,
    'GET /app/hook/deliveries/{delivery_id}': getDelivery,
    'POST /app/hook/deliveries/{delivery_id}/attempts': redeliver,
    'GET /app/installations': listInstallations,
    'GET /installation/repositories': installationRepositories,
    'GET /orgs/{org}/teams/{team_slug}/memberships/{username}': teamMembership,
    'GET /rate_limit': rateLimit,
  };
}
