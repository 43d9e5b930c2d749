/**
 * JSON Schema (draft 2020-12) of pave's own optional top-level keys in `.choreo/component.yaml`:
 * `component`, `build`, `resources` and `deploy`. Choreo ignores these keys; pave validates them.
 *
 * This object is the source of `schemas/component-extensions.schema.json` (editors use the JSON
 * file through `# yaml-language-server: $schema=…`). `component-extensions-schema.test.ts` fails when
 * the two differ; regenerate with `npx tsx scripts/write-component-extensions-schema.ts`.
 */
import { COMPONENT_TYPES, DATABASE_ENGINES } from '../../domain/component.js';

/** Component and resource names: DNS-label-like, 1–63 characters. */
export const COMPONENT_NAME_PATTERN = '^[a-z][a-z0-9-]{0,62}$';
const PLAN_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$';
/** Environment names in `deploy.env` (checked in code too, for messages that name the key). */
export const ENVIRONMENT_PATTERN = '^[a-z][a-z0-9-]{0,62}$';
/** Variable names in `vars`. */
export const ENV_VAR_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
const CPU_PATTERN = '^([1-9][0-9]*m|[0-9]+(\\.[0-9]{1,3})?)$';
const MEMORY_PATTERN = '^[1-9][0-9]*(Ki|Mi|Gi|Ti|k|M|G|T)?$';
/**
 * An OCI image reference as `docker pull` reads it (distribution's reference grammar): an optional
 * registry host (with port), a lower-case repository path, then a tag, a sha256 digest, or both.
 */
export const IMAGE_PATTERN = '^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]{1,5})?/)?'
  + '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*'
  + '(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$';
/** An image reference pinned by digest (`name@sha256:<64 hex>`): what pave deploys without a warning. */
export const PINNED_IMAGE_PATTERN = '@sha256:[a-f0-9]{64}$';
const SCHEDULE_PATTERN = '^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|\\S+(\\s+\\S+){4})$';

const override = {
  type: 'object',
  description: 'Deployment settings; under `deploy.env.<environment>` they override the defaults for that environment only.',
  additionalProperties: false,
  properties: {
    replicas: {
      type: 'integer', minimum: 0, maximum: 1000,
      description: 'Number of running instances. Absent: the platform default applies.',
    },
    resources: {
      type: 'object',
      description: 'CPU and memory requested by each instance.',
      additionalProperties: false,
      properties: {
        cpu: {
          description: 'Kubernetes CPU quantity: millicores (`250m`) or cores (`0.5`, `2`).',
          anyOf: [{ type: 'string', pattern: CPU_PATTERN }, { type: 'number', exclusiveMinimum: 0 }],
        },
        memory: {
          type: 'string', pattern: MEMORY_PATTERN,
          description: 'Kubernetes memory quantity, e.g. `256Mi` or `1Gi`.',
        },
      },
    },
    image: {
      type: 'string', pattern: IMAGE_PATTERN, maxLength: 512,
      description: 'Image to deploy until pave builds the component, e.g. `registry.example.com/team/app@sha256:<64 hex>`. '
        + 'Pin it by digest: a tag (or no tag, which means `latest`) can point at a different image tomorrow, so pave warns.',
    },
    schedule: {
      type: 'string', pattern: SCHEDULE_PATTERN,
      description: 'Cron schedule (five fields, or a macro such as `@daily`) for scheduled tasks.',
    },
    vars: {
      type: 'object',
      description: 'Literal environment variables (not secrets), by name.',
      propertyNames: { pattern: ENV_VAR_PATTERN },
      additionalProperties: {
        type: ['string', 'number', 'boolean'],
        description: 'The variable\'s value; numbers and booleans are passed as their text.',
      },
    },
    files: {
      type: 'object',
      description: 'Values of configuration files (`configurations.file`, schemaVersion 1.2), by file name. Under `deploy.env.<environment>` they are '
        + 'merged over `deploy.files` as a JSON merge patch: maps merge, other values replace, `null` removes. pave checks them against the file\'s form '
        + '(required values, types, allowed values) and writes the file in its type (yaml, json or toml). Not for secrets: files are stored in git in plaintext.',
      additionalProperties: {
        type: 'object',
        description: 'The file\'s values: its form\'s value names → values (maps for `type: object`, lists for `type: array`).',
      },
    },
  },
} as const;

/** The schema object, exactly as written to `schemas/component-extensions.schema.json`. */
export const componentExtensionsSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://pave.dev/schemas/component-extensions.schema.json',
  title: 'pave extensions to .choreo/component.yaml',
  description: 'Optional top-level keys that pave reads from a Choreo component descriptor and Choreo ignores. '
    + 'The Choreo keys (schemaVersion, endpoints, dependencies, configurations, proxy) are checked by pave\'s Choreo validator, not by this schema.',
  type: 'object',
  properties: {
    component: {
      type: 'object',
      description: 'Identity of the component.',
      additionalProperties: false,
      properties: {
        name: {
          type: 'string', pattern: COMPONENT_NAME_PATTERN,
          description: 'Component name, unique within its project: lowercase letters, digits and `-`, starting with a letter, at most 63 characters. Default: the directory name, or the repository name for a component at the repository root.',
        },
        type: {
          enum: [...COMPONENT_TYPES],
          description: 'Kind of component. Default: `service`.',
        },
      },
    },
    build: {
      type: 'object',
      description: 'How the image is built.',
      additionalProperties: false,
      required: ['preset'],
      properties: {
        preset: {
          type: 'string', pattern: PLAN_PATTERN,
          description: 'Name of a build preset defined in the platform repository (`build-presets/`), e.g. `nodejs`.',
        },
        context: {
          type: 'string', minLength: 1,
          description: 'Build context, relative to the component directory and inside it. Default: `.`.',
        },
      },
    },
    resources: {
      type: 'array',
      description: 'Databases this component owns; each gets one instance per environment.',
      items: {
        type: 'object',
        description: 'One database.',
        additionalProperties: false,
        required: ['name', 'type', 'plan'],
        properties: {
          name: {
            type: 'string', pattern: COMPONENT_NAME_PATTERN,
            description: 'Name, unique within the component; connections refer to it as `database:<name>`.',
          },
          type: {
            enum: [...DATABASE_ENGINES],
            description: 'Engine: `postgresql`, `mysql` or `cache` (Redis-compatible).',
          },
          plan: {
            type: 'string', pattern: PLAN_PATTERN,
            description: 'A plan of this engine defined in the platform repository (`databases/`), e.g. `small`.',
          },
        },
      },
    },
    deploy: {
      type: 'object',
      description: 'Deployment settings for every environment, with per-environment overrides.',
      additionalProperties: false,
      properties: {
        ...override.properties,
        env: {
          type: 'object',
          description: 'Overrides by environment name (as defined in the platform repository).',
          propertyNames: { pattern: ENVIRONMENT_PATTERN },
          additionalProperties: override,
        },
      },
    },
  },
} as const;
