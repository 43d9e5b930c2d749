/**
 * Patterns and small schema pieces shared by the platform-repository schemas. Each schema in
 * `schemas/*.schema.json` is generated from these TypeScript objects and is self-contained
 * (editors resolve no cross-file `$ref`), so shared pieces are copied in, not referenced.
 */

/** Names of environments, pipelines, projects, presets, policies, plans: a DNS label. */
export const NAME_PATTERN = '^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$';

/** A GitHub user or organization login. */
export const GITHUB_OWNER_PATTERN = '^[A-Za-z0-9][A-Za-z0-9-]{0,38}$';

/** `@login` (a user) or `@org/team-slug` (a team). */
export const PRINCIPAL_PATTERN = '^@[A-Za-z0-9][A-Za-z0-9-]{0,38}(/[A-Za-z0-9][A-Za-z0-9._-]*)?$';

/** A container image reference pinned by digest, optionally keeping its tag for readers. */
export const PINNED_IMAGE_PATTERN =
  '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[a-f0-9]{64}$';

/** `engine/plan`, e.g. `postgresql/small`. */
export const PLAN_ID_PATTERN = '^(postgresql|mysql|cache)/[a-z]([a-z0-9-]{0,61}[a-z0-9])?$';

/** A duration in days, hours and minutes: `30m`, `2h`, `1d12h`. */
export const DURATION_PATTERN = '^(?=[0-9])([0-9]+d)?([0-9]+h)?([0-9]+m)?$';

/** Kubernetes CPU quantity: `250m`, `0.5`, `2`. */
export const CPU_PATTERN = '^([0-9]+m|[0-9]+(\\.[0-9]+)?)$';

/** Kubernetes memory quantity: `256Mi`, `1Gi`, `512M`. */
export const MEMORY_PATTERN = '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$';

export const DATABASE_ENGINE_VALUES = ['postgresql', 'mysql', 'cache'] as const;

/** A `name` property with the common pattern. */
export function nameProperty(description: string): object {
  return { type: 'string', pattern: NAME_PATTERN, description };
}

/** A list of names (environments, projects). */
export function nameList(description: string, itemDescription: string): object {
  return { type: 'array', description, items: nameProperty(itemDescription) };
}

/**
 * A reference to a secret held outside the repository: `{ env: NAME }` or `{ file: /path }`.
 * Written as one object schema (not `oneOf`) so a mistake produces one clear error.
 */
export function secretRef(description: string): object {
  return {
    type: 'object',
    description,
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    properties: {
      env: {
        type: 'string',
        pattern: '^[A-Z_][A-Z0-9_]*$',
        description: 'Name of an environment variable of the pave process that holds the secret.',
      },
      file: {
        type: 'string',
        pattern: '^/[^\\u0000]+$',
        description: 'Absolute path of a file on the pave host (e.g. a mounted Kubernetes secret) that holds the secret.',
      },
    },
  };
}

/** Kubernetes container resources. */
export function containerResources(description: string): object {
  return {
    type: 'object',
    description,
    additionalProperties: false,
    properties: {
      cpu: { type: 'string', pattern: CPU_PATTERN, description: 'CPU request per replica as a Kubernetes quantity, e.g. `250m`.' },
      memory: {
        type: 'string',
        pattern: MEMORY_PATTERN,
        description: 'Memory request and limit per replica as a Kubernetes quantity, e.g. `256Mi`.',
      },
    },
  };
}

/** The common head of every schema. */
export function schemaHeader(name: string, title: string, description: string): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://pave.dev/schemas/${name}.schema.json`,
    $comment: 'Generated from src/config/platform/schemas/ by scripts/generate-schemas.ts; edit the TypeScript source.',
    title,
    description,
  };
}
