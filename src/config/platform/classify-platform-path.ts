import type { PlatformFileKind } from './schemas/platform-schemas.js';

/** Directory of the platform repository → kind of the YAML files directly inside it. */
export const PLATFORM_DIRECTORIES: Readonly<Record<string, PlatformFileKind>> = {
  environments: 'environment',
  pipelines: 'pipeline',
  projects: 'project',
  databases: 'database-plans',
  'build-presets': 'build-preset',
  policies: 'policy',
  catalog: 'catalog-entry',
};

export type PathClass =
  | { readonly kind: PlatformFileKind; readonly stem: string }
  /** `nested`: a YAML file below a kind's directory, which pave does not read (worth a warning). */
  | { readonly kind: undefined; readonly nested: boolean };

/**
 * Which kind of platform file `path` is. A file's kind comes from where it sits:
 * `platform.yaml` at the root, `<directory>/<name>.yaml` for the directories of
 * {@link PLATFORM_DIRECTORIES}; `.yml` is accepted too. Hidden files and everything else
 * (README.md, certificates, scripts) are not platform files.
 */
export function classifyPlatformPath(path: string): PathClass {
  const segments = path.split('/');
  const base = segments[segments.length - 1] ?? '';
  const match = /^([^.][^/]*)\.ya?ml$/.exec(base);
  if (!match) return { kind: undefined, nested: false };
  const stem = match[1] ?? '';
  if (segments.length === 1) return stem === 'platform' ? { kind: 'platform', stem } : { kind: undefined, nested: false };
  const directory = segments[0] ?? '';
  const kind = Object.hasOwn(PLATFORM_DIRECTORIES, directory) ? PLATFORM_DIRECTORIES[directory] : undefined;
  if (!kind) return { kind: undefined, nested: false };
  if (segments.length > 2) return { kind: undefined, nested: true };
  return { kind, stem };
}

/**
 * Whether the loader needs the contents of `path`: every platform YAML file, and certificate
 * files (`.pem`, `.crt`) that environments may name as their sealing certificate. Meant as the
 * `include` filter of a tree reader.
 */
export function isPlatformInput(path: string): boolean {
  return classifyPlatformPath(path).kind !== undefined || /\.(pem|crt)$/.test(path);
}
