import { nameList, nameProperty, schemaHeader } from './schema-fragments.js';

const RULE_KINDS = ['min-replicas', 'max-replicas', 'forbid-visibility', 'require-owner', 'require-resources', 'project-quotas'] as const;

/** One `if kind = … then exactly these keys` branch of the rule. */
function ruleBranch(kind: (typeof RULE_KINDS)[number], extra: Record<string, object> = {}): object {
  return {
    if: { properties: { kind: { const: kind } } },
    then: {
      type: 'object',
      required: Object.keys(extra),
      additionalProperties: false,
      properties: { kind: true, ...extra },
    },
  };
}

/** JSON Schema of `policies/<name>.yaml`. */
export const policySchema = {
  ...schemaHeader('policy', 'pave policy (policies/*.yaml)',
    'A guardrail checked at plan time for every component in its scope.'),
  type: 'object',
  additionalProperties: false,
  required: ['name', 'rule'],
  properties: {
    name: nameProperty('Policy name shown when it is violated; should equal the file name.'),
    description: { type: 'string', maxLength: 500, description: 'Why the policy exists, shown next to violations.' },
    severity: {
      enum: ['error', 'warning'],
      default: 'error',
      description: '`error` fails the plan; `warning` is reported only. Defaults to `error`.',
    },
    scope: {
      type: 'object',
      additionalProperties: false,
      description: 'Where the policy applies; empty lists mean everywhere.',
      properties: {
        projects: nameList('Projects the policy applies to; empty or absent means all.', 'A project defined in `projects/`.'),
        environments: nameList('Environments the policy applies to; empty or absent means all.', 'An environment defined in `environments/`.'),
        productionOnly: { type: 'boolean', default: false, description: 'Apply only in environments marked `production: true`.' },
      },
    },
    rule: {
      type: 'object',
      required: ['kind'],
      description: 'What is checked; `kind` selects the rule and its parameters.',
      properties: {
        kind: {
          enum: RULE_KINDS,
          description: 'min-replicas {min}, max-replicas {max}, forbid-visibility {visibility}, require-owner, require-resources, project-quotas.',
        },
      },
      allOf: [
        ruleBranch('min-replicas', { min: { type: 'integer', minimum: 0, maximum: 100, description: 'Fewest replicas allowed.' } }),
        ruleBranch('max-replicas', { max: { type: 'integer', minimum: 1, maximum: 1000, description: 'Most replicas allowed.' } }),
        ruleBranch('forbid-visibility', {
          visibility: { enum: ['Public', 'Organization'], description: 'Endpoint visibility that is not allowed.' },
        }),
        ruleBranch('require-owner'),
        ruleBranch('require-resources'),
        ruleBranch('project-quotas'),
      ],
    },
  },
} as const;
