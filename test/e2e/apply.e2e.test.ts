/**
 * Merge → apply, end to end: a push to the default branch that a merged pull request made →
 * the database and its owner exist on the real local server (and the owner logs in) → manifests,
 * desired state, release record and encrypted secrets committed to the state repository →
 * `pave/deploy/development` success → the result commented on the merged pull request. Then the
 * same delivery again changes nothing, and no generated secret appears in plaintext anywhere.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSecretCipher } from '../../src/adapters/secrets/index.js';
import type { EncryptedSecret } from '../../src/domain/apply.js';
import { pushEventFromDouble } from '../fixtures/github/index.js';
import { testRedis } from '../helpers/redis.js';
import { type Harness, startApplyHarness, waitFor, dropPostgresDatabasesLike } from './harness.js';

const REPO = 'acme-bank/investment-banking-backend';
const suffix = randomBytes(3).toString('hex');
const COMPONENT = `portfolio-${suffix}`;
const masterKey = randomBytes(32);
let h: Harness;

function git(args: string[]): string {
  return execFileSync('git', ['--git-dir', join(h.tmp, 'state.git'), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

beforeAll(async () => {
  // The cluster's sealing key stays in h.tmp/seal.key, so the test can prove what was sealed.
  h = await startApplyHarness(suffix, masterKey);
}, 90_000);

afterAll(async () => {
  await h?.close();
  // Databases named after this run, and their owners (whose names are hashed, so found through the database).
  await dropPostgresDatabasesLike(suffix);
});

it('applies a merge: database, state commit, deploy status and a comment on the pull request', async () => {
  const file = '.choreo/component.yaml';
  const original = readFileSync(`examples/investment-banking-backend/${file}`, 'utf8');
  const before = h.github.state.repo(REPO).refs.get('heads/main')!;
  // Renamed (a component of its own for this run) and with a configuration file whose values
  // come from deploy.files, overridden for development.
  const renamed = original.replace(/^component:\n  name: [^\n]+/m, `component:\n  name: ${COMPONENT}`)
    .replace(/^deploy:\n/m, `deploy:
  files:
    settings.json:
      portfolio: { pageSize: 50, currencies: [EUR, USD] }
      paperTrading: false
`).replace(/^  env:\n    production:\n/m, `  env:
    development:
      files:
        settings.json: { paperTrading: true }
    production:
`)
    + `  file:
    - name: settings.json
      mountPath: /app/config
      type: json
      values:
        - name: portfolio
          valueFrom:
            configForm:
              type: object
              properties:
                - { name: pageSize, type: number }
                - { name: currencies, type: array, items: { type: string } }
        - name: paperTrading
          valueFrom: { configForm: { type: boolean } }
`;
  expect(renamed).not.toBe(original);
  h.github.state.commit(REPO, { branch: 'rename', files: { [file]: renamed } });
  const pr = h.github.state.createPullRequest(REPO, { head: 'rename', author: 'dev' });
  h.github.state.commit(REPO, { files: { [file]: renamed }, message: `Merge pull request #${pr.number} from acme-bank/rename\n\nRename` });
  const sha = h.github.state.repo(REPO).refs.get('heads/main')!;
  const push = pushEventFromDouble(h.github.state, REPO, 'main', before);

  const res = await h.deliver('push', push);

  expect(res.status).toBe(202);
  await waitFor(() => h.github.state.repo(REPO).statuses.some((s) => s.sha === sha && s.context === 'pave/deploy/development' && s.state !== 'pending'), 'the deploy status', 60_000);
  const status = h.github.state.repo(REPO).statuses.filter((s) => s.sha === sha && s.context === 'pave/deploy/development').at(-1)!;
  expect(status.state).toBe('success');
  await waitFor(() => h.github.state.repo(REPO).comments.some((c) => c.issueNumber === pr.number && c.body.includes('<!-- pave:deploy -->')), 'the apply comment');

  // The state repository holds the component's files, and pave's secrets only encrypted.
  const dir = `environments/development/investment-banking/${COMPONENT}`;
  const tree = git(['ls-tree', '-r', '--name-only', 'main']);
  for (const f of ['manifests.yaml', 'desired.json', 'release.json', 'sealed-secret.json']) expect(tree).toContain(`${dir}/${f}`);
  // The configuration file: in the committed manifests as a ConfigMap with the merged values, mounted by the Deployment.
  type Pod = { volumes: unknown[]; containers: { volumeMounts: unknown[] }[] };
  const manifests = loadAll(git(['show', `main:${dir}/manifests.yaml`])) as { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: { template: { spec: Pod } } }[];
  const configMap = manifests.find((o) => o.kind === 'ConfigMap')!;
  expect(configMap.metadata.name).toBe(`${COMPONENT}-files`);
  expect(JSON.parse(configMap.data!['settings.json']!)).toEqual({ paperTrading: true, portfolio: { currencies: ['EUR', 'USD'], pageSize: 50 } });
  const pod = manifests.find((o) => o.kind === 'Deployment')!.spec!.template.spec;
  expect(pod.volumes).toContainEqual({ name: 'files', configMap: { name: configMap.metadata.name } });
  expect(pod.containers[0]!.volumeMounts).toContainEqual({ name: 'files', mountPath: '/app/config/settings.json', subPath: 'settings.json', readOnly: true });
  expect((JSON.parse(git(['show', `main:${dir}/desired.json`])) as { files: { name: string }[] }).files.map((f) => f.name)).toEqual(['settings.json']);
  const release = JSON.parse(git(['show', `main:${dir}/release.json`])) as { sourceSha: string; pullRequest: number };
  expect(release).toMatchObject({ sourceSha: sha, pullRequest: pr.number });
  const secrets = JSON.parse(git(['show', `main:secrets/development/investment-banking/${COMPONENT}.json`])) as Record<string, EncryptedSecret>;
  const ref = `db/development/investment-banking/${COMPONENT}/portfolio-db`;
  const password = createSecretCipher(masterKey).decrypt(secrets[ref]!, ref);

  // The owner logs in to its database with the password pave generated.
  const desired = JSON.parse(git(['show', `main:${dir}/desired.json`])) as { databases: { database: string; user: string }[] };
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: desired.databases[0]!.user, password, database: desired.databases[0]!.database });
  await client.connect();
  expect((await client.query('select current_user as u')).rows[0].u).toBe(desired.databases[0]!.user);
  await client.end();

  // The same push delivered again under a new delivery id: the identical body is a replay the
  // ingress answers 200; one that differs (another pusher) reaches the queue, but the apply of that
  // sha is one job, so nothing new is committed, created or commented (crash-retry idempotency:
  // see crash.e2e.test.ts).
  const commits = git(['rev-list', '--count', 'main']).trim();
  const deployStatuses = () => h.github.state.repo(REPO).statuses.filter((s) => s.context.startsWith('pave/deploy')).length;
  const statusCount = deployStatuses();
  expect((await h.deliver('push', push)).status).toBe(200);
  expect((await h.deliver('push', pushEventFromDouble(h.github.state, REPO, 'main', before, { pusher: 'someone-else' }))).status).toBe(202);
  await new Promise((r) => setTimeout(r, 1_500));
  expect(git(['rev-list', '--count', 'main']).trim()).toBe(commits);
  expect(deployStatuses()).toBe(statusCount);
  expect(h.github.state.repo(REPO).comments.filter((c) => c.issueNumber === pr.number && c.body.includes('<!-- pave:deploy -->'))).toHaveLength(1);

  // No generated secret in plaintext: not in logs, comments, Redis, or any git object.
  const plaintexts = Object.entries(secrets).map(([k, v]) => createSecretCipher(masterKey).decrypt(v, k));
  expect(plaintexts.length).toBeGreaterThan(0);
  const objects = execFileSync('sh', ['-c', `git --git-dir ${join(h.tmp, 'state.git')} cat-file --batch-all-objects --batch`], { encoding: 'latin1', maxBuffer: 256 * 1024 * 1024 });
  const comments = h.github.state.repo(REPO).comments.map((c) => c.body).join('\n');
  const { redis, cleanup } = testRedis();
  const keys = [...(await redis.keys(`${h.prefix}*`)), ...(await redis.keys(`${h.bullPrefix}:*`))];
  const values = await Promise.all(keys.map(async (k) => (await redis.type(k)) === 'string' ? redis.get(k) : JSON.stringify(await redis.hgetall(k).catch(() => ({})))));
  await cleanup();
  for (const secret of plaintexts) {
    expect(h.logs()).not.toContain(secret);
    expect(comments).not.toContain(secret);
    expect(objects).not.toContain(secret);
    expect(values.join('\n')).not.toContain(secret);
  }
}, 120_000);
