/**
 * Redis goes away under a running service and comes back: deliveries are refused with 503 within
 * a second while it is down (GitHub redelivers those), and the service recovers by itself — no
 * restart — taking and processing deliveries again.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pullRequestEventFromDouble } from '../fixtures/github/index.js';
import { PrivateRedis } from '../helpers/redis-server.js';
import { installEverything, startHarness, waitFor, type Harness } from './harness.js';

let redis: PrivateRedis;
let h: Harness;

beforeAll(async () => {
  redis = await PrivateRedis.start();
  h = await startHarness({ env: { REDIS_URL: redis.url } });
  await installEverything(h);
}, 60_000);
afterAll(async () => {
  await h?.close();
  await redis?.stop();
});

it('answers 503 fast while Redis is down and recovers without a restart', async () => {
  const repo = 'acme-bank/exchange-rates';
  h.github.state.commit(repo, { branch: 'outage', files: { '.choreo/component.yaml': readFileSync('examples/exchange-rates/.choreo/component.yaml', 'utf8') + '# touched\n' } });
  const pr = h.github.state.createPullRequest(repo, { head: 'outage', author: 'dev' });
  const payload = pullRequestEventFromDouble(h.github.state, repo, pr.number, 'opened');

  await redis.stop();
  const started = performance.now();
  const refused = await h.deliver('pull_request', payload, { deliveryId: 'outage-1' });
  const elapsed = performance.now() - started;
  const ready = await fetch(`${h.service!.url}/readyz`);

  expect(refused.status).toBe(503);
  expect(elapsed).toBeLessThan(1_000);
  expect(ready.status).toBe(503);

  await redis.start();
  // GitHub redelivers the refused delivery under the same id: it must be accepted now.
  await waitFor(async () => (await h.deliver('pull_request', payload, { deliveryId: 'outage-1' })).status === 202, 'a delivery to be accepted again', 20_000);
  await waitFor(() => h.github.state.repo(repo).comments.some((c) => c.issueNumber === pr.number && c.body.includes('<!-- pave:plan -->')), 'the plan comment after recovery', 30_000);
  expect((await fetch(`${h.service!.url}/readyz`)).status).toBe(200);
}, 90_000);
