import type { YamlDocument } from '../yaml/parse-yaml.js';
import type { PlatformFileKind } from './schemas/platform-schemas.js';

/** One parsed file of the platform repository. */
export interface PlatformDocument {
  readonly kind: PlatformFileKind;
  /** Path relative to the platform repository root, e.g. `environments/staging.yaml`. */
  readonly file: string;
  /** File name without directory and extension, e.g. `staging`. */
  readonly stem: string;
  readonly doc: YamlDocument;
  /** Whether the file passed its schema and per-file rules; only valid files become the model. */
  readonly valid: boolean;
}

/** A file of a known kind that could not be parsed: its name still counts as defined. */
export interface UnreadablePlatformFile {
  readonly kind: PlatformFileKind;
  readonly file: string;
  readonly stem: string;
}
