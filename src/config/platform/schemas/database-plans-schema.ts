import { DATABASE_ENGINE_VALUES, nameProperty, schemaHeader } from './schema-fragments.js';

/** JSON Schema of `databases/<engine>.yaml`. */
export const databasePlansSchema = {
  ...schemaHeader('database-plans', 'pave database plans (databases/*.yaml)',
    'The plans one database engine offers; components pick one by name in their `resources`.'),
  type: 'object',
  additionalProperties: false,
  required: ['engine', 'plans'],
  properties: {
    engine: {
      enum: DATABASE_ENGINE_VALUES,
      description: 'Engine these plans are for: `postgresql`, `mysql` or `cache` (Redis-compatible); should equal the file name.',
    },
    plans: {
      type: 'array',
      minItems: 1,
      description: 'The plans; each is referred to as `<engine>/<name>`.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'connectionLimit'],
        description: 'One plan.',
        properties: {
          name: nameProperty('Plan name, e.g. `small`; unique within the engine.'),
          connectionLimit: {
            type: 'integer',
            minimum: 1,
            maximum: 10000,
            description: 'Most concurrent connections for the database user (PostgreSQL `CONNECTION LIMIT`, MySQL `MAX_USER_CONNECTIONS`, Redis `maxclients` share).',
          },
          storageGb: {
            type: 'integer',
            minimum: 1,
            maximum: 65536,
            description: 'Storage quota in GiB (postgresql and mysql).',
          },
          maxMemoryMb: {
            type: 'integer',
            minimum: 1,
            maximum: 1048576,
            description: 'Memory budget in MiB (cache).',
          },
        },
      },
    },
  },
} as const;
