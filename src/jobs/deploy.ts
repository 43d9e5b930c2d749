/**
 * Deploy one component to one environment: the step a merge (first environment), a promotion and
 * a rollback share. Under the (project/component/environment) lease —
 *
 *   databases → connection secrets → sealed secret → manifests, desired state, release record,
 *   encrypted secrets and the component's promotion ledger committed in one commit.
 *
 * Every step is idempotent, so a retry after a crash at any point converges: providers create
 * only what is missing and repair drift; secrets generated before a crash but never committed are
 * simply generated again and the provider resets the password to them; the sealed secret is
 * re-used while its data is unchanged; and a commit whose files are already there is not made.
 * Waiting for a lease is not a failure (the job is delayed). Databases are never dropped: one no
 * longer declared is recorded in `orphans.json` (same commit) and kept until deleted explicitly.
 */
import type { ComponentDescriptor } from '../domain/component.js';
import type { ApplyPorts, EncryptedSecret, ReleaseRecord, StateChange } from '../domain/apply.js';
import { ConfigError, NotReadyError } from '../domain/errors.js';
import type { Environment, PlatformConfig } from '../domain/platform.js';
import { isSecret, type DesiredState, type EnvironmentPlan } from '../domain/plan.js';
import type { Deployment } from '../domain/promotion.js';
import { addRelease, recordDeployment, releaseId } from '../planner/promotion.js';
import { escapeText } from '../render/markdown.js';
import type { JobContext, JobDeps } from './context.js';
import { ledgerPath, readLedger, withLedgerLease } from './ledger.js';
import { orphansAfterApply } from './orphans.js';

const LEASE_MS = 10 * 60_000;

/** Where the deployed code comes from, and who asked. */
export interface DeploySource {
  readonly repo: string;
  readonly sha: string;
  readonly prNumber?: number;
  readonly actor: string;
  /** When the triggering event arrived (ms since epoch): the release record's time. */
  readonly receivedAt: number;
  /** The job's identity, as lease owner (a retry of the same job gets the lease back). */
  readonly owner: string;
}

export interface DeployOptions {
  /** The image to pin (promotion, rollback); absent: the merge's image (see {@link imageFor}). */
  readonly image?: { readonly image: string; readonly source: string };
  readonly how: Deployment['how'];
  /** Release creation time when the release is new (merges). */
  readonly releaseCreatedAt?: string;
}

export interface Outcome {
  readonly component: string;
  readonly environment: string;
  readonly state: 'success' | 'failure';
  readonly summary: string;
  readonly details: readonly string[];
  /** Set when deployed. */
  readonly releaseId?: string;
  readonly image?: string;
  readonly commit?: string;
}

export async function deployToEnvironment(deps: JobDeps, apply: ApplyPorts, config: PlatformConfig, source: DeploySource, descriptor: ComponentDescriptor, envPlan: EnvironmentPlan, ctx: JobContext, options: DeployOptions): Promise<Outcome> {
  const base = { component: descriptor.name, environment: envPlan.environment };
  if (envPlan.status === 'invalid') {
    return { ...base, state: 'failure', summary: 'invalid: not applied', details: envPlan.problems.map((p) => `\`${p.file}:${p.line}:${p.column}\` ${escapeText(p.message)}`) };
  }
  const blocking = envPlan.violations.filter((v) => v.severity === 'error');
  if (blocking.length > 0) {
    return { ...base, state: 'failure', summary: `blocked by policy ${blocking[0]!.policy}`, details: blocking.map((v) => `policy \`${v.policy}\`: ${escapeText(v.message)}`) };
  }
  const desired = envPlan.desired;
  const environment = config.environments.get(desired.environment)!;
  const leaseKey = `${desired.project}/${desired.component}/${desired.environment}`;
  if (!(await apply.leases.acquire(leaseKey, LEASE_MS, source.owner))) throw new NotReadyError(`waiting for the lease on ${leaseKey} (another apply or promotion is running)`, 3_000);
  try {
    const changes = await converge(apply, config, environment, source, descriptor, desired, ctx, options);
    const id = releaseId(source.sha, changes.image);
    const verb = options.how === 'merge' ? 'apply' : options.how;
    const message = `${verb} ${desired.project}/${desired.component} to ${desired.environment} at ${source.sha.slice(0, 7)} (${id})\n\n` +
      `Source: ${source.repo}@${source.sha}\n${source.prNumber ? `Pull request: ${source.repo}#${source.prNumber}\n` : ''}Actor: ${source.actor}\n`;
    const commit = await withLedgerLease(apply, desired.project, desired.component, source.owner, async () => {
      let ledger = await readLedger(apply.state, desired.project, desired.component);
      ledger = addRelease(ledger, {
        id, repo: source.repo, sourceSha: source.sha, image: changes.image,
        createdAt: options.releaseCreatedAt ?? new Date(source.receivedAt).toISOString(),
        ...(source.prNumber ? { pullRequest: source.prNumber } : {}), actor: source.actor,
      });
      ledger = recordDeployment(ledger, desired.environment, {
        releaseId: id, configHash: desired.configHash, deployedAt: deps.clock.now().toISOString(), by: source.actor, how: options.how, health: 'unknown',
      });
      const files = { ...changes.files, [ledgerPath(desired.project, desired.component)]: JSON.stringify(ledger, null, 2) + '\n' };
      return apply.state.commit(files, message, { name: 'pave', email: 'pave@users.noreply.github.com' });
    });
    ctx.logger.info({ component: desired.component, environment: desired.environment, commit, release: id, changed: changes.changed }, 'deployed');
    const summary = changes.changed.length > 0 ? `${options.how === 'merge' ? 'applied' : 'deployed'} (${changes.changed.length} change${changes.changed.length === 1 ? '' : 's'})` : 'up to date';
    return {
      ...base, state: 'success', summary, releaseId: id, image: changes.image, commit,
      details: [...changes.changed.map(escapeText), `release \`${id}\``, `state commit \`${commit.slice(0, 12)}\``, `image \`${changes.image}\` (${changes.imageSource})`],
    };
  } finally {
    await apply.leases.release(leaseKey, source.owner);
  }
}

async function converge(apply: ApplyPorts, config: PlatformConfig, environment: Environment, source: DeploySource, descriptor: ComponentDescriptor, desired: DesiredState, ctx: JobContext, options: DeployOptions) {
  const dir = `environments/${desired.environment}/${desired.project}/${desired.component}`;
  const secretsFile = `secrets/${desired.environment}/${desired.project}/${desired.component}.json`;
  const existing = await apply.state.readFiles(secretsFile);
  const stored: Record<string, EncryptedSecret> = existing.has(secretsFile) ? JSON.parse(existing.get(secretsFile)!) as Record<string, EncryptedSecret> : {};
  const changed: string[] = [];
  let secretsChanged = false;

  /** A secret of this component: decrypted when stored, else generated (and stored with the commit). */
  const own = (ref: string, kind: 'password' | 'api-key'): string => {
    const record = stored[ref];
    if (record) return apply.cipher.decrypt(record, ref);
    const value = apply.generate(kind);
    stored[ref] = apply.cipher.encrypt(value, ref);
    secretsChanged = true;
    changed.push(`generated ${kind === 'password' ? 'a password' : 'an API key'} (${ref.split('/').pop()})`);
    return value;
  };
  /** A database password owned by another component of the project: read it from its secrets. */
  const foreign = async (ref: string): Promise<string> => {
    const [, env, project, component] = ref.split('/');
    const file = `secrets/${env}/${project}/${component}.json`;
    const files = await apply.state.readFiles(file);
    const record = files.has(file) ? (JSON.parse(files.get(file)!) as Record<string, EncryptedSecret>)[ref] : undefined;
    if (!record) throw new NotReadyError(`waiting for ${project}/${component} to create the database it shares (${ref})`, 10_000);
    return apply.cipher.decrypt(record, ref);
  };
  const resolve = async (ref: string): Promise<string | undefined> => {
    if (ref.startsWith('db/')) {
      const [, , project, component] = ref.split('/');
      return project === desired.project && component === desired.component ? own(ref, 'password') : foreign(ref);
    }
    if (ref.startsWith('apikey/')) return own(ref, 'api-key');
    if (ref.startsWith('env:') || ref.startsWith('file:')) return apply.external(ref);
    return undefined; // configuration-form secrets are supplied out of band (not yet)
  };

  // 1. Databases: create what is missing, repair drift, prove the owner can log in.
  for (const db of desired.databases) {
    const ref = `db/${desired.environment}/${desired.project}/${desired.component}/${db.name}`;
    const password = own(ref, 'password');
    const server = environment.databaseServers[db.engine];
    if (!server) throw new ConfigError(`environment ${environment.name} has no ${db.engine} server`);
    const provider = await apply.provider(db.engine, server, desired.environment);
    const r = await provider.apply(db, password);
    changed.push(...r.changed.map((c) => `${db.name}: ${c}`));
    if (!(await provider.verify(db, password))) throw new ConfigError(`${db.name}: the owner cannot log in after apply`);
  }

  // 2. Connection and configuration secrets → one Secret, sealed for the environment's cluster.
  const secretData: Record<string, string> = {};
  const missing: string[] = [];
  const envVars = { ...desired.config, ...Object.assign({}, ...desired.connections.map((c) => c.env)) } as DesiredState['config'];
  for (const [name, value] of Object.entries(envVars)) {
    if (!isSecret(value)) continue;
    const v = await resolve(value.secret);
    if (v === undefined) missing.push(name);
    else secretData[name] = v;
  }
  if (missing.length > 0) ctx.logger.warn({ missing }, 'secret values not available yet; the deployment will not start until they are');
  const secretName = `${desired.component}-secrets`;
  let sealed: object | undefined;
  let dataHash: string | undefined;
  if (Object.keys(secretData).length > 0) {
    const certificatePem = environment.sealingCertificate;
    if (!certificatePem) throw new ConfigError(`environment ${environment.name} has no sealingCertificate: secrets cannot be delivered to its cluster`);
    // Sealing is randomized: re-use the previous SealedSecret while the data (and certificate) are unchanged.
    dataHash = apply.digest({ data: secretData, certificatePem, namespace: desired.namespace, name: secretName });
    const previous = await apply.state.readFiles(`${dir}/sealed-secret.json`);
    const prev = previous.get(`${dir}/sealed-secret.json`);
    const prevParsed = prev ? (JSON.parse(prev) as { digest: string; object: object }) : undefined;
    if (prevParsed && prevParsed.digest === dataHash) sealed = prevParsed.object;
    else {
      sealed = apply.seal({ certificatePem, namespace: desired.namespace, name: secretName, data: secretData });
      changed.push(`sealed ${Object.keys(secretData).length} secret value${Object.keys(secretData).length === 1 ? '' : 's'}`);
    }
  }

  // 3. Manifests, desired state and the release record.
  const { image, source: imageSource } = options.image ?? imageFor(config, descriptor, desired.environment);
  const { yaml } = apply.renderManifests({ desired, image, secretName, ...(sealed ? { sealedSecret: sealed } : {}), files: desired.files ?? [] });
  const release: ReleaseRecord = {
    project: desired.project, component: desired.component, environment: desired.environment, repo: source.repo,
    sourceSha: source.sha, image, releaseId: releaseId(source.sha, image), configHash: desired.configHash, ...(source.prNumber ? { pullRequest: source.prNumber } : {}),
    actor: source.actor, appliedAt: new Date(source.receivedAt).toISOString(),
  };
  const files: Record<string, string | null> = {
    [`${dir}/manifests.yaml`]: yaml,
    [`${dir}/desired.json`]: JSON.stringify(desired, null, 2) + '\n',
    [`${dir}/release.json`]: JSON.stringify(release, null, 2) + '\n',
    [`${dir}/sealed-secret.json`]: sealed ? JSON.stringify({ digest: dataHash, object: sealed }, null, 2) + '\n' : null,
  };
  if (secretsChanged) files[secretsFile] = JSON.stringify(stored, null, 2) + '\n';
  // 4. Databases no longer declared are kept, recorded as orphans (their passwords stay in the secrets file).
  const orphans = await orphansAfterApply(apply.state, desired, { since: new Date(source.receivedAt).toISOString(), sourceSha: source.sha, actor: source.actor });
  changed.push(...orphans.changed);
  Object.assign(files, orphans.files);
  return { files: files as StateChange, changed, image, imageSource };
}

export function imageFor(config: PlatformConfig, d: ComponentDescriptor, environment: string): { image: string; source: string } {
  const override = d.deploy.env[environment]?.image ?? d.deploy.image;
  if (override) return { image: override, source: 'deploy.image' };
  const preset = d.build ? config.buildPresets.get(d.build.preset) : undefined;
  if (preset) return { image: preset.runtimeImage ?? preset.baseImage, source: `preset ${preset.name} default until builds exist` };
  return { image: `${config.environments.get(environment)?.registry.url ?? 'registry.invalid'}/${d.name}:unbuilt`, source: 'placeholder: no deploy.image and no build preset' };
}

