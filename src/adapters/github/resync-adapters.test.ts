/**
 * The GitHub side of the resync and the delivery sweeper, against the GitHub double: every
 * repository of every installation (App JWT, then each installation's token, paginated and
 * bounded), the delivery log read since a watermark with a page bound, and a redelivery that the
 * double really sends, signed, to a webhook receiver.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useGitHubHarness } from '../../../test/github-double/adapter-harness.js';

describe('installation repositories', () => {
  const h = useGitHubHarness();

  it('lists every repository of every installation with the installation that reads it, bounded', async () => {
    h.github.state.addInstallation(8, 'globex');
    for (let i = 0; i < 120; i++) h.github.state.createRepo(`acme/svc-${String(i).padStart(3, '0')}`, { installationId: 7 });
    h.github.state.createRepo('globex/billing', { installationId: 8 });
    h.github.state.createRepo('initech/hidden', { installationId: 9 }); // an installation the App does not list
    h.github.clearRequests();

    const all = await h.adapters.installationRepositories.list(1000);
    const bounded = await h.adapters.installationRepositories.list(50);

    expect(all.complete).toBe(true);
    expect(all.repositories).toHaveLength(121);
    expect(all.repositories.filter((r) => r.installationId === 7)).toHaveLength(120);
    expect(all.repositories.find((r) => r.repo === 'globex/billing')).toEqual({ repo: 'globex/billing', installationId: 8 });
    expect(all.repositories.some((r) => r.repo === 'initech/hidden')).toBe(false);
    expect(h.github.count('GET /installation/repositories')).toBe(3 + 1); // 2 pages of acme, 1 of globex; then 1 page for the bounded listing
    expect(h.github.requests.filter((r) => r.operation === 'GET /app/installations').every((r) => r.principal === 'app')).toBe(true);
    expect(h.github.requests.filter((r) => r.operation === 'GET /installation/repositories').every((r) => r.principal === 'installation')).toBe(true);
    expect(bounded.complete).toBe(false);
    expect(bounded.repositories).toHaveLength(50);
  });
});

describe('delivery log for the sweeper', () => {
  const h = useGitHubHarness();
  let receiver: Server;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  let answer = 202;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('reads deliveries since a time, newest first, and says when the page bound cut the log short', async () => {
    const at = (minutesAgo: number): string => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    h.github.state.addDelivery({ guid: 'before', event: 'push', statusCode: 500, deliveredAt: at(120) });
    for (let i = 0; i < 250; i++) h.github.state.addDelivery({ guid: `d-${i}`, event: 'push', statusCode: i % 50 === 0 ? 502 : 202, deliveredAt: at(60 - i * 0.1) });
    h.github.clearRequests();

    const since = new Date(Date.now() - 90 * 60_000);
    const whole = await h.adapters.deliveries.recent(since, 10);
    const cut = await h.adapters.deliveries.recent(since, 2);

    expect(whole.complete).toBe(true);
    expect(whole.deliveries).toHaveLength(250);
    expect(whole.deliveries[0]!.guid).toBe('d-249');
    expect(whole.deliveries.some((d) => d.guid === 'before')).toBe(false);
    expect(cut.complete).toBe(false);
    expect(cut.deliveries).toHaveLength(200);
    expect(h.github.count('GET /app/hook/deliveries')).toBe(3 + 2);
  });

  it('a redelivery sends the recorded payload again, signed, and GitHub records the new attempt', async () => {
    h.github.settings.webhook = { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/github`, secret: 'sweeper-test-secret-0123456789' };
    const payload = { ref: 'refs/heads/main', installation: { id: 7 }, repository: { id: 99, full_name: 'acme/app' } };
    const lost = await h.github.deliver('push', payload, { fail: 0 });
    expect(received).toHaveLength(0); // lost on the way: never sent

    await h.adapters.deliveries.redeliver(lost.id);
    await waitUntil(() => h.github.state.deliveries.some((d) => d.guid === lost.guid && d.redelivery));

    expect(received).toHaveLength(1);
    const sent = received[0]!;
    expect(JSON.parse(sent.body)).toEqual(payload);
    expect(sent.headers['x-github-delivery']).toBe(lost.guid);
    expect(sent.headers['x-github-event']).toBe('push');
    expect(sent.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', 'sweeper-test-secret-0123456789').update(sent.body).digest('hex')}`);
    const attempts = (await h.adapters.deliveries.recent(new Date(Date.now() - 60_000), 1)).deliveries.filter((d) => d.guid === lost.guid);
    expect(attempts.map((d) => [d.redelivery, d.statusCode])).toEqual([[true, 202], [false, 0]]);

    // A receiver that fails: the attempt is recorded with its status.
    answer = 503;
    await h.adapters.deliveries.redeliver(lost.id);
    await waitUntil(() => h.github.state.deliveries.filter((d) => d.guid === lost.guid).length === 3);
    expect(h.github.state.deliveries.at(-1)).toMatchObject({ guid: lost.guid, redelivery: true, statusCode: 503 });
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}
