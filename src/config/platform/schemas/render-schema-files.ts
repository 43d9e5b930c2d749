import { PLATFORM_SCHEMAS, schemaFileName, type PlatformFileKind } from './platform-schemas.js';

/** The published schema files: file name → JSON text (2-space indent, trailing newline). */
export function renderSchemaFiles(): ReadonlyMap<string, string> {
  return new Map(
    (Object.keys(PLATFORM_SCHEMAS) as PlatformFileKind[]).map((kind) => [
      schemaFileName(kind),
      `${JSON.stringify(PLATFORM_SCHEMAS[kind], null, 2)}\n`,
    ]),
  );
}
