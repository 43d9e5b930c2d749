import { NAME_PATTERN, nameList, schemaHeader, secretRef } from './schema-fragments.js';

const ENVIRONMENT_OR_STAR = '^(\\*|[a-z]([a-z0-9-]{0,61}[a-z0-9])?)$';

/** JSON Schema of `catalog/<name>.yaml`. */
export const catalogEntrySchema = {
  ...schemaHeader('catalog-entry', 'pave third-party service (catalog/*.yaml)',
    'A third-party service components connect to with `resourceRef: thirdparty:<name>/<version>`.'),
  type: 'object',
  additionalProperties: false,
  required: ['name', 'version', 'keys'],
  properties: {
    name: {
      type: 'string',
      pattern: NAME_PATTERN,
      description: 'Service name as used in `thirdparty:<name>/<version>`; the file name should start with it.',
    },
    version: { type: 'string', pattern: '^v[0-9]+(\\.[0-9]+)?$', description: 'Major (or major.minor) version: `v1`, `v2.1`.' },
    description: { type: 'string', maxLength: 500, description: 'What the service is, shown in the catalog.' },
    projects: nameList('Projects whose components may connect; empty or absent means every project.', 'A project defined in `projects/`.'),
    keys: {
      type: 'object',
      minProperties: 1,
      description: 'Connection keys (injected as `CHOREO_<CONNECTION>_<KEY>`): per key, a value for every environment (`*`) or per environment name.',
      patternProperties: {
        '^[A-Za-z][A-Za-z0-9]*$': {
          type: ['string', 'object'],
          minProperties: 1,
          description: 'One value for all environments, or a map from environment name (or `*`) to a literal or a secret reference.',
          patternProperties: {
            [ENVIRONMENT_OR_STAR]: {
              ...secretRef('A literal value, or a secret reference `{ env: NAME }` / `{ file: /path }`.'),
              type: ['string', 'object'],
            },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  },
} as const;
