/**
 * Test helper: a small valid platform repository as inline YAML, and a way to change or
 * remove files of it. Tests state only what they break.
 */
import type { SourceTree } from '../../src/domain/source-tree.js';
import { sourceTreeOf } from './source-tree-of.js';

export const MINIMAL_PLATFORM: Readonly<Record<string, string>> = {
  'platform.yaml': `organization: acme
githubOwners: [acme]
stateRepository: acme/platform-state
defaults:
  pipeline: default
`,
  'environments/development.yaml': `name: development
gatewayHost: dev.apps.acme.example
databaseServers:
  postgresql:
    host: 127.0.0.1
    port: 5432
    adminUser: { env: PAVE_PG_ADMIN_USER }
    adminPassword: { env: PAVE_PG_ADMIN_PASSWORD }
registry:
  url: 127.0.0.1:5000
`,
  'environments/production.yaml': `name: production
production: true
gatewayHost: apps.acme.example
registry:
  url: registry.acme.example
  repositoryPrefix: acme/prod
`,
  'pipelines/default.yaml': `name: default
environments: [development, production]
promotions:
  - from: development
    to: production
    approvals: { count: 1, from: ["@acme/platform"] }
    soak: 30m
`,
  'projects/payments.yaml': `name: payments
owners: ["@acme/payments"]
repos: [acme/payments-api]
databasePlans: [postgresql/small]
`,
  'databases/postgresql.yaml': `engine: postgresql
plans:
  - name: small
    connectionLimit: 20
`,
  'build-presets/nodejs.yaml': `name: nodejs
baseImage: node:20-bookworm-slim@sha256:${'a'.repeat(64)}
build: npm ci
`,
};

/** The minimal platform with some files replaced (`undefined` removes a file). */
export function platformTree(changes: Readonly<Record<string, string | Uint8Array | undefined>> = {}): SourceTree {
  const files: Record<string, string | Uint8Array> = { ...MINIMAL_PLATFORM };
  for (const [path, content] of Object.entries(changes)) {
    if (content === undefined) delete files[path];
    else files[path] = content;
  }
  return sourceTreeOf(files);
}
