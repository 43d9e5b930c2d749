/**
 * The service's configuration, read from environment variables once at startup and validated
 * with clear messages. Nothing else reads `process.env`: callers pass the variables in.
 *
 * Two modes:
 * - **GitHub**: `GITHUB_APP_ID` + `GITHUB_PRIVATE_KEY`/`GITHUB_PRIVATE_KEY_PATH` (a GitHub App), or
 *   `GITHUB_TOKEN` (one organization). `WEBHOOK_SECRET` is then required.
 * - **Embedded** (no GitHub credentials): component repositories are read from a local directory
 *   (`LOCAL_REPOS_DIR`, default `examples/`), reports go to run pages and the log, and a webhook
 *   secret is generated when none is given.
 */
import { z } from 'zod';

export type Role = 'all' | 'web' | 'worker';

export type GitHubAuth =
  | { readonly kind: 'app'; readonly appId: number; readonly privateKey: string }
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'none' };

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly redisUrl: string;
  readonly webhookSecret: string;
  /** True when the secret was generated because none was configured (embedded default only). */
  readonly webhookSecretGenerated: boolean;
  readonly github: GitHubAuth;
  readonly githubApiUrl: string;
  /** `owner/name` of the platform repository, or a local directory. */
  readonly platformRepo: { readonly kind: 'github'; readonly repo: string } | { readonly kind: 'local'; readonly dir: string };
  /** App mode: the installation that covers the platform repository (else each job's own installation). */
  readonly platformInstallationId?: number;
  /** Local path of a bare repository, or the https URL of a remote one. */
  readonly stateRepo: string;
  /** A remote state repository's local bare mirror. */
  readonly stateMirrorDir: string;
  /** App mode: the installation whose token pushes to a remote state repository. */
  readonly stateInstallationId?: number;
  readonly publicUrl: string;
  readonly role: Role;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Embedded default: where `owner/name` repositories are found as `<dir>/<name>`. */
  readonly localReposDir: string;
  /** Worker concurrency per queue. */
  readonly concurrency: number;
  /** Spacing of GitHub writes, and of content-creating writes (comments), per installation (ms). */
  readonly githubWriteSpacingMs: number;
  readonly githubContentSpacingMs: number;
  /** Content-creating requests allowed per installation (GitHub's secondary limits: 80/min, 500/h). */
  readonly githubContentPerMinute: number;
  readonly githubContentPerHour: number;
  /** Prefix of pave's Redis keys (runs, index, dedupe) and of BullMQ's. */
  readonly keyPrefix: string;
  readonly queuePrefix: string;
  /** A job's lock (ms): after a worker dies its jobs run again within about twice this. */
  readonly jobLockMs: number;
  /** GitHub's web URL (links on the pages, the OAuth sign-in). */
  readonly githubWebUrl: string;
  /** Access to the web pages: a shared token and/or GitHub sign-in; neither = open to loopback only. */
  readonly ui: UiAccessConfig;
  /** The scheduled resync (`everyMs` 0: off). */
  readonly resync: { readonly everyMs: number; readonly maxRepositories: number; readonly concurrency: number; readonly maxApplies: number };
  /** The scheduled delivery sweeper, GitHub App mode only (`everyMs` 0: off). */
  readonly sweep: { readonly everyMs: number; readonly maxPages: number; readonly maxRedeliveries: number };
  /** Building images on merge (off: the preset's default image is deployed). */
  readonly build: BuildConfig;
}

export interface BuildConfig {
  readonly enabled: boolean;
  /** Base of clone URLs: `<gitUrl>/<owner>/<repo>.git`. */
  readonly gitUrl: string;
  readonly timeoutMs: number;
  readonly outputCapBytes: number;
  /** `host[:port]=USERNAME_VAR:PASSWORD_VAR,…` (variable names, never values). */
  readonly registryAuth?: string;
  /** Checkouts and image layers are written under this directory. */
  readonly workDir: string;
}

export interface UiAccessConfig {
  readonly token?: string;
  readonly github?: { readonly clientId: string; readonly clientSecret: string; readonly org: string };
  /** Whether `/metrics` is served without the pages' access control. */
  readonly metricsPublic: boolean;
}

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An interval like `30m`, `90s`, `1h` (or `0`: off), in milliseconds; at least a second when on. */
const Interval = z.string().trim().transform((text, ctx) => {
  const m = /^([0-9]{1,9})(ms|s|m|h|d)?$/.exec(text);
  if (!m || (m[2] === undefined && m[1] !== '0')) {
    ctx.addIssue({ code: 'custom', message: `not an interval: "${text}" (write e.g. 30m, 90s, 1h, or 0 to turn it off)` });
    return z.NEVER;
  }
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!;
  if (ms !== 0 && (ms < 1_000 || ms > 7 * UNIT_MS.d!)) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is out of range (1s to 7d, or 0 to turn it off)` });
    return z.NEVER;
  }
  return ms;
});

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default('redis://127.0.0.1:6379'),
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  GITHUB_APP_ID: z.coerce.number().int().positive().optional(),
  GITHUB_PRIVATE_KEY: z.string().optional(),
  GITHUB_PRIVATE_KEY_PATH: z.string().optional(),
  GITHUB_TOKEN: z.string().min(1).optional(),
  GITHUB_API_URL: z.string().url().default('https://api.github.com'),
  GITHUB_PLATFORM_INSTALLATION_ID: z.coerce.number().int().positive().optional(),
  GITHUB_STATE_INSTALLATION_ID: z.coerce.number().int().positive().optional(),
  STATE_MIRROR_DIR: z.string().default('.pave-state/state-mirror.git'),
  PLATFORM_REPO: z.string().default('platform-repo-example'),
  STATE_REPO: z.string().default('.pave-state/state.git'),
  PUBLIC_URL: z.string().url().optional(),
  PAVE_ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOCAL_REPOS_DIR: z.string().default('examples'),
  PAVE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  GITHUB_WRITE_SPACING_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  GITHUB_CONTENT_SPACING_MS: z.coerce.number().int().min(0).max(60_000).default(3_000),
  GITHUB_CONTENT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(80),
  GITHUB_CONTENT_PER_HOUR: z.coerce.number().int().min(1).max(10_000_000).default(500),
  PAVE_JOB_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  PAVE_BUILDS: z.enum(['on', 'off']).optional(),
  PAVE_GIT_URL: z.string().url().optional(),
  PAVE_BUILD_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(6 * 3600_000).default(15 * 60_000),
  PAVE_BUILD_OUTPUT_CAP: z.coerce.number().int().min(1_024).max(256 * 1024 * 1024).default(2 * 1024 * 1024),
  PAVE_REGISTRY_AUTH: z.string().optional(),
  PAVE_WORK_DIR: z.string().default('.pave-work'),
  PAVE_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/).default('pave:'),
  PAVE_UI_TOKEN: z.string().min(16, 'must be at least 16 characters (e.g. `openssl rand -hex 32`)').optional(),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  GITHUB_WEB_URL: z.string().url().default('https://github.com'),
  PAVE_UI_GITHUB_ORG: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'a GitHub organization login').optional(),
  PAVE_METRICS_PUBLIC: z.enum(['true', 'false']).default('true'),
  PAVE_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (BullMQ adds its own colons)').default('bull'),
  PAVE_RESYNC_INTERVAL: Interval.default(30 * 60_000),
  PAVE_RESYNC_MAX_REPOSITORIES: z.coerce.number().int().min(1).max(100_000).default(2_000),
  PAVE_RESYNC_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  PAVE_RESYNC_MAX_APPLIES: z.coerce.number().int().min(0).max(10_000).default(50),
  PAVE_SWEEP_INTERVAL: Interval.default(10 * 60_000),
  PAVE_SWEEP_MAX_PAGES: z.coerce.number().int().min(1).max(100).default(10),
  PAVE_SWEEP_MAX_REDELIVERIES: z.coerce.number().int().min(0).max(1_000).default(25),
});

/** Every variable {@link loadConfig} reads (deploy tests check compose files and charts against it). */
export const ENV_VARIABLE_NAMES: readonly string[] = Object.keys(Env.shape);

/**
 * Build the configuration. `readFile` reads `GITHUB_PRIVATE_KEY_PATH`; `randomSecret` makes the
 * embedded default's webhook secret. Throws {@link ConfigurationError} listing every problem.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  io: { readFile: (path: string) => string; randomSecret: () => string },
): AppConfig {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    throw new ConfigurationError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];

  let github: GitHubAuth = { kind: 'none' };
  if (e.GITHUB_APP_ID !== undefined || e.GITHUB_PRIVATE_KEY || e.GITHUB_PRIVATE_KEY_PATH) {
    let key = e.GITHUB_PRIVATE_KEY?.replace(/\\n/g, '\n');
    if (!key && e.GITHUB_PRIVATE_KEY_PATH) {
      try {
        key = io.readFile(e.GITHUB_PRIVATE_KEY_PATH);
      } catch (err) {
        problems.push(`GITHUB_PRIVATE_KEY_PATH: cannot read ${e.GITHUB_PRIVATE_KEY_PATH} (${err instanceof Error ? err.message : String(err)})`);
      }
    }
    if (e.GITHUB_APP_ID === undefined) problems.push('GITHUB_APP_ID: required with a GitHub App private key');
    else if (!key) problems.push('GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH: required with GITHUB_APP_ID');
    else if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) problems.push('GITHUB_PRIVATE_KEY: not a PEM private key (expected "-----BEGIN RSA PRIVATE KEY-----")');
    else github = { kind: 'app', appId: e.GITHUB_APP_ID, privateKey: key };
  } else if (e.GITHUB_TOKEN) {
    github = { kind: 'token', token: e.GITHUB_TOKEN };
  }

  let webhookSecret = e.WEBHOOK_SECRET;
  let generated = false;
  if (!webhookSecret) {
    if (github.kind !== 'none') problems.push('WEBHOOK_SECRET: required when GitHub credentials are configured (the same secret as in the GitHub App settings)');
    else {
      webhookSecret = io.randomSecret();
      generated = true;
    }
  }

  const platformRepo = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(e.PLATFORM_REPO) && github.kind !== 'none'
    ? { kind: 'github' as const, repo: e.PLATFORM_REPO }
    : { kind: 'local' as const, dir: e.PLATFORM_REPO };

  const remoteState = /^https?:\/\//i.test(e.STATE_REPO);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(e.STATE_REPO) && !remoteState) problems.push('STATE_REPO: only https:// (or http:// on loopback) remote repositories are supported');
  if (remoteState && /\/\/[^/]*@/.test(e.STATE_REPO)) problems.push('STATE_REPO: put no credentials in the URL; pave pushes with the GitHub token or installation token');
  if (remoteState && github.kind === 'none') problems.push('STATE_REPO: a remote state repository needs GitHub credentials (GITHUB_TOKEN, or a GitHub App)');
  if (remoteState && github.kind === 'app' && e.GITHUB_STATE_INSTALLATION_ID === undefined && e.GITHUB_PLATFORM_INSTALLATION_ID === undefined) {
    problems.push('GITHUB_STATE_INSTALLATION_ID: required with a GitHub App and a remote STATE_REPO (the installation that may push to it)');
  }

  let uiGitHub: UiAccessConfig['github'];
  if (e.GITHUB_CLIENT_ID !== undefined || e.GITHUB_CLIENT_SECRET !== undefined) {
    const org = e.PAVE_UI_GITHUB_ORG ?? (platformRepo.kind === 'github' ? platformRepo.repo.split('/')[0] : undefined);
    if (!e.GITHUB_CLIENT_ID || !e.GITHUB_CLIENT_SECRET) problems.push('GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET: set both for GitHub sign-in (the GitHub App\'s OAuth credentials)');
    else if (!org) problems.push('PAVE_UI_GITHUB_ORG: required for GitHub sign-in without a GitHub platform repository (whose members may sign in)');
    else uiGitHub = { clientId: e.GITHUB_CLIENT_ID, clientSecret: e.GITHUB_CLIENT_SECRET, org };
  }

  if (problems.length > 0) throw new ConfigurationError(problems);
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    webhookSecret: webhookSecret!,
    webhookSecretGenerated: generated,
    github,
    githubApiUrl: e.GITHUB_API_URL.replace(/\/+$/, ''),
    platformRepo,
    ...(e.GITHUB_PLATFORM_INSTALLATION_ID !== undefined ? { platformInstallationId: e.GITHUB_PLATFORM_INSTALLATION_ID } : {}),
    stateRepo: e.STATE_REPO,
    stateMirrorDir: e.STATE_MIRROR_DIR,
    ...((e.GITHUB_STATE_INSTALLATION_ID ?? e.GITHUB_PLATFORM_INSTALLATION_ID) !== undefined ? { stateInstallationId: (e.GITHUB_STATE_INSTALLATION_ID ?? e.GITHUB_PLATFORM_INSTALLATION_ID)! } : {}),
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    role: e.PAVE_ROLE,
    logLevel: e.LOG_LEVEL,
    localReposDir: e.LOCAL_REPOS_DIR,
    concurrency: e.PAVE_CONCURRENCY,
    githubWriteSpacingMs: e.GITHUB_WRITE_SPACING_MS,
    githubContentSpacingMs: e.GITHUB_CONTENT_SPACING_MS,
    githubContentPerMinute: e.GITHUB_CONTENT_PER_MINUTE,
    githubContentPerHour: e.GITHUB_CONTENT_PER_HOUR,
    keyPrefix: e.PAVE_KEY_PREFIX,
    queuePrefix: e.PAVE_QUEUE_PREFIX,
    jobLockMs: e.PAVE_JOB_LOCK_MS,
    githubWebUrl: e.GITHUB_WEB_URL.replace(/\/+$/, ''),
    ui: { ...(e.PAVE_UI_TOKEN ? { token: e.PAVE_UI_TOKEN } : {}), ...(uiGitHub ? { github: uiGitHub } : {}), metricsPublic: e.PAVE_METRICS_PUBLIC === 'true' },
    resync: { everyMs: e.PAVE_RESYNC_INTERVAL, maxRepositories: e.PAVE_RESYNC_MAX_REPOSITORIES, concurrency: e.PAVE_RESYNC_CONCURRENCY, maxApplies: e.PAVE_RESYNC_MAX_APPLIES },
    sweep: { everyMs: github.kind === 'app' ? e.PAVE_SWEEP_INTERVAL : 0, maxPages: e.PAVE_SWEEP_MAX_PAGES, maxRedeliveries: e.PAVE_SWEEP_MAX_REDELIVERIES },
    // Builds need the repositories' git (a GitHub App or token): on by default there, off in the embedded default.
    build: {
      enabled: (e.PAVE_BUILDS ?? (github.kind === 'none' ? 'off' : 'on')) === 'on',
      gitUrl: (e.PAVE_GIT_URL ?? e.GITHUB_WEB_URL).replace(/\/+$/, ''),
      timeoutMs: e.PAVE_BUILD_TIMEOUT_MS, outputCapBytes: e.PAVE_BUILD_OUTPUT_CAP, workDir: e.PAVE_WORK_DIR,
      ...(e.PAVE_REGISTRY_AUTH ? { registryAuth: e.PAVE_REGISTRY_AUTH } : {}),
    },
  };
}
