/**
 * Builds: the ports that turn a merged commit into an image. A build runs once per (repository,
 * sha, component root); the image it produces is promoted unchanged from environment to
 * environment (only configuration differs).
 *
 *   checkout (SourceCheckout) → secret scan (scanForSecrets, pure) → build and test commands
 *   (BuildRunner) → image from the preset's base plus one layer of the output (ImagePublisher).
 *
 * Fork pull requests are never built: their code is untrusted and a build runs it.
 */

/** A checked-out tree at one commit, in a directory of its own. */
export interface CheckedOutSource {
  /** Absolute path of the working directory (the repository root). */
  readonly dir: string;
  readonly sha: string;
  /** Remove the directory. Idempotent. */
  dispose(): Promise<void>;
}

export interface CheckoutRequest {
  /** `owner/name`. */
  readonly repo: string;
  readonly sha: string;
  /**
   * The branch (or full ref) the commit is on, e.g. `main`. Used only when the server will not
   * serve the commit by its sha: then this ref is fetched and must contain the sha (the default
   * branch when absent).
   */
  readonly ref?: string;
  /** Installation whose token reads the repository (absent: local/token mode). */
  readonly installationId?: number;
}

/**
 * Fetch one commit's tree (shallow, no history) into a fresh directory. Runs off the caller's
 * event loop (git object decoding is CPU-bound).
 */
export interface SourceCheckout {
  checkout(request: CheckoutRequest, signal?: AbortSignal): Promise<CheckedOutSource>;
  /** Stop every checkout under way and remove what they wrote. Idempotent. */
  dispose?(): Promise<void>;
}

/** One line of build output, as it happens. */
export interface BuildLogLine {
  readonly stream: 'stdout' | 'stderr' | 'pave';
  readonly text: string;
  /** Milliseconds since the build started. */
  readonly at: number;
}

export interface BuildStepRequest {
  /** Shell commands run in order with `sh -c`; the first failure stops the step. */
  readonly commands: readonly string[];
  /** Working directory (inside the checked-out tree). */
  readonly cwd: string;
  /** The only environment variables the commands see, besides a minimal PATH/HOME/LANG. */
  readonly env?: Readonly<Record<string, string>>;
  /** Whole-step time limit. */
  readonly timeoutMs: number;
  /** Bytes of output kept (the rest is counted, not kept). */
  readonly outputCapBytes: number;
  readonly onLog?: (line: BuildLogLine) => void;
  readonly signal?: AbortSignal;
}

export type BuildStepResult =
  | { readonly ok: true; readonly durationMs: number; readonly log: readonly BuildLogLine[]; readonly truncatedBytes: number }
  | {
      readonly ok: false;
      readonly reason: 'exit' | 'timeout' | 'aborted';
      /** Index of the command that failed. */
      readonly command: number;
      readonly exitCode: number | null;
      readonly durationMs: number;
      readonly log: readonly BuildLogLine[];
      readonly truncatedBytes: number;
    };

/** Runs a preset's build or test commands in a child process with a clean environment. */
export interface BuildRunner {
  run(request: BuildStepRequest): Promise<BuildStepResult>;
}

/** A secret found in source: where, and what kind (never the value). */
export interface SecretFinding {
  /** Path relative to the repository root. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** e.g. `private-key`, `aws-access-key`, `github-token`, `generic-high-entropy`. */
  readonly rule: string;
  readonly message: string;
}

/** An OCI image reference split into its parts. `registry` is a host[:port]. */
export interface ImageReference {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export interface ImageConfigSpec {
  readonly entrypoint: readonly string[];
  readonly cmd?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Container ports, e.g. `8080/tcp`. */
  readonly exposedPorts: readonly string[];
  readonly workingDir: string;
  /** `uid[:gid]`; pave images never run as root. */
  readonly user: string;
  /** Includes `org.opencontainers.image.source` and `org.opencontainers.image.revision`. */
  readonly labels: Readonly<Record<string, string>>;
}

/** The platform picked from a multi-platform base image (an image index / manifest list). */
export interface ImagePlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

export interface PublishRequest {
  /** The preset's base (or runtime) image, pinned by digest. */
  readonly base: ImageReference;
  /** Platform to take from a multi-platform base; default linux/amd64. */
  readonly platform?: ImagePlatform;
  /**
   * The image's `created` time (RFC 3339), e.g. the commit time; default the Unix epoch. Fixed
   * input, so the same build pushes the same digest.
   */
  readonly created?: string;
  /** Directory whose contents become the image's top layer, placed under `config.workingDir`. */
  readonly layerDir: string;
  readonly config: ImageConfigSpec;
  /** Where to push: registry + repository; `tags` are applied to the pushed manifest. */
  readonly target: ImageReference;
  readonly tags: readonly string[];
  readonly signal?: AbortSignal;
}

export interface PublishedImage {
  /** `registry/repository@sha256:…` */
  readonly reference: string;
  readonly digest: string;
  /** Blobs uploaded vs. found already present (skipped). */
  readonly uploadedBlobs: number;
  readonly skippedBlobs: number;
  /** Base layers the registry mounted from the base repository instead of copying. */
  readonly mountedBlobs: number;
  /** Digest of the new (compressed) layer blob, and of its uncompressed tar (the config's diff_id). */
  readonly layerDigest: string;
  readonly layerDiffId: string;
  /** Tags pushed (the manifest also exists by digest). */
  readonly tags: readonly string[];
}

/**
 * Assemble and push an image without Docker: the base image's layers (by digest, copied or
 * mounted, never re-uploaded when the registry has them) plus one deterministic layer. Pushing
 * the same inputs twice yields the same digest and uploads nothing the second time.
 */
export interface ImagePublisher {
  publish(request: PublishRequest): Promise<PublishedImage>;
}
