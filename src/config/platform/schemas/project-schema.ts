import { PLAN_ID_PATTERN, PRINCIPAL_PATTERN, nameProperty, schemaHeader } from './schema-fragments.js';

const quota = (description: string): object => ({ type: 'integer', minimum: 0, maximum: 100000, description });

/** JSON Schema of `projects/<name>.yaml`. */
export const projectSchema = {
  ...schemaHeader('project', 'pave project (projects/*.yaml)',
    'A project: the repositories whose components belong to it, who owns them, their pipeline, quotas and allowed database plans.'),
  type: 'object',
  additionalProperties: false,
  required: ['name', 'repos'],
  properties: {
    name: nameProperty('Project name used in `service:/<project>/…` references and namespaces; should equal the file name.'),
    displayName: { type: 'string', minLength: 1, maxLength: 60, description: 'Human-readable name shown in plans. Defaults to `name`.' },
    owners: {
      type: 'array',
      uniqueItems: true,
      description: 'Who owns the project\'s components: users `@login` and teams `@org/team-slug`.',
      items: { type: 'string', pattern: PRINCIPAL_PATTERN, description: 'A user `@login` or a team `@org/team-slug`.' },
    },
    repos: {
      type: 'array',
      minItems: 1,
      description: 'Repositories (and optionally paths) whose components belong to this project: `owner/name[/path]` globs, e.g. `acme-bank/lending-*` or `acme-bank/monorepo/payments/**`.',
      items: {
        type: 'string',
        pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[^\\s]+$',
        description: 'An `owner/name[/path]` glob (picomatch syntax) with a literal owner.',
      },
    },
    pipeline: nameProperty('Pipeline this project\'s releases follow. Defaults to `defaults.pipeline` of platform.yaml.'),
    quotas: {
      type: 'object',
      additionalProperties: false,
      description: 'Limits checked by `project-quotas` policies.',
      properties: {
        maxComponents: quota('Most components the project may have.'),
        maxReplicasPerEnvironment: quota('Most replicas, summed over the project\'s components, in one environment.'),
        maxDatabases: quota('Most databases (all engines) the project may own per environment.'),
      },
    },
    databasePlans: {
      type: 'array',
      uniqueItems: true,
      description: 'Database plans the project\'s components may use, as `engine/plan` (defined in `databases/`).',
      items: { type: 'string', pattern: PLAN_ID_PATTERN, description: 'A plan id `engine/plan`, e.g. `postgresql/small`.' },
    },
  },
} as const;
