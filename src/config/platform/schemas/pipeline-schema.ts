import { DURATION_PATTERN, NAME_PATTERN, PRINCIPAL_PATTERN, nameProperty, schemaHeader } from './schema-fragments.js';

const promotion = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to'],
  description: 'The gate between two consecutive environments of the pipeline.',
  properties: {
    from: nameProperty('Environment the release leaves; it must run there healthy first.'),
    to: nameProperty('The next environment of the pipeline.'),
    autoPromote: {
      type: 'boolean',
      default: false,
      description: 'Promote automatically once every other gate passes. Defaults to false (`/pave promote <env>`).',
    },
    approvals: {
      type: 'object',
      additionalProperties: false,
      description: 'Approvals required before promotion, given with `/pave approve` by an allowed user.',
      properties: {
        count: { type: 'integer', minimum: 0, maximum: 10, default: 0, description: 'Number of distinct approvers required.' },
        from: {
          type: 'array',
          uniqueItems: true,
          description: 'Who may approve: users `@login` and teams `@org/team-slug`.',
          items: { type: 'string', pattern: PRINCIPAL_PATTERN, description: 'A user `@login` or a team `@org/team-slug`.' },
        },
      },
    },
    soak: {
      type: 'string',
      pattern: DURATION_PATTERN,
      description: 'How long the release must have run in `from` before promotion: `30m`, `2h`, `1d12h`.',
    },
    soakMinutes: {
      type: 'integer',
      minimum: 0,
      maximum: 43200,
      description: 'The same as `soak`, in minutes; give one of the two.',
    },
    freezeWindows: {
      type: 'array',
      description: 'Periods during which nothing is promoted into `to` (rollbacks stay allowed).',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'start', 'end'],
        description: 'One freeze period.',
        properties: {
          name: { type: 'string', pattern: NAME_PATTERN, description: 'Short name shown when a promotion waits, e.g. `year-end-close`.' },
          start: { type: 'string', format: 'date-time', description: 'First instant of the freeze, RFC 3339 with a zone, e.g. `2026-12-20T00:00:00Z`.' },
          end: { type: 'string', format: 'date-time', description: 'Instant the freeze ends, after `start`.' },
        },
      },
    },
  },
};

/** JSON Schema of `pipelines/<name>.yaml`. */
export const pipelineSchema = {
  ...schemaHeader('pipeline', 'pave promotion pipeline (pipelines/*.yaml)',
    'The ordered environments a release moves through, and the gate before each one.'),
  type: 'object',
  additionalProperties: false,
  required: ['name', 'environments'],
  properties: {
    name: nameProperty('Pipeline name used by projects and platform defaults; should equal the file name.'),
    environments: {
      type: 'array',
      minItems: 1,
      description: 'Environments in promotion order; merges deploy to the first.',
      items: nameProperty('An environment defined in `environments/`.'),
    },
    promotions: {
      type: 'array',
      description: 'Gates between consecutive environments. A pair without an entry promotes manually with no other gate.',
      items: promotion,
    },
  },
} as const;
