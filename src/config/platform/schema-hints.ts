/**
 * Hints for schema errors. ajv says what is wrong; these say how to fix it, keyed by the
 * keyword and the last meaningful segment of the path (`name`, `namespace`, `soak` …).
 */
import type { Diagnostic } from '../../domain/diagnostic.js';
import { fromPointer } from '../../lib/json-pointer.js';

const NAME_HINT = 'use lower-case letters, digits and `-`, starting with a letter and ending with a letter or digit (at most 63 characters)';
const PRINCIPAL_HINT = 'write a user as `@login` or a team as `@org/team-slug`';

/** Hints for `pattern` (and `format`) errors, by field. */
const PATTERN_HINTS: Readonly<Record<string, string>> = {
  name: NAME_HINT,
  pipeline: NAME_HINT,
  environments: NAME_HINT,
  projects: NAME_HINT,
  from: NAME_HINT,
  to: NAME_HINT,
  organization: 'use lower-case letters, digits and `-`, e.g. `acme-bank`',
  githubOwners: 'write the GitHub login of an organization or user, e.g. `acme-bank`',
  defaultBranch: 'write a branch name such as `main`, without `refs/heads/`',
  stateRepository: 'write `owner/name` of a GitHub repository, or a local path starting with `./`, `../` or `/`',
  namespace: 'use lower-case letters, digits, `-` and the placeholders `{project}`, `{component}`, `{environment}`',
  gatewayHost: 'write a host name without scheme or path, e.g. `apps.acme-bank.example`',
  host: 'write a host name or an IP address, without scheme or port (the port has its own key)',
  url: 'write host[:port][/path] without a scheme, e.g. `registry.acme-bank.example` or `127.0.0.1:5000`',
  repositoryPrefix: 'use lower-case path segments separated by `/`, e.g. `acme-bank/apps`',
  sealingCertificate: 'give a PEM block (`-----BEGIN CERTIFICATE-----` …) or a `.pem`/`.crt` path relative to the repository root',
  env: 'environment variable names use upper-case letters, digits and `_`, e.g. `PAVE_PG_ADMIN_PASSWORD`',
  file: 'use an absolute path on the pave host, e.g. `/run/secrets/pg-admin-password`',
  owners: PRINCIPAL_HINT,
  approvals: PRINCIPAL_HINT,
  admins: PRINCIPAL_HINT,
  soak: 'write a duration such as `30m`, `2h` or `1d12h`',
  start: 'write an RFC 3339 instant with a zone, e.g. `2026-12-20T00:00:00Z`',
  end: 'write an RFC 3339 instant with a zone, e.g. `2027-01-04T00:00:00Z`',
  repos: 'write `owner/name` or `owner/name/path`; `name` and `path` may be globs, e.g. `acme-bank/lending-*`',
  databasePlans: 'write `engine/plan`, e.g. `postgresql/small` (engines: postgresql, mysql, cache)',
  baseImage: 'pin the image by digest: `name:tag@sha256:<64 hex>`',
  runtimeImage: 'pin the image by digest: `name:tag@sha256:<64 hex>`',
  output: 'write a relative directory such as `dist` or `.`, without `..`',
  version: 'write `v` and a major version, optionally `.minor`: `v1`, `v2.1`',
  cpu: 'use a Kubernetes CPU quantity, e.g. `250m` or `0.5`',
  memory: 'use a Kubernetes memory quantity, e.g. `256Mi` or `1Gi`',
};

/** Hint for one schema diagnostic; `undefined` keeps the validator's own. */
export function hintForSchemaDiagnostic(d: Diagnostic): string | undefined {
  const keyword = d.code.replace(/^schema-/, '');
  const subject = subjectOf(d.path);
  switch (keyword) {
    case 'pattern':
    case 'format':
      return PATTERN_HINTS[subject] ?? 'see the field\'s description in the JSON Schema under schemas/';
    case 'enum':
      return 'use one of the listed values; case matters';
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return 'use a whole number within the allowed range';
    case 'minItems':
      return 'add at least one item';
    case 'uniqueItems':
      return 'remove the repeated item';
    case 'minLength':
      return 'write a non-empty value, or remove the key to use the default';
    case 'maxLength':
      return 'shorten the text';
    case 'minProperties':
    case 'maxProperties':
      return subject === 'adminUser' || subject === 'adminPassword' || isSecretRefPath(d.path)
        ? 'write exactly one of `{ env: NAME }` or `{ file: /absolute/path }`'
        : 'give at least one entry';
    case 'type':
      return d.path === '' ? 'the file must be a YAML mapping of keys to values' : undefined;
    default:
      return undefined;
  }
}

/** The field a path is about: the last non-numeric segment (`/repos/2` → `repos`). */
function subjectOf(pointer: string): string {
  const segments = fromPointer(pointer);
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i] ?? '';
    if (!/^[0-9]+$/.test(s)) return i >= 1 && segments[i - 1] === 'approvals' && s === 'from' ? 'approvals' : s;
  }
  return '';
}

function isSecretRefPath(pointer: string): boolean {
  return pointer.startsWith('/keys/');
}
