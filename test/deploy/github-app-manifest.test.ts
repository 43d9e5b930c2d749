/**
 * deploy/github-app-manifest.json grants exactly what pave uses. The endpoints are derived from
 * the code: every `.rest.<namespace>.<method>` call in src/ is turned into its REST endpoint by
 * Octokit itself, and every operation of the GitHub double's OpenAPI subset (what pave's tests
 * exercise) is included; each endpoint's permission comes from the table below (GitHub's
 * fine-grained permission per endpoint), and a new endpoint without an entry fails the test. The
 * events are derived from routeEvent: every webhook event it routes must be subscribed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { routeEvent } from '../../src/webhooks/route-event.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(`${root}deploy/github-app-manifest.json`, 'utf8')) as {
  name: string; url: string; hook_attributes: { url: string; active: boolean }; redirect_url: string; callback_urls: string[];
  public: boolean; default_permissions: Record<string, 'read' | 'write'>; default_events: string[];
};

type Need = { permission: string; level: 'read' | 'write' } | 'app-jwt' | 'none' | 'token-mode-only';

/**
 * What each REST endpoint pave calls needs, per GitHub's "Permissions required for GitHub Apps".
 * `app-jwt`: called as the App (a JWT), no installation permission; `token-mode-only`: called only
 * with a personal token (GITHUB_TOKEN mode), never by the App.
 */
const ENDPOINT_NEEDS: Readonly<Record<string, Need>> = {
  'GET /app': 'app-jwt',
  'POST /app/installations/{installation_id}/access_tokens': 'app-jwt',
  'GET /app/hook/deliveries': 'app-jwt',
  'GET /app/hook/deliveries/{delivery_id}': 'app-jwt',
  'POST /app/hook/deliveries/{delivery_id}/attempts': 'app-jwt',
  'GET /app/installations': 'app-jwt',
  // With an installation token: the repositories it covers (GitHub documents no permission for it).
  'GET /installation/repositories': 'none',
  'GET /rate_limit': 'none',
  'GET /user': 'token-mode-only',
  // With the signed-in person's user token (GitHub sign-in to the pages): is the user in the org?
  'GET /user/memberships/orgs/{org}': { permission: 'members', level: 'read' },
  'GET /orgs/{org}/teams/{team_slug}/memberships/{username}': { permission: 'members', level: 'read' },
  'GET /repos/{owner}/{repo}': { permission: 'metadata', level: 'read' },
  'GET /repos/{owner}/{repo}/collaborators/{username}/permission': { permission: 'metadata', level: 'read' },
  'GET /repos/{owner}/{repo}/commits/{ref}': { permission: 'contents', level: 'read' },
  'GET /repos/{owner}/{repo}/commits/{ref}/statuses': { permission: 'statuses', level: 'read' },
  'GET /repos/{owner}/{repo}/commits/{commit_sha}/comments': { permission: 'contents', level: 'read' },
  'POST /repos/{owner}/{repo}/commits/{commit_sha}/comments': { permission: 'contents', level: 'write' },
  'PATCH /repos/{owner}/{repo}/comments/{comment_id}': { permission: 'contents', level: 'write' },
  'GET /repos/{owner}/{repo}/compare/{basehead}': { permission: 'contents', level: 'read' },
  'GET /repos/{owner}/{repo}/contents/{path}': { permission: 'contents', level: 'read' },
  'GET /repos/{owner}/{repo}/git/blobs/{file_sha}': { permission: 'contents', level: 'read' },
  'GET /repos/{owner}/{repo}/git/trees/{tree_sha}': { permission: 'contents', level: 'read' },
  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': { permission: 'issues', level: 'read' },
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': { permission: 'issues', level: 'write' },
  'GET /repos/{owner}/{repo}/issues/comments/{comment_id}': { permission: 'issues', level: 'read' },
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': { permission: 'issues', level: 'write' },
  'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}': { permission: 'issues', level: 'write' },
  'GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions': { permission: 'issues', level: 'read' },
  'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions': { permission: 'issues', level: 'write' },
  'GET /repos/{owner}/{repo}/pulls/{pull_number}': { permission: 'pull_requests', level: 'read' },
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/files': { permission: 'pull_requests', level: 'read' },
  'POST /repos/{owner}/{repo}/statuses/{sha}': { permission: 'statuses', level: 'write' },
  // Not REST: pave pushes commits to a remote state repository with an installation token.
  'git push (state repository)': { permission: 'contents', level: 'write' },
};

/** The permission an App needs to receive each event (installation events are always delivered). */
const EVENT_NEEDS: Readonly<Record<string, Need>> = {
  pull_request: { permission: 'pull_requests', level: 'read' },
  push: { permission: 'contents', level: 'read' },
  issue_comment: { permission: 'issues', level: 'read' },
};
const ALWAYS_DELIVERED = new Set(['installation', 'installation_repositories', 'ping', 'github_app_authorization']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every `.rest.<namespace>.<method>` called in src/, as `VERB /path` (Octokit's own mapping). */
function endpointsCalled(): Map<string, string[]> {
  const octokit = new Octokit() as unknown as { rest: Record<string, Record<string, { endpoint: { DEFAULTS: { method: string; url: string } } }>> };
  const found = new Map<string, string[]>();
  for (const file of sourceFiles(`${root}src`)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\.rest\.([a-zA-Z]+)\.([a-zA-Z]+)\b/g)) {
      const method = octokit.rest[m[1]!]?.[m[2]!];
      if (!method) throw new Error(`${file}: ${m[0]} is not an Octokit REST method`);
      const key = `${method.endpoint.DEFAULTS.method} ${method.endpoint.DEFAULTS.url}`;
      found.set(key, [...(found.get(key) ?? []), `${file.slice(root.length)} (${m[1]}.${m[2]})`]);
    }
    if (/\.request\(\s*['"`](GET|POST|PATCH|PUT|DELETE) /.test(text)) throw new Error(`${file}: a raw octokit.request: add its endpoint to this test`);
  }
  // Pushes to the state repository with an installation token (src/main/github-repositories.ts).
  if (readFileSync(`${root}src/main/github-repositories.ts`, 'utf8').includes("username: 'x-access-token'")) found.set('git push (state repository)', ['src/main/github-repositories.ts']);
  return found;
}

const called = endpointsCalled();
const doubleOperations = (JSON.parse(readFileSync(`${root}test/github-double/openapi-subset.json`, 'utf8')) as { operations: { method: string; path: string }[] })
  .operations.map((o) => `${o.method.toUpperCase()} ${o.path}`);

const LEVEL = { read: 1, write: 2 } as const;

describe('deploy/github-app-manifest.json', () => {
  it('finds the endpoints pave calls in its source', () => {
    // A sanity floor: reading trees and blobs, statuses, comments, team membership.
    for (const e of ['GET /repos/{owner}/{repo}/git/trees/{tree_sha}', 'POST /repos/{owner}/{repo}/statuses/{sha}', 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments', 'GET /orgs/{org}/teams/{team_slug}/memberships/{username}']) {
      expect([...called.keys()]).toContain(e);
    }
  });

  it('knows what every endpoint pave calls (and every one the GitHub double serves) needs', () => {
    const unknown = [...new Set([...called.keys(), ...doubleOperations])].filter((e) => !(e in ENDPOINT_NEEDS));
    expect(unknown, 'add these endpoints to ENDPOINT_NEEDS with the permission GitHub documents').toEqual([]);
  });

  it('grants every permission those endpoints and the subscribed events need', () => {
    const needs = [...called.keys(), ...doubleOperations].map((e) => [e, ENDPOINT_NEEDS[e]!] as const)
      .concat(manifest.default_events.map((e) => [`event ${e}`, EVENT_NEEDS[e]!] as const));
    for (const [what, need] of needs) {
      if (typeof need === 'string') continue;
      const granted = manifest.default_permissions[need.permission];
      expect(granted && LEVEL[granted] >= LEVEL[need.level], `${what} needs ${need.permission}: ${need.level}`).toBe(true);
    }
  });

  it('grants nothing more: each permission at the highest level something needs', () => {
    const highest: Record<string, 'read' | 'write'> = {};
    const needs = [...[...called.keys(), ...doubleOperations].map((e) => ENDPOINT_NEEDS[e]!), ...manifest.default_events.map((e) => EVENT_NEEDS[e]!)];
    for (const need of needs) {
      if (typeof need === 'string') continue;
      if (!highest[need.permission] || LEVEL[need.level] > LEVEL[highest[need.permission]!]) highest[need.permission] = need.level;
    }
    expect(manifest.default_permissions).toEqual(highest);
  });

  it('subscribes to every event routeEvent turns into jobs, and to no other', () => {
    const examples = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as { name: string }[];
    const ctx = { botLogins: [], deliveryId: 'd', receivedAt: 0 };
    const handled = examples.map((e) => e.name).filter((name) => routeEvent(name, {}, ctx).ignored !== 'unsupported-event');
    expect(handled.sort()).toEqual(expect.arrayContaining(['installation', 'installation_repositories', 'issue_comment', 'ping', 'pull_request', 'push']));
    const needSubscription = handled.filter((e) => !ALWAYS_DELIVERED.has(e));
    expect([...manifest.default_events].sort()).toEqual(needSubscription.sort());
    for (const e of manifest.default_events) expect(EVENT_NEEDS[e], e).toBeDefined();
  });

  it('points the webhook, the sign-in callback and the redirect at one pave URL', () => {
    expect(manifest.hook_attributes).toEqual({ url: `${manifest.url}/webhooks/github`, active: true });
    expect(manifest.callback_urls).toEqual([`${manifest.url}/login/github/callback`]);
    expect(manifest.redirect_url.startsWith(manifest.url)).toBe(true);
    expect(manifest.public).toBe(false);
    const register = readFileSync(`${root}deploy/github-app-register.html`, 'utf8');
    expect(register).toContain('name="manifest"');
    expect(register).toContain('/settings/apps/new');
  });
});
