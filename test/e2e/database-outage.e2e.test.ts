/**
 * A database server down during an apply, end to end: development's PostgreSQL is reached through
 * a TCP proxy this test stops and starts (the server "goes down" and "comes back" at the same
 * address). A merge while it is down gets a clear status on its sha — `pave/deploy/development`
 * pending with a message naming the server — and is retried; once the server is back the apply
 * converges: one database, one owner, a success status, one deploy comment.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pushEventFromDouble } from '../fixtures/github/index.js';
import { dropPostgresDatabasesLike, installEverything, localEnvironmentFiles, startHarness, waitFor, type Harness } from './harness.js';

const REPO = 'acme-bank/investment-banking-backend';
const FILE = '.choreo/component.yaml';
const suffix = randomBytes(3).toString('hex');
const COMPONENT = `outage-${suffix}`;
let h: Harness;
let proxy: { port: number; up(): Promise<void>; down(): Promise<void>; close(): Promise<void> };

/** A TCP proxy to 127.0.0.1:5432 on a fixed port; `down` refuses connections and cuts the open ones. */
async function startProxy(): Promise<typeof proxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const up = () => new Promise<void>((resolve) => {
    server = net.createServer((client) => {
      const upstream = net.connect(5432, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(port, '127.0.0.1', () => {
      port = (server!.address() as net.AddressInfo).port;
      resolve();
    });
  });
  const down = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    if (server) server.close(() => resolve());
    else resolve();
    server = undefined;
  });
  await up();
  return { get port() { return port; }, up, down, close: down };
}

beforeAll(async () => {
  proxy = await startProxy();
  const files = localEnvironmentFiles();
  const development = readFileSync('platform-repo-example/environments/development.yaml', 'utf8').replace('host: 127.0.0.1\n    port: 5432', `host: 127.0.0.1\n    port: ${proxy.port}`);
  expect(development).toContain(`port: ${proxy.port}`);
  h = await startHarness({ masterKey: randomBytes(32), platformFiles: { ...files, 'environments/development.yaml': development }, env: { PAVE_MARKET_DATA_SANDBOX_KEY: `md-${suffix}` } });
  await installEverything(h);
}, 90_000);

afterAll(async () => {
  await h?.close();
  await proxy?.close();
  await dropPostgresDatabasesLike(suffix.replace(/-/g, '_'));
});

it('says which server is down, retries, and converges once it is back', async () => {
  await proxy.down();
  const original = readFileSync(`examples/investment-banking-backend/${FILE}`, 'utf8').replace(/^component:\n  name: [^\n]+/m, `component:\n  name: ${COMPONENT}`);
  const before = h.github.state.repo(REPO).refs.get('heads/main')!;
  h.github.state.commit(REPO, { branch: 'outage', files: { [FILE]: original } });
  const pr = h.github.state.createPullRequest(REPO, { head: 'outage', author: 'dev' });
  h.github.state.commit(REPO, { files: { [FILE]: original }, message: `Merge pull request #${pr.number} from acme-bank/outage` });
  const sha = h.github.state.repo(REPO).refs.get('heads/main')!;
  const statuses = () => h.github.state.repo(REPO).statuses.filter((s) => s.sha === sha && s.context.startsWith('pave/deploy'));

  expect((await h.deliver('push', pushEventFromDouble(h.github.state, REPO, 'main', before))).status).toBe(202);

  // While it is down: a status on the environment, naming the server, and no success.
  await waitFor(() => statuses().some((s) => s.context === 'pave/deploy/development' && s.description?.includes(`127.0.0.1:${proxy.port}`)), 'a status naming the server', 30_000);
  const waiting = statuses().find((s) => s.description?.includes(`127.0.0.1:${proxy.port}`))!;
  expect(waiting.state).toBe('pending');
  expect(waiting.description).toMatch(/^retrying: .*PostgreSQL/);
  expect(statuses().some((s) => s.state === 'success')).toBe(false);

  // Back: the retry converges.
  await proxy.up();
  await waitFor(() => statuses().some((s) => s.context === 'pave/deploy/development' && s.state === 'success'), 'the apply to converge', 90_000);
  await waitFor(() => h.github.state.repo(REPO).comments.some((c) => c.issueNumber === pr.number && c.body.includes('<!-- pave:deploy -->')), 'the deploy comment');
  expect(h.github.state.repo(REPO).comments.filter((c) => c.issueNumber === pr.number && c.body.includes('<!-- pave:deploy -->'))).toHaveLength(1);
  expect(statuses().filter((s) => s.state === 'error' || s.state === 'failure')).toEqual([]);
}, 180_000);
