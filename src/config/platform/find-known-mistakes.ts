/**
 * Mistakes worth a message of their own, found before schema validation: an inline secret
 * where a reference belongs, a base image pinned by tag only. Each one supersedes the schema's
 * generic errors at the same place (`covered`), so the user reads one clear error with a fix.
 */
import type { Diagnostic } from '../../domain/diagnostic.js';
import { toPointer, type DocPath } from '../../lib/json-pointer.js';
import type { YamlDocument } from '../yaml/parse-yaml.js';
import { diagnosticAt } from './diagnostic-at.js';
import { hasValidDigest, parseImageReference } from './image-reference.js';
import { asRecord, entriesField, field } from './raw-access.js';
import type { PlatformFileKind } from './schemas/platform-schemas.js';

export interface KnownMistakes {
  readonly diagnostics: readonly Diagnostic[];
  /** JSON pointers whose schema errors (and their children's) the diagnostics replace. */
  readonly covered: readonly string[];
}

const ENV_NAMES: Readonly<Record<string, string>> = { postgresql: 'PAVE_PG', mysql: 'PAVE_MYSQL', cache: 'PAVE_REDIS' };
const SECRET_LIKE_KEY = /pass(word)?|secret|token|credential/i;

/** Find the known mistakes of one file. */
export function findKnownMistakes(kind: PlatformFileKind, doc: YamlDocument): KnownMistakes {
  const found: { path: DocPath; diagnostic: Diagnostic }[] = [];
  if (kind === 'environment') {
    for (const [engine, server] of entriesField(doc.value, 'databaseServers')) {
      const prefix = ENV_NAMES[engine] ?? 'PAVE_DB';
      for (const [key, value] of Object.entries(asRecord(server) ?? {})) {
        const isCredential = key === 'adminUser' || key === 'adminPassword' || SECRET_LIKE_KEY.test(key);
        if (!isCredential || value === null || typeof value === 'object') continue;
        const path = ['databaseServers', engine, key];
        found.push({ path, diagnostic: inlineSecret(doc, path, key, `${prefix}_ADMIN_${key === 'adminUser' ? 'USER' : 'PASSWORD'}`) });
      }
    }
  }
  if (kind === 'build-preset') {
    for (const key of ['baseImage', 'runtimeImage']) {
      const value = field(doc.value, key);
      if (typeof value === 'string') {
        const problem = imageProblem(doc, [key], value);
        if (problem) found.push({ path: [key], diagnostic: problem });
      }
    }
  }
  return { diagnostics: found.map((f) => f.diagnostic), covered: found.map((f) => toPointer(f.path)) };
}

function inlineSecret(doc: YamlDocument, path: DocPath, key: string, suggested: string): Diagnostic {
  const renamed = key === 'adminUser' || key === 'adminPassword' ? key : 'adminPassword';
  return diagnosticAt(doc, path, {
    code: 'inline-secret',
    message: `\`${path.join('.')}\` is written inline; credentials must not be stored in the platform repository`,
    hint: `reference it instead: \`${renamed}: { env: ${suggested} }\` (a variable of the pave process) or \`${renamed}: { file: /run/secrets/${suggested.toLowerCase().replace(/_/g, '-')} }\`, and rotate the exposed value`,
  });
}

function imageProblem(doc: YamlDocument, path: DocPath, value: string): Diagnostic | undefined {
  const image = parseImageReference(value);
  if (image.digest === undefined) {
    return diagnosticAt(doc, path, {
      code: 'image-not-pinned',
      message: `\`${String(path[0])}\` \`${value}\` is not pinned by digest; a tag can be moved to other content`,
      hint: `append the digest: \`${value}@sha256:<64 hex>\` (find it with \`docker buildx imagetools inspect ${value}\`); keeping the tag is fine`,
    });
  }
  if (!hasValidDigest(image)) {
    return diagnosticAt(doc, path, {
      code: 'image-digest-invalid',
      message: `\`${String(path[0])}\` has a malformed digest \`${image.digest}\``,
      hint: 'a digest is `sha256:` followed by 64 lower-case hexadecimal characters; copy it from `docker buildx imagetools inspect`',
    });
  }
  return undefined;
}
