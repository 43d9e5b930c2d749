import { buildPresetSchema } from './build-preset-schema.js';
import { catalogEntrySchema } from './catalog-entry-schema.js';
import { databasePlansSchema } from './database-plans-schema.js';
import { environmentSchema } from './environment-schema.js';
import { pipelineSchema } from './pipeline-schema.js';
import { platformSchema } from './platform-schema.js';
import { policySchema } from './policy-schema.js';
import { projectSchema } from './project-schema.js';

/** The kinds of file a platform repository holds. */
export type PlatformFileKind =
  | 'platform'
  | 'environment'
  | 'pipeline'
  | 'project'
  | 'database-plans'
  | 'build-preset'
  | 'policy'
  | 'catalog-entry';

/**
 * Every kind with its JSON Schema and the file name the schema is published under
 * (`schemas/<kind>.schema.json`), in the order files are reported.
 */
export const PLATFORM_SCHEMAS: Readonly<Record<PlatformFileKind, object>> = {
  platform: platformSchema,
  environment: environmentSchema,
  pipeline: pipelineSchema,
  project: projectSchema,
  'database-plans': databasePlansSchema,
  'build-preset': buildPresetSchema,
  policy: policySchema,
  'catalog-entry': catalogEntrySchema,
};

/** File name of a kind's published schema, e.g. `environment.schema.json`. */
export function schemaFileName(kind: PlatformFileKind): string {
  return `${kind}.schema.json`;
}
