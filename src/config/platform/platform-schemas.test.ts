import { describe, expect, it } from 'vitest';
import { platformTree } from '../../../test/helpers/minimal-platform.js';
import { loadPlatform } from './load-platform.js';
import { PLATFORM_SCHEMAS, type PlatformFileKind } from './schemas/platform-schemas.js';

const SERVER = (password: string): string => `name: development
gatewayHost: dev.apps.acme.example
databaseServers:
  postgresql:
    host: 127.0.0.1
    port: 5432
    adminUser: { env: PAVE_PG_ADMIN_USER }
    ${password}
registry:
  url: 127.0.0.1:5000
`;

interface Case {
  readonly mistake: string;
  readonly file: string;
  readonly yaml: string;
  readonly expected: { code: string; line: number; column: number; path: string; hint: RegExp };
}

const cases: Case[] = [
  {
    mistake: 'a single owner instead of a list', file: 'platform.yaml',
    yaml: 'organization: acme\ngithubOwners: acme\nstateRepository: acme/state\ndefaults: { pipeline: default }\n',
    expected: { code: 'schema-type', line: 2, column: 15, path: '/githubOwners', hint: /lists/ },
  },
  {
    mistake: 'an organization with spaces', file: 'platform.yaml',
    yaml: 'organization: Acme Bank\ngithubOwners: [acme]\nstateRepository: acme/state\ndefaults: { pipeline: default }\n',
    expected: { code: 'schema-pattern', line: 1, column: 15, path: '/organization', hint: /lower-case/ },
  },
  {
    mistake: 'a misspelt defaults key', file: 'platform.yaml',
    yaml: 'organization: acme\ngithubOwners: [acme]\nstateRepository: acme/state\ndefaults:\n  pipeline: default\n  replica: 2\n',
    expected: { code: 'schema-additionalProperties', line: 6, column: 3, path: '/defaults/replica', hint: /did you mean `replicas`/ },
  },
  {
    mistake: 'no state repository', file: 'platform.yaml',
    yaml: 'organization: acme\ngithubOwners: [acme]\ndefaults: { pipeline: default }\n',
    expected: { code: 'schema-required', line: 1, column: 1, path: '', hint: /add the missing key/ },
  },
  {
    mistake: 'an inline admin password', file: 'environments/development.yaml',
    yaml: SERVER('adminPassword: hunter2'),
    expected: { code: 'inline-secret', line: 8, column: 20, path: '/databaseServers/postgresql/adminPassword', hint: /adminPassword: \{ env: PAVE_PG_ADMIN_PASSWORD \}/ },
  },
  {
    mistake: 'an inline password under another key', file: 'environments/development.yaml',
    yaml: SERVER('password: hunter2'),
    expected: { code: 'inline-secret', line: 8, column: 15, path: '/databaseServers/postgresql/password', hint: /env: PAVE_PG_ADMIN_PASSWORD/ },
  },
  {
    mistake: 'a lower-case variable name', file: 'environments/development.yaml',
    yaml: SERVER('adminPassword: { env: pg_password }'),
    expected: { code: 'schema-pattern', line: 8, column: 27, path: '/databaseServers/postgresql/adminPassword/env', hint: /upper-case/ },
  },
  {
    mistake: 'both env and file', file: 'environments/development.yaml',
    yaml: SERVER('adminPassword: { env: PG_PASSWORD, file: /run/secrets/pg }'),
    expected: { code: 'schema-maxProperties', line: 8, column: 20, path: '/databaseServers/postgresql/adminPassword', hint: /exactly one of/ },
  },
  {
    mistake: 'a relative secret file', file: 'environments/development.yaml',
    yaml: SERVER('adminPassword: { file: secrets/pg }'),
    expected: { code: 'schema-pattern', line: 8, column: 28, path: '/databaseServers/postgresql/adminPassword/file', hint: /absolute path/ },
  },
  {
    mistake: 'an unknown namespace placeholder', file: 'environments/development.yaml',
    yaml: 'name: development\nnamespace: "{team}-{environment}"\ngatewayHost: dev.acme.example\nregistry: { url: 127.0.0.1:5000 }\n',
    expected: { code: 'schema-pattern', line: 2, column: 12, path: '/namespace', hint: /\{project\}/ },
  },
  {
    mistake: 'a registry URL with a scheme', file: 'environments/development.yaml',
    yaml: 'name: development\ngatewayHost: dev.acme.example\nregistry:\n  url: https://registry.acme.example\n',
    expected: { code: 'schema-pattern', line: 4, column: 8, path: '/registry/url', hint: /without a scheme/ },
  },
  {
    mistake: 'redis instead of cache', file: 'environments/development.yaml',
    yaml: 'name: development\ngatewayHost: dev.acme.example\nregistry: { url: 127.0.0.1:5000 }\ndatabaseServers:\n  redis: {}\n',
    expected: { code: 'schema-additionalProperties', line: 5, column: 3, path: '/databaseServers/redis', hint: /postgresql, mysql, cache/ },
  },
  {
    mistake: 'a quoted port', file: 'environments/development.yaml',
    yaml: SERVER('adminPassword: { env: PG_PASSWORD }').replace('port: 5432', 'port: "5432"'),
    expected: { code: 'schema-type', line: 6, column: 11, path: '/databaseServers/postgresql/port', hint: /numbers without quotes/ },
  },
  {
    mistake: 'a soak written in words', file: 'pipelines/default.yaml',
    yaml: 'name: default\nenvironments: [development, production]\npromotions:\n  - from: development\n    to: production\n    soak: 30 minutes\n',
    expected: { code: 'schema-pattern', line: 6, column: 11, path: '/promotions/0/soak', hint: /`30m`/ },
  },
  {
    mistake: 'a team without @', file: 'pipelines/default.yaml',
    yaml: 'name: default\nenvironments: [development, production]\npromotions:\n  - from: development\n    to: production\n    approvals: { count: 1, from: [acme/platform] }\n',
    expected: { code: 'schema-pattern', line: 6, column: 35, path: '/promotions/0/approvals/from/0', hint: /@org\/team-slug/ },
  },
  {
    mistake: 'a freeze window given as a date', file: 'pipelines/default.yaml',
    yaml: 'name: default\nenvironments: [development, production]\npromotions:\n  - from: development\n    to: production\n    freezeWindows:\n      - { name: xmas, start: 2026-12-24, end: "2026-12-27T00:00:00Z" }\n',
    expected: { code: 'schema-format', line: 7, column: 30, path: '/promotions/0/freezeWindows/0/start', hint: /RFC 3339/ },
  },
  {
    mistake: 'autopromote in lower case', file: 'pipelines/default.yaml',
    yaml: 'name: default\nenvironments: [development, production]\npromotions:\n  - from: development\n    to: production\n    autopromote: true\n',
    expected: { code: 'schema-additionalProperties', line: 6, column: 5, path: '/promotions/0/autopromote', hint: /did you mean `autoPromote`/ },
  },
  {
    mistake: 'a single repo instead of a list', file: 'projects/payments.yaml',
    yaml: 'name: payments\nrepos: acme/payments-api\n',
    expected: { code: 'schema-type', line: 2, column: 8, path: '/repos', hint: /lists/ },
  },
  {
    mistake: 'postgres instead of postgresql', file: 'projects/payments.yaml',
    yaml: 'name: payments\nrepos: [acme/payments-api]\ndatabasePlans:\n  - postgres/small\n',
    expected: { code: 'schema-pattern', line: 4, column: 5, path: '/databasePlans/0', hint: /postgresql, mysql, cache/ },
  },
  {
    mistake: 'an owner without @', file: 'projects/payments.yaml',
    yaml: 'name: payments\nowners: [payments-team]\nrepos: [acme/payments-api]\n',
    expected: { code: 'schema-pattern', line: 2, column: 10, path: '/owners/0', hint: /@login/ },
  },
  {
    mistake: 'redis as an engine', file: 'databases/postgresql.yaml',
    yaml: 'engine: redis\nplans: [{ name: small, connectionLimit: 10 }]\n',
    expected: { code: 'schema-enum', line: 1, column: 9, path: '/engine', hint: /listed values/ },
  },
  {
    mistake: 'a zero connection limit', file: 'databases/postgresql.yaml',
    yaml: 'engine: postgresql\nplans:\n  - name: small\n    connectionLimit: 0\n',
    expected: { code: 'schema-minimum', line: 4, column: 22, path: '/plans/0/connectionLimit', hint: /range/ },
  },
  {
    mistake: 'a base image by tag only', file: 'build-presets/nodejs.yaml',
    yaml: 'name: nodejs\nbaseImage: node:20\n',
    expected: { code: 'image-not-pinned', line: 2, column: 12, path: '/baseImage', hint: /node:20@sha256:/ },
  },
  {
    mistake: 'a truncated digest', file: 'build-presets/nodejs.yaml',
    yaml: 'name: nodejs\nbaseImage: node:20@sha256:2cf067cf\n',
    expected: { code: 'image-digest-invalid', line: 2, column: 12, path: '/baseImage', hint: /64 lower-case/ },
  },
  {
    mistake: 'a runtime image by tag only', file: 'build-presets/nodejs.yaml',
    yaml: `name: nodejs\nbaseImage: node@sha256:${'b'.repeat(64)}\nruntimeImage: gcr.io/distroless/nodejs20-debian12\n`,
    expected: { code: 'image-not-pinned', line: 3, column: 15, path: '/runtimeImage', hint: /imagetools inspect/ },
  },
  {
    mistake: 'an entrypoint as one string', file: 'build-presets/nodejs.yaml',
    yaml: `name: nodejs\nbaseImage: node@sha256:${'b'.repeat(64)}\nentrypoint: node src/index.js\n`,
    expected: { code: 'schema-type', line: 3, column: 13, path: '/entrypoint', hint: /lists/ },
  },
  {
    mistake: 'a rule without its parameter', file: 'policies/replicas.yaml',
    yaml: 'name: replicas\nrule:\n  kind: min-replicas\n',
    expected: { code: 'schema-required', line: 3, column: 3, path: '/rule', hint: /add the missing key/ },
  },
  {
    mistake: 'an unknown rule kind', file: 'policies/replicas.yaml',
    yaml: 'name: replicas\nrule: { kind: min-replica, min: 2 }\n',
    expected: { code: 'schema-enum', line: 2, column: 15, path: '/rule/kind', hint: /listed values/ },
  },
  {
    mistake: 'a parameter of another rule', file: 'policies/replicas.yaml',
    yaml: 'name: replicas\nrule:\n  kind: min-replicas\n  min: 2\n  max: 5\n',
    expected: { code: 'schema-additionalProperties', line: 5, column: 3, path: '/rule/max', hint: /allowed keys here: kind, min$/ },
  },
  {
    mistake: 'a severity that does not exist', file: 'policies/replicas.yaml',
    yaml: 'name: replicas\nseverity: fatal\nrule: { kind: require-owner }\n',
    expected: { code: 'schema-enum', line: 2, column: 11, path: '/severity', hint: /listed values/ },
  },
  {
    mistake: 'a version without v', file: 'catalog/fx.yaml',
    yaml: 'name: fx\nversion: "1"\nkeys: { ServiceURL: https://fx.example.com }\n',
    expected: { code: 'schema-pattern', line: 2, column: 10, path: '/version', hint: /`v1`/ },
  },
  {
    mistake: 'a key name with a dash', file: 'catalog/fx.yaml',
    yaml: 'name: fx\nversion: v1\nkeys:\n  service-url: https://fx.example.com\n',
    expected: { code: 'schema-additionalProperties', line: 4, column: 3, path: '/keys/service-url', hint: /ServiceURL/ },
  },
];

describe('platform file schemas', () => {
  it.each(cases)('rejects $mistake ($file) at the right place', ({ file, yaml, expected }) => {
    const result = loadPlatform(platformTree({ [file]: yaml }));

    expect(result.ok).toBe(false);
    const found = result.ok ? [] : result.diagnostics.filter((d) => d.file === file && d.severity === 'error');
    expect(found).toContainEqual(expect.objectContaining({ ...expected, hint: expect.stringMatching(expected.hint) }));
  });

  it('reports an inline secret once, without the schema errors it explains', () => {
    const result = loadPlatform(platformTree({ 'environments/development.yaml': SERVER('adminPassword: hunter2') }));

    expect(result.ok ? [] : result.diagnostics.map((d) => d.code)).toEqual(['inline-secret']);
  });

  it('reports every schema error of a file, each with a position and a hint', () => {
    const result = loadPlatform(platformTree({
      'pipelines/default.yaml': 'name: Default\nenvironments: development\npromotions:\n  - from: development\n    soak: soon\n',
    }));

    const found = result.ok ? [] : result.diagnostics;
    expect(found.filter((d) => d.file === 'pipelines/default.yaml').map((d) => [d.severity, d.code, d.line, d.column])).toEqual([
      ['error', 'schema-pattern', 1, 7], ['error', 'schema-type', 2, 15], ['error', 'schema-required', 4, 5], ['error', 'schema-pattern', 5, 11],
    ]);
    expect(found.every((d) => d.hint !== undefined && d.hint.length > 0)).toBe(true);
  });
});

describe('the JSON Schemas', () => {
  const kinds = Object.keys(PLATFORM_SCHEMAS) as PlatformFileKind[];

  it.each(kinds)('%s has an $id, a title and a description on every property', (kind) => {
    const schema = PLATFORM_SCHEMAS[kind] as Record<string, unknown>;

    expect(schema.$id).toBe(`https://pave.dev/schemas/${kind}.schema.json`);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(typeof schema.title).toBe('string');
    expect(undescribed(schema, '')).toEqual([]);
    expect(openObjects(schema, '')).toEqual([]);
  });
});

/** Paths of properties without a description. */
function undescribed(node: unknown, at: string): string[] {
  // `if` subschemas only select a branch; editors never show them.
  if (typeof node !== 'object' || node === null || at.endsWith('/if')) return [];
  const n = node as Record<string, unknown>;
  const out: string[] = [];
  for (const [key, child] of Object.entries((n.properties ?? {}) as Record<string, unknown>)) {
    if (child !== true && typeof (child as Record<string, unknown>).description !== 'string') out.push(`${at}/${key}`);
  }
  for (const [key, child] of Object.entries(n)) {
    if (Array.isArray(child)) child.forEach((c, i) => out.push(...undescribed(c, `${at}/${key}/${i}`)));
    else if (typeof child === 'object') out.push(...undescribed(child, `${at}/${key}`));
  }
  return [...new Set(out)];
}

/** Paths of object schemas with properties but no `additionalProperties: false` (an `if` only selects). */
function openObjects(node: unknown, at: string): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const n = node as Record<string, unknown>;
  const out: string[] = [];
  const closedByBranches = Array.isArray(n.allOf) && n.allOf.every((b) => (b as { then?: { additionalProperties?: unknown } }).then?.additionalProperties === false);
  if (n.properties && n.additionalProperties !== false && !closedByBranches && !at.endsWith('/if')) out.push(at || '/');
  for (const [key, child] of Object.entries(n)) {
    if (Array.isArray(child)) child.forEach((c, i) => out.push(...openObjects(c, `${at}/${key}/${i}`)));
    else if (typeof child === 'object') out.push(...openObjects(child, `${at}/${key}`));
  }
  return out;
}
