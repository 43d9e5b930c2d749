/**
 * Apply: the ports that change real systems when a merge lands. Every implementation is
 * idempotent — applying the same desired state twice changes nothing the second time — and a
 * crash at any point is repaired by running the apply again.
 */
import type { DatabaseEngine } from './component.js';
import type { DatabaseServer } from './platform.js';
import type { DesiredDatabase, DesiredState } from './plan.js';

/** What a provider found on the server for one desired database. */
export interface ObservedDatabase {
  readonly databaseExists: boolean;
  readonly userExists: boolean;
  /** Whether the owner can log in with the password pave holds (false: drift, repaired on apply). */
  readonly credentialsWork: boolean;
  /** Server-side settings that differ from the desired ones, by name (e.g. `connectionLimit`). */
  readonly drift: readonly string[];
}

export interface ProviderResult {
  /** What the apply changed, in words (`created database`, `reset password` …); empty when nothing. */
  readonly changed: readonly string[];
}

/** What {@link DatabaseProvider.drop} needs: the logical name (for messages) and the physical names. */
export type DropTarget = Pick<DesiredDatabase, 'name' | 'engine' | 'database' | 'user'>;

/**
 * A database server of one engine (PostgreSQL, MySQL/MariaDB, Redis-compatible cache). It creates
 * the database (or, for a cache, the key prefix) and an owning user confined to it, with the
 * password it is given. Applying never drops anything: removal is {@link drop}, called only by the
 * explicit, authorized `delete-database` job.
 */
export interface DatabaseProvider {
  readonly engine: DatabaseEngine;
  observe(target: DesiredDatabase, password: string): Promise<ObservedDatabase>;
  apply(target: DesiredDatabase, password: string): Promise<ProviderResult>;
  /** Log in as the owner with `password` and touch the database: proves the credentials work. */
  verify(target: DesiredDatabase, password: string): Promise<boolean>;
  /**
   * Delete the database (for a cache, every key under the prefix) and its owning user, ending
   * their sessions. Idempotent: what is already gone is skipped, so `changed` is empty the second
   * time. Names are validated before connecting and quoted in statements.
   */
  drop(target: DropTarget): Promise<ProviderResult>;
  close(): Promise<void>;
}

/** A secret pave generated (database password, API key), encrypted for storage at rest. */
export interface EncryptedSecret {
  /** Format version. */
  readonly v: 1;
  /** Id of the master key that wraps the data key (for rotation). */
  readonly kid: string;
  /** The per-secret data key, encrypted under the master key (base64). */
  readonly edk: string;
  /** AES-256-GCM nonce, ciphertext and tag of the secret under the data key (base64). */
  readonly iv: string;
  readonly ct: string;
  readonly tag: string;
}

/** Envelope encryption of secrets with a master key the service is given. */
export interface SecretCipher {
  encrypt(plaintext: string, context: string): EncryptedSecret;
  /** Throws when the record was not made with this master key and context (tampering). */
  decrypt(secret: EncryptedSecret, context: string): string;
}

/** A release: what runs in one environment. */
export interface ReleaseRecord {
  readonly project: string;
  readonly component: string;
  readonly environment: string;
  readonly repo: string;
  readonly sourceSha: string;
  /** Image reference, by digest when known (`registry/name@sha256:…`). */
  readonly image: string;
  /** The release (source sha, image digest) this is; see `planner/promotion.ts` releaseId. */
  readonly releaseId?: string;
  readonly configHash: string;
  readonly pullRequest?: number;
  readonly actor: string;
  /** ISO-8601. */
  readonly appliedAt: string;
}

/** One file to write (content) or delete (null) in the state repository. */
export type StateChange = Readonly<Record<string, string | null>>;

/**
 * The state repository: git, the durable record. Per environment it holds each component's
 * rendered manifests, desired state and release record, and pave's encrypted secrets. Writes are
 * serialized and retried on non-fast-forward; one commit per apply.
 */
export interface StateRepository {
  /** Every file's contents under `prefix` at the head of the state branch. */
  readFiles(prefix: string): Promise<ReadonlyMap<string, string>>;
  /**
   * Apply `changes` on top of the current head and commit with `message`; returns the new commit
   * sha, or the current head when the changes are already there (an idempotent retry).
   */
  commit(changes: StateChange, message: string, author: { name: string; email: string }): Promise<string>;
}

/** Renders the Kubernetes objects of one (component, environment). Pure and deterministic. */
export interface ManifestInput {
  readonly desired: DesiredState;
  readonly image: string;
  /** Name of the Secret holding connection and configuration secrets (sealed). */
  readonly secretName: string;
  /** The SealedSecret object, already encrypted for the environment's cluster; absent when no secrets. */
  readonly sealedSecret?: object;
  readonly files: readonly { readonly name: string; readonly mountPath: string; readonly content: string }[];
}

export type { DatabaseEngine };

/** Mutual exclusion with a time limit: one apply at a time per (component, environment). */
export interface LeaseManager {
  /**
   * Take the lease for `owner` (the job's identity); true when taken, false when someone else holds
   * it. The same owner taking it again — a retry of a job whose worker died — gets it back at once.
   */
  acquire(key: string, ttlMs: number, owner: string): Promise<boolean>;
  /** Release only if still ours (a lease that expired and was taken by another is left alone). */
  release(key: string, owner: string): Promise<void>;
}

/** Seals secret values for one environment's cluster (Bitnami SealedSecret). */
export type SecretSealer = (input: {
  readonly certificatePem: string;
  readonly namespace: string;
  readonly name: string;
  readonly data: Readonly<Record<string, string>>;
}) => object;

/** Everything an apply needs besides the repository ports. */
export interface ApplyPorts {
  /** A provider for a database engine on one environment's server (admin credentials by reference). */
  provider(engine: DatabaseEngine, server: DatabaseServer, environment: string): Promise<DatabaseProvider>;
  readonly state: StateRepository;
  readonly cipher: SecretCipher;
  readonly seal: SecretSealer;
  readonly leases: LeaseManager;
  /** A new secret value. */
  generate(kind: 'password' | 'api-key'): string;
  /**
   * A keyed digest (HMAC under a key derived from the master key) of secret data: tells whether the
   * sealed secret must be re-sealed without revealing anything about low-entropy values.
   */
  digest(input: { readonly data: Readonly<Record<string, string>>; readonly certificatePem: string; readonly namespace: string; readonly name: string }): string;
  /** A secret the platform team provides to pave (`env:NAME`, `file:path` references of the catalog). */
  external(ref: string): string | undefined;
  /** Kubernetes objects as YAML, deterministic. */
  renderManifests(input: ManifestInput): { readonly yaml: string };
}
