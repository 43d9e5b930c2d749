import { GITHUB_OWNER_PATTERN, PRINCIPAL_PATTERN, containerResources, nameProperty, schemaHeader } from './schema-fragments.js';

/** JSON Schema of `platform.yaml`: organization-wide settings and defaults. */
export const platformSchema = {
  ...schemaHeader('platform', 'pave platform settings (platform.yaml)',
    'Organization-wide settings of a pave platform repository: who pave serves, where it records state, and the defaults every component starts from.'),
  type: 'object',
  additionalProperties: false,
  required: ['organization', 'githubOwners', 'stateRepository', 'defaults'],
  properties: {
    organization: {
      type: 'string',
      pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$',
      description: 'Organization handle used in URLs, namespaces and `ORGANIZATION` visibility, e.g. `acme-bank`.',
    },
    githubOwners: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      description: 'GitHub users or organizations whose repositories pave serves; project repo globs should name one of them.',
      items: { type: 'string', pattern: GITHUB_OWNER_PATTERN, description: 'A GitHub organization or user login.' },
    },
    defaultBranch: {
      type: 'string',
      pattern: '^[A-Za-z0-9._][A-Za-z0-9._/-]*$',
      default: 'main',
      description: 'Branch whose commits are applied; pull requests against it are planned. Defaults to `main`.',
    },
    stateRepository: {
      type: 'string',
      pattern: '^([A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]+|(\\./|\\.\\./|/)[^\\u0000]*)$',
      description: 'Where rendered manifests and release records are committed: `owner/name` of a GitHub repository, or a local path (`./state.git`, `/var/lib/pave/state.git`).',
    },
    admins: {
      type: 'array',
      uniqueItems: true,
      maxItems: 100,
      description: 'Platform administrators: users `@login` and teams `@org/team-slug` who may run `/pave delete-database`. Without this list, users with admin permission on the platform repository may.',
      items: { type: 'string', pattern: PRINCIPAL_PATTERN, description: 'A user `@login` or a team `@org/team-slug`.' },
    },
    defaults: {
      type: 'object',
      additionalProperties: false,
      required: ['pipeline'],
      description: 'Values used when neither a component descriptor nor a project says otherwise.',
      properties: {
        pipeline: nameProperty('Pipeline used by projects that do not name one.'),
        replicas: {
          type: 'integer',
          minimum: 0,
          maximum: 100,
          default: 1,
          description: 'Replicas per environment when the descriptor gives none. Defaults to 1.',
        },
        resources: containerResources('Container resources when the descriptor gives none.'),
      },
    },
  },
} as const;
