/**
 * Build a component's image from its preset, once per (repository, sha, component root):
 *
 *   checkout at the merged sha → secret scan (fails with file and line) → the preset's build
 *   commands → its test commands → an OCI image: the preset's runtime (or base) image by digest plus
 *   one deterministic layer of the build output, pushed to the first environment's registry and
 *   tagged with the short sha.
 *
 * Commands run in a child process with a clean environment (none of pave's secrets), a time limit
 * and an output cap; the log streams into the run (the run page shows it live). Fork pull requests
 * are never built (the apply job refuses forks before it gets here). A retry rebuilds: pushing the
 * same image again uploads nothing new, and a tag that moves to an identical digest changes nothing.
 */
import type { BuildLogLine, BuildRunner, BuildStepResult, ImagePublisher, ImageReference, SecretFinding, SourceCheckout } from '../domain/build.js';
import type { ComponentDescriptor } from '../domain/component.js';
import type { BuildPreset, Environment } from '../domain/platform.js';

/** The build side of the worker (absent when the service cannot build). */
export interface BuildPorts {
  readonly checkout: SourceCheckout;
  readonly runner: BuildRunner;
  readonly publisher: ImagePublisher;
  /** Every finding of the secret scan under `dir` (paths relative to it). */
  scan(dir: string): Promise<readonly SecretFinding[]>;
  /** `join` for the checkout's paths (the jobs layer has no `node:path`). */
  join(...parts: string[]): string;
  readonly timeoutMs: number;
  readonly outputCapBytes: number;
}

export interface BuildRequest {
  readonly repo: string;
  readonly sha: string;
  readonly installationId?: number;
  readonly descriptor: ComponentDescriptor;
  readonly preset: BuildPreset;
  readonly environment: Environment;
  readonly project: string;
  /** Appends one log line (the run page shows them). */
  readonly log: (line: BuildLogLine) => void;
}

export type BuildOutcome =
  | { readonly ok: true; readonly image: string; readonly digest: string; readonly summary: string; readonly timings: Readonly<Record<string, number>> }
  | { readonly ok: false; readonly summary: string; readonly details: readonly string[] };

export async function buildComponent(ports: BuildPorts, req: BuildRequest, now: () => number): Promise<BuildOutcome> {
  const started = now();
  const timings: Record<string, number> = {};
  const say = (text: string) => req.log({ stream: 'pave', text, at: now() - started });
  say(`checking out ${req.repo}@${req.sha.slice(0, 12)}`);
  const source = await ports.checkout.checkout({ repo: req.repo, sha: req.sha, ...(req.installationId ? { installationId: req.installationId } : {}) });
  try {
    timings.checkout = now() - started;
    const root = req.descriptor.root ? ports.join(source.dir, req.descriptor.root) : source.dir;

    if (req.preset.scans.secrets) {
      const t = now();
      const findings = await ports.scan(root);
      timings.scan = now() - t;
      if (findings.length > 0) {
        const where = (f: SecretFinding) => `\`${req.descriptor.root ? `${req.descriptor.root}/` : ''}${f.file}:${f.line}:${f.column}\` ${f.message} (${f.rule})`;
        for (const f of findings) say(`secret found: ${where(f)}`);
        return {
          ok: false, summary: `${findings.length} secret${findings.length === 1 ? '' : 's'} found in the source: not built`,
          details: [...findings.slice(0, 20).map(where), ...(findings.length > 20 ? [`… ${findings.length - 20} more on the run page`] : []),
            'move secrets out of the repository (a configuration of type secret, or the platform catalog), or mark a false positive with a `pave:allow-secret` comment on its line'],
        };
      }
      say('secret scan: clean');
    }

    for (const [step, commands] of [['build', req.preset.build], ['test', req.preset.test]] as const) {
      if (commands.length === 0) continue;
      const t = now();
      say(`${step}: ${commands.join(' && ')}`);
      const result = await ports.runner.run({ commands, cwd: root, env: {}, timeoutMs: ports.timeoutMs, outputCapBytes: ports.outputCapBytes, onLog: req.log });
      timings[step] = now() - t;
      if (!result.ok) return { ok: false, summary: `${step} failed: ${failureLine(result, commands)}`, details: lastLines(result) };
    }

    const t = now();
    const target = imageTarget(req.environment, req.project, req.descriptor.name);
    say(`pushing ${target.registry}/${target.repository}:${req.sha.slice(0, 7)}`);
    const published = await ports.publisher.publish({
      base: parseImageReference(req.preset.runtimeImage ?? req.preset.baseImage),
      layerDir: ports.join(root, req.preset.output),
      config: {
        entrypoint: req.preset.entrypoint, env: {}, workingDir: '/app', user: '1000:1000',
        exposedPorts: [...new Set(req.descriptor.endpoints.map((e) => `${e.port}/tcp`))].sort(),
        labels: { 'org.opencontainers.image.source': `https://github.com/${req.repo}`, 'org.opencontainers.image.revision': req.sha },
      },
      target, tags: [req.sha.slice(0, 7)],
    });
    timings.push = now() - t;
    say(`pushed ${published.reference} (${published.uploadedBlobs} blobs uploaded, ${published.skippedBlobs} already there)`);
    return { ok: true, image: published.reference, digest: published.digest, summary: `built ${published.digest.slice(0, 19)}`, timings };
  } finally {
    await source.dispose();
  }
}

/** Where a component's images go: the environment's registry, under its repository prefix. */
export function imageTarget(environment: Environment, project: string, component: string): ImageReference {
  const prefix = environment.registry.repositoryPrefix.replace(/\/+$/, '');
  return { registry: environment.registry.url, repository: `${prefix ? `${prefix}/` : ''}${project}/${component}`.toLowerCase() };
}

/** `registry[:port]/repo/sitory[:tag]@sha256:…` → parts; a reference without a registry is Docker Hub's. */
export function parseImageReference(ref: string): ImageReference {
  const [nameTag, digest] = ref.split('@') as [string, string | undefined];
  const slash = nameTag.indexOf('/');
  const first = slash > 0 ? nameTag.slice(0, slash) : '';
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = hasRegistry ? first : 'docker.io';
  let rest = hasRegistry ? nameTag.slice(slash + 1) : nameTag;
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (registry === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  return { registry, repository: rest, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

function failureLine(r: Extract<BuildStepResult, { ok: false }>, commands: readonly string[]): string {
  const cmd = `\`${commands[r.command] ?? '?'}\``;
  if (r.reason === 'timeout') return `${cmd} ran out of time`;
  if (r.reason === 'aborted') return `${cmd} was stopped`;
  return `${cmd} exited with ${r.exitCode ?? 'a signal'}`;
}

function lastLines(r: BuildStepResult): string[] {
  return r.log.filter((l) => l.stream !== 'pave').slice(-15).map((l) => `\`${l.text.replace(/`/g, "'").slice(0, 300)}\``);
}
