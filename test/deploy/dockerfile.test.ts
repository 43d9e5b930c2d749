/**
 * deploy/Dockerfile read statically (no Docker engine here): stages, pinned base images, a
 * non-root user, a healthcheck that needs nothing but node, every COPY source present in the
 * build context and not excluded by .dockerignore, and production dependencies only at runtime.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandWords, copyArgs, dockerIgnored, envOf, parseDockerfile } from '../helpers/dockerfile.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const text = readFileSync(`${root}deploy/Dockerfile`, 'utf8');
const dockerignore = readFileSync(`${root}.dockerignore`, 'utf8');
const { stages, instructions } = parseDockerfile(text);
const runtime = stages[stages.length - 1]!;
const last = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).at(-1);

describe('deploy/Dockerfile', () => {
  it('has a build stage and a runtime stage, each on an exactly pinned base image', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const stage of stages) {
      // name:exact-version[-variant] or name@sha256:<64 hex>: never a floating tag like `20` or `latest`.
      expect(stage.image).toMatch(/^[a-z0-9./-]+(:\d+\.\d+\.\d+[a-z0-9.-]*)?(@sha256:[0-9a-f]{64})?$/);
      expect(stage.image).toMatch(/:\d+\.\d+\.\d+|@sha256:/);
    }
  });

  it('runs as a non-root user, numerically (so Kubernetes runAsNonRoot can verify it)', () => {
    const user = last('USER');
    expect(user, 'USER in the runtime stage').toBeDefined();
    const [uid, gid] = user!.rest.split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    if (gid !== undefined) expect(Number(gid)).toBeGreaterThan(0);
    // Nothing after USER switches back to root.
    const after = runtime.instructions.slice(runtime.instructions.indexOf(user!) + 1);
    expect(after.filter((i) => i.keyword === 'USER')).toEqual([]);
  });

  it('has a HEALTHCHECK that calls /healthz with node only (no curl or wget in slim images)', () => {
    const hc = last('HEALTHCHECK');
    expect(hc).toBeDefined();
    expect(hc!.rest.startsWith('CMD ')).toBe(true);
    const words = commandWords(hc!.rest.slice(4).trim());
    expect(words[0]).toBe('node');
    expect(words.join(' ')).toContain('/healthz');
    expect(words.join(' ')).not.toMatch(/\b(curl|wget)\b/);
    expect(hc!.flags.timeout).toBeDefined();
  });

  it('installs production dependencies only in the runtime stage and starts the compiled service', () => {
    const runs = runtime.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.rest);
    expect(runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).toBe(true);
    expect(runs.every((r) => !/\bnpm (i|install)\b/.test(r))).toBe(true);
    expect(commandWords(last('CMD')!.rest)).toEqual(['node', 'dist/main/start.js']);
    const build = stages[0]!.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.rest);
    expect(build).toContain('npm run build');
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
  });

  it('copies only paths that exist in the build context and that .dockerignore keeps', () => {
    const copies = instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
    expect(copies.length).toBeGreaterThan(3);
    expect(instructions.filter((i) => i.keyword === 'ADD')).toEqual([]);
    for (const copy of copies) {
      const { sources } = copyArgs(copy.rest);
      for (const source of sources) {
        if (copy.flags.from) {
          expect(stages.map((s) => s.name), `COPY --from=${copy.flags.from} at line ${copy.line}`).toContain(copy.flags.from);
          continue;
        }
        expect(existsSync(`${root}${source}`), `${source} (line ${copy.line}) exists`).toBe(true);
        expect(dockerIgnored(dockerignore, source), `${source} (line ${copy.line}) is not excluded by .dockerignore`).toBe(false);
      }
    }
    // The build stage's output is what the runtime stage copies.
    const fromBuild = copies.find((c) => c.flags.from === 'build');
    expect(copyArgs(fromBuild!.rest).sources).toEqual(['/src/dist']);
  });

  it('keeps tests, dependencies and local state out of the build context', () => {
    expect(dockerIgnored(dockerignore, 'src/main/start.ts')).toBe(false);
    expect(dockerIgnored(dockerignore, 'src/config/env.test.ts')).toBe(true);
    expect(dockerIgnored(dockerignore, 'node_modules/zod/package.json')).toBe(true);
    expect(dockerIgnored(dockerignore, '.pave-state/secret-key')).toBe(true);
    expect(dockerIgnored(dockerignore, '.git/config')).toBe(true);
    expect(dockerIgnored(dockerignore, 'test/helpers/redis.ts')).toBe(true);
  });

  it('listens on all interfaces and keeps state on a volume', () => {
    const env = Object.assign({}, ...runtime.instructions.filter((i) => i.keyword === 'ENV').map((i) => envOf(i.rest))) as Record<string, string>;
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.STATE_REPO?.startsWith('/var/lib/pave/')).toBe(true);
    expect(last('VOLUME')!.rest).toContain('/var/lib/pave');
    expect(last('EXPOSE')!.rest).toBe(env.PORT);
  });
});

describe('Dockerfile reader', () => {
  it('joins continuations, reads flags, exec and shell forms, ENV lists', () => {
    const { stages: s } = parseDockerfile('# c\nFROM a:1.2.3 AS x\nENV A=1 \\\n  B="two words"\nHEALTHCHECK --interval=5s CMD ["node", "-e", "1"]\nRUN echo hi\n');
    expect(s[0]!.name).toBe('x');
    const [env, hc, run] = s[0]!.instructions;
    expect(envOf(env!.rest)).toEqual({ A: '1', B: 'two words' });
    expect(hc!.flags).toEqual({ interval: '5s' });
    expect(commandWords(hc!.rest.slice(4))).toEqual(['node', '-e', '1']);
    expect(commandWords(run!.rest)).toEqual(['/bin/sh', '-c', 'echo hi']);
    expect(() => parseDockerfile('RUN x\n')).toThrow(/before the first FROM/);
  });

  it('matches .dockerignore like Docker: last rule wins, parents decide for children', () => {
    const ignore = '*\n!src\nsrc/secret\n';
    expect(dockerIgnored(ignore, 'README.md')).toBe(true);
    expect(dockerIgnored(ignore, 'src/a.ts')).toBe(false);
    expect(dockerIgnored(ignore, 'src/secret/key')).toBe(true);
  });
});
