/**
 * deploy/compose.yaml as Compose reads it — YAML merge keys resolved, `${VAR}` interpolated from
 * deploy/.env.example — validated against the Compose Specification's JSON Schema (vendored in
 * test/fixtures/compose), then its cross-references: pave's services set only variables pave
 * reads, secrets and volumes are declared, paths point into mounts, Redis keeps every key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { load, YAML11_SCHEMA } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { paveVariableNames } from '../helpers/pave-env.js';
import { parseDockerfile } from '../helpers/dockerfile.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const raw = readFileSync(`${root}deploy/compose.yaml`, 'utf8');
const dotenv = Object.fromEntries(readFileSync(`${root}deploy/.env.example`, 'utf8').split('\n')
  .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

/** Compose's interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`. */
function interpolate(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$(\$|[A-Za-z_][A-Za-z0-9_]*|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\})/g, (whole, simple: string, name?: string, op?: string, arg?: string) => {
    if (simple === '$') return '$';
    if (!whole.startsWith('${')) return env[simple] ?? '';
    const value = env[name!];
    const unset = value === undefined || (op?.startsWith(':') === true && value === '');
    if (op?.endsWith('-')) return unset ? arg! : value!;
    if (op?.endsWith('?')) {
      if (unset) throw new Error(`required variable ${name} is missing a value: ${arg}`);
      return value!;
    }
    return value ?? '';
  });
}

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number | boolean | null>;
  secrets?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  command?: string[];
  healthcheck?: { test: string[] };
  ports?: string[];
  deploy?: { replicas?: number | string };
}
interface Compose {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
}

function composeOf(env: Record<string, string>): Compose {
  return load(interpolate(raw, env), { schema: YAML11_SCHEMA }) as Compose;
}

const compose = composeOf(dotenv);
const paveServices = Object.entries(compose.services).filter(([, s]) => s.build?.dockerfile === 'deploy/Dockerfile');

describe('deploy/compose.yaml', () => {
  it('is valid under the Compose Specification schema', () => {
    // Draft-07, ajv's default dialect; ajv only knows its meta-schema as http://…/draft-07/schema#.
    const { $schema: dialect, ...schema } = JSON.parse(readFileSync(`${root}test/fixtures/compose/compose-spec.json`, 'utf8')) as Record<string, unknown>;
    expect(dialect).toMatch(/draft-07\/schema/);
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
    // And the schema is not vacuous: a misspelt service key is refused.
    expect(validate({ services: { web: { imagee: 'x' } } })).toBe(false);
  });

  it('refuses to start without a webhook secret', () => {
    const { WEBHOOK_SECRET: _w, ...rest } = dotenv;
    expect(() => composeOf(rest)).toThrow(/WEBHOOK_SECRET.*deploy\/\.env/);
  });

  it('runs Redis with AOF persistence on a volume and the noeviction policy', () => {
    const redis = compose.services.redis!;
    const args = redis.command!.join(' ');
    expect(args).toContain('--appendonly yes');
    expect(args).toContain('--maxmemory-policy noeviction');
    expect(redis.volumes).toContain('redis-data:/data');
    expect(redis.healthcheck?.test).toContain('redis-cli');
  });

  it('runs pave web and pave worker from deploy/Dockerfile, and an OCI registry', () => {
    expect(paveServices.map(([name, s]) => [name, s.environment?.PAVE_ROLE])).toEqual([['web', 'web'], ['worker', 'worker']]);
    for (const [, s] of paveServices) {
      expect(existsSync(`${root}deploy/${s.build!.context}/${s.build!.dockerfile}`)).toBe(true);
      expect(s.depends_on?.redis?.condition).toBe('service_healthy');
      expect(s.environment?.HOST).toBe('0.0.0.0');
    }
    expect(compose.services.web!.ports).toEqual(['3000:3000']);
    expect(compose.services.registry!.image).toMatch(/^registry:2\.\d+\.\d+$/);
    expect(compose.services.registry!.volumes).toContain('registry-data:/var/lib/registry');
  });

  it("relies on the image's HEALTHCHECK for pave and on healthchecks of its own for Redis and the registry", () => {
    const dockerfile = parseDockerfile(readFileSync(`${root}deploy/Dockerfile`, 'utf8'));
    expect(dockerfile.instructions.some((i) => i.keyword === 'HEALTHCHECK')).toBe(true);
    for (const [, s] of paveServices) expect(s.healthcheck).toBeUndefined();
    expect(compose.services.registry!.healthcheck?.test.join(' ')).toContain('/v2/');
  });

  it('pins every image to an exact version', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.build) continue;
      expect(s.image, name).toMatch(/:\d+\.\d+\.\d+[a-z0-9.-]*$|@sha256:[0-9a-f]{64}$/);
    }
  });

  it("sets only variables pave reads on pave's services, and .env.example names no others but Compose's own", () => {
    const known = paveVariableNames();
    const composeOnly = ['PAVE_IMAGE', 'PAVE_PORT', 'REGISTRY_PORT', 'PAVE_WORKERS'];
    for (const [name, s] of paveServices) {
      const unknown = Object.keys(s.environment ?? {}).filter((v) => !known.has(v));
      expect(unknown, `${name}: variables pave does not read`).toEqual([]);
    }
    expect(Object.keys(dotenv).filter((v) => !known.has(v) && !composeOnly.includes(v))).toEqual([]);
    for (const v of composeOnly) expect(raw, `${v} is used by compose.yaml`).toContain(`\${${v}`);
    expect(compose.services.web!.environment?.REDIS_URL).toBe('redis://redis:6379');
  });

  it('declares every secret and volume it mounts, and points file variables into the mounts', () => {
    const secretsReadme = readFileSync(`${root}deploy/secrets/README.md`, 'utf8');
    for (const [name, s] of paveServices) {
      for (const secret of s.secrets ?? []) {
        expect(compose.secrets[secret], `${name}: secret ${secret}`).toBeDefined();
        expect(secretsReadme).toContain(compose.secrets[secret]!.file.replace('./secrets/', ''));
      }
      for (const v of s.volumes ?? []) expect(Object.keys(compose.volumes), `${name}: volume ${v}`).toContain(v.split(':')[0]);
      const mounts = (s.volumes ?? []).map((v) => v.split(':')[1]!);
      const env = s.environment ?? {};
      expect(mounts.some((m) => String(env.STATE_REPO).startsWith(`${m}/`)), 'STATE_REPO on a volume').toBe(true);
      expect(mounts.some((m) => String(env.STATE_MIRROR_DIR).startsWith(`${m}/`)), 'STATE_MIRROR_DIR on a volume').toBe(true);
      expect(String(env.PAVE_SECRET_KEY_FILE)).toMatch(/^\/run\/secrets\//);
      expect(s.secrets).toContain(String(env.PAVE_SECRET_KEY_FILE).replace('/run/secrets/', ''));
    }
    // The commented example in .env.example names the mounted App key.
    expect(readFileSync(`${root}deploy/.env.example`, 'utf8')).toContain('GITHUB_PRIVATE_KEY_PATH=/run/secrets/github-app-key');
    expect(compose.secrets['github-app-key']).toBeDefined();
  });
});

describe('Compose interpolation (test helper)', () => {
  it('handles defaults, required values and escapes', () => {
    expect(interpolate('${A:-x} ${B-y} ${C:-z} $$D $A', { A: 'a', C: '' })).toBe('a y z $D a');
    expect(() => interpolate('${A:?needed}', { A: '' })).toThrow(/A is missing a value: needed/);
    expect(interpolate('${A?needed}', { A: '' })).toBe('');
  });
});
