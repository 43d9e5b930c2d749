/**
 * Apply a merge: re-plan the repository's components at the merged sha (never trusting an older
 * plan), and for each component in the first environment of its pipeline —
 *
 *   lease (component, environment) → databases → connection secrets → sealed secret → manifests,
 *   release record and encrypted secrets committed to the state repository in one commit.
 *
 * Every step is idempotent, so a retry after a crash at any point converges: providers create
 * only what is missing and repair drift; secrets generated before a crash but never committed are
 * simply generated again and the provider resets the password to them; the sealed secret is
 * re-used while its data is unchanged; and a commit whose files are already there is not made.
 * Waiting for a lease is not a failure (the job is delayed). Databases are never dropped.
 */
import { findProject } from '../config/platform/index.js';
import type { ComponentDescriptor, LocatedComponent } from '../domain/component.js';
import type { ApplyPorts, EncryptedSecret, ReleaseRecord, StateChange } from '../domain/apply.js';
import { ConfigError, NotReadyError } from '../domain/errors.js';
import type { Environment, PlatformConfig } from '../domain/platform.js';
import { isSecret, type DesiredState, type EnvironmentPlan } from '../domain/plan.js';
import type { Run } from '../domain/runs.js';
import { plan } from '../planner/plan.js';
import { escapeText } from '../render/markdown.js';
import type { ApplyRepository } from '../queue/jobs.js';
import { DEPLOY_MARKER, type JobContext, type JobDeps } from './context.js';
import { knownComponents, readRepositoryAt } from './plan-support.js';

const LEASE_MS = 10 * 60_000;

interface Outcome {
  readonly component: string;
  readonly environment: string;
  readonly state: 'success' | 'failure';
  readonly summary: string;
  readonly details: readonly string[];
}

export async function applyRepository(deps: JobDeps, job: ApplyRepository, ctx: JobContext): Promise<void> {
  try {
    await applyMerge(deps, job, ctx);
  } catch (err) {
    if (ctx.willRetry(err)) throw err;
    // Every path ends with a report: a final error is posted as an `error` status and comment.
    const id = runId(job);
    const why = err instanceof Error ? err.message : String(err);
    await deps.runs.save({
      id, kind: 'apply', repo: job.repo, ...(job.prNumber ? { prNumber: job.prNumber } : {}), headSha: job.sha,
      ...(job.installationId ? { installationId: job.installationId } : {}), state: 'errored',
      startedAt: new Date(job.receivedAt).toISOString(), finishedAt: deps.clock.now().toISOString(),
      description: 'pave could not apply this commit', error: why,
      statuses: [{ context: 'pave/deploy', state: 'error', description: why.slice(0, 140) }],
      comment: `${DEPLOY_MARKER}\n### pave apply · ${escapeText(job.repo)} @ ${job.sha.slice(0, 7)}\n\n⚠️ **Not applied**: ${escapeText(why)}`,
    });
    await deps.enqueue([{ kind: 'report', runId: id, phase: 'finished' }]);
    throw err;
  }
}

function runId(job: ApplyRepository): string {
  return `apply-${job.repo.replace('/', '~')}-${job.sha.slice(0, 12)}`;
}

async function applyMerge(deps: JobDeps, job: ApplyRepository, ctx: JobContext): Promise<void> {
  const apply = deps.apply;
  if (!apply) throw new ConfigError('applying is not configured (no state repository or secret key)');
  const ports = deps.repositories(job.installationId);
  const platformAt = await deps.platform(job.installationId).current();
  if (!platformAt.result.ok) throw new ConfigError('the platform repository is invalid; fix it before anything can be applied');
  const config = platformAt.result.config;

  const own: LocatedComponent[] = (await readRepositoryAt(ports.reader, job.repo, job.sha))
    .flatMap((e) => (e.descriptor ? [{ repo: job.repo, descriptor: e.descriptor }] : []));
  const known = [...(await knownComponents(deps, job.repo)), ...own];
  const result = plan({
    platform: config,
    known,
    targets: own.map((c) => ({ repo: c.repo, root: c.descriptor.root })),
    current: await deps.state.snapshot(),
    projectOf: (repo, root) => findProject(config, repo, root),
  });

  const outcomes: Outcome[] = [];
  for (const cp of result.components) {
    const pipeline = cp.pipeline ? config.pipelines.get(cp.pipeline) : undefined;
    const first = pipeline?.environments[0];
    const envPlan = cp.environments.find((e) => e.environment === first);
    if (!first || !envPlan) continue;
    const descriptor = own.find((c) => c.descriptor.root === cp.root)!.descriptor;
    outcomes.push(await applyOne(deps, apply, config, job, descriptor, envPlan, ctx));
  }

  const id = runId(job);
  const failed = outcomes.filter((o) => o.state === 'failure').length;
  const run: Run = {
    id,
    kind: 'apply',
    repo: job.repo,
    ...(job.prNumber ? { prNumber: job.prNumber } : {}),
    headSha: job.sha,
    ...(job.installationId ? { installationId: job.installationId } : {}),
    state: failed > 0 ? 'failed' : 'succeeded',
    startedAt: new Date(job.receivedAt).toISOString(),
    finishedAt: deps.clock.now().toISOString(),
    description: outcomes.length === 0 ? 'No component to apply' : `${outcomes.length - failed}/${outcomes.length} applied`,
    statuses: outcomes.map((o) => ({ context: `pave/deploy/${o.environment}`, state: o.state, description: `${o.component}: ${o.summary}` })),
    ...(outcomes.length > 0 ? { comment: deployComment(job, outcomes), fullMarkdown: deployComment(job, outcomes) } : {}),
  };
  await deps.runs.save(run);
  await deps.enqueue([{ kind: 'report', runId: id, phase: 'finished' }]);
}

async function applyOne(deps: JobDeps, apply: ApplyPorts, config: PlatformConfig, job: ApplyRepository, descriptor: ComponentDescriptor, envPlan: EnvironmentPlan, ctx: JobContext): Promise<Outcome> {
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
  const owner = `${runId(job)}`;
  if (!(await apply.leases.acquire(leaseKey, LEASE_MS, owner))) throw new NotReadyError(`waiting for the lease on ${leaseKey} (another apply is running)`, 3_000);
  try {
    const changes = await converge(deps, apply, config, environment, job, descriptor, desired, ctx);
    const message = `apply ${desired.project}/${desired.component} to ${desired.environment} at ${job.sha.slice(0, 7)}\n\n` +
      `Source: ${job.repo}@${job.sha}\n${job.prNumber ? `Pull request: ${job.repo}#${job.prNumber}\n` : ''}Actor: ${job.actor}\n`;
    const commit = await apply.state.commit(changes.files, message, { name: 'pave', email: 'pave@users.noreply.github.com' });
    ctx.logger.info({ component: desired.component, environment: desired.environment, commit, changed: changes.changed }, 'applied');
    const summary = changes.changed.length > 0 ? `applied (${changes.changed.length} change${changes.changed.length === 1 ? '' : 's'})` : 'up to date';
    return { ...base, state: 'success', summary, details: [...changes.changed.map(escapeText), `state commit \`${commit.slice(0, 12)}\``, `image \`${changes.image}\` (${changes.imageSource})`] };
  } finally {
    await apply.leases.release(leaseKey, owner);
  }
}

async function converge(deps: JobDeps, apply: ApplyPorts, config: PlatformConfig, environment: Environment, job: ApplyRepository, descriptor: ComponentDescriptor, desired: DesiredState, ctx: JobContext) {
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
  const { image, source: imageSource } = imageFor(config, descriptor, desired.environment);
  const { yaml } = apply.renderManifests({ desired, image, secretName, ...(sealed ? { sealedSecret: sealed } : {}), files: [] });
  const release: ReleaseRecord = {
    project: desired.project, component: desired.component, environment: desired.environment, repo: job.repo,
    sourceSha: job.sha, image, configHash: desired.configHash, ...(job.prNumber ? { pullRequest: job.prNumber } : {}),
    actor: job.actor, appliedAt: new Date(job.receivedAt).toISOString(),
  };
  const files: Record<string, string | null> = {
    [`${dir}/manifests.yaml`]: yaml,
    [`${dir}/desired.json`]: JSON.stringify(desired, null, 2) + '\n',
    [`${dir}/release.json`]: JSON.stringify(release, null, 2) + '\n',
    [`${dir}/sealed-secret.json`]: sealed ? JSON.stringify({ digest: dataHash, object: sealed }, null, 2) + '\n' : null,
  };
  if (secretsChanged) files[secretsFile] = JSON.stringify(stored, null, 2) + '\n';
  return { files: files as StateChange, changed, image, imageSource };
}

function imageFor(config: PlatformConfig, d: ComponentDescriptor, environment: string): { image: string; source: string } {
  const override = d.deploy.env[environment]?.image ?? d.deploy.image;
  if (override) return { image: override, source: 'deploy.image' };
  const preset = d.build ? config.buildPresets.get(d.build.preset) : undefined;
  if (preset) return { image: preset.runtimeImage ?? preset.baseImage, source: `preset ${preset.name} default until builds exist` };
  return { image: `${config.environments.get(environment)?.registry.url ?? 'registry.invalid'}/${d.name}:unbuilt`, source: 'placeholder: no deploy.image and no build preset' };
}

function deployComment(job: ApplyRepository, outcomes: readonly Outcome[]): string {
  const lines = [DEPLOY_MARKER, `### pave apply · ${escapeText(job.repo)} @ ${job.sha.slice(0, 7)}`, ''];
  const failed = outcomes.filter((o) => o.state === 'failure');
  lines.push(failed.length > 0 ? `❌ **${failed.length} of ${outcomes.length} not applied**` : `✅ **Applied ${outcomes.length} component${outcomes.length === 1 ? '' : 's'}**`, '');
  lines.push('| component | environment | result |', '|---|---|---|');
  for (const o of [...failed, ...outcomes.filter((x) => x.state === 'success')]) {
    lines.push(`| \`${o.component}\` | ${o.environment} | ${o.state === 'success' ? '✅' : '❌'} ${escapeText(o.summary)} |`);
  }
  for (const o of outcomes) {
    if (o.details.length === 0) continue;
    lines.push('', `<details><summary><b>${escapeText(o.component)}</b> · ${o.environment}</summary>`, '', ...o.details.map((d) => `- ${d}`), '', '</details>');
  }
  return lines.join('\n');
}
