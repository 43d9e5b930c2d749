import type { DescriptorKind } from '../../domain/component.js';
import type { Diagnostic } from '../../domain/diagnostic.js';

/** The descriptor file names, in Choreo's order of precedence. */
export const DESCRIPTOR_KINDS: readonly DescriptorKind[] = ['component.yaml', 'component-config.yaml', 'endpoints.yaml'];

/** What pave found in one descriptor file. */
export interface FileReport {
  /** Repository-relative path of the file. */
  readonly path: string;
  readonly kind: DescriptorKind;
  /**
   * `1.0`, `1.1` or `1.2` for a component.yaml that states a supported version (the value as
   * written otherwise), the `version` of an endpoints.yaml, the `apiVersion` of a
   * component-config.yaml; `null` when the file states none (or was not read).
   */
  readonly schemaVersion: string | null;
  /** No errors: pave can use the file. */
  readonly valid: boolean;
  /**
   * Choreo's verdict: the official validator (choreo-source-config-validator) would accept the
   * file. It differs from {@link valid} only when pave's own rules fail (its extension keys
   * `component`, `build`, `resources`, `deploy`, which Choreo ignores).
   */
  readonly choreoValid: boolean;
  /** Set when a file of higher precedence in the same `.choreo/` wins; the file was not validated. */
  readonly shadowedBy?: DescriptorKind;
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
}
