/**
 * `npm run webhook -- [--repo owner/name] [--pr N] [--event pull_request|issue_comment] [--body "/pave help"] [--url http://127.0.0.1:3000]`
 *
 * Sends a signed webhook, shaped like GitHub's, to a running pave — the way to try the embedded
 * default by hand. The secret comes from WEBHOOK_SECRET or the file the embedded default wrote
 * (`.pave-state/webhook-secret`). Prints the answer and the run page to open.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    repo: { type: 'string', default: 'acme-bank/lending-backend' },
    pr: { type: 'string', default: '1' },
    event: { type: 'string', default: 'pull_request' },
    body: { type: 'string', default: '/pave help' },
    url: { type: 'string', default: process.env.PUBLIC_URL ?? 'http://127.0.0.1:3000' },
    'secret-file': { type: 'string', default: '.pave-state/webhook-secret' },
  },
});
const secret = process.env.WEBHOOK_SECRET ?? readFileSync(values['secret-file']!, 'utf8').trim();
const [owner, name] = values.repo!.split('/') as [string, string];
const pr = Number(values.pr);
const head = randomBytes(20).toString('hex');
const base = randomBytes(20).toString('hex');
const repository = { id: 1000 + name.length, name, full_name: `${owner}/${name}`, private: true, default_branch: 'main', owner: { login: owner, id: 1, type: 'Organization' } };
const sender = { login: 'octocat', id: 583231, type: 'User' };
const payload = values.event === 'issue_comment'
  ? { action: 'created', issue: { number: pr, title: 'Try pave', pull_request: { url: `https://api.github.com/repos/${owner}/${name}/pulls/${pr}` }, user: sender, state: 'open' },
      comment: { id: Date.now() % 1e9, body: values.body, user: sender, created_at: new Date().toISOString() }, repository, sender }
  : { action: 'opened', number: pr,
      pull_request: { number: pr, state: 'open', draft: false, title: 'Try pave', user: sender,
        head: { sha: head, ref: 'feature', repo: repository }, base: { sha: base, ref: 'main', repo: repository } },
      repository, sender };
const body = JSON.stringify(payload);
const signature = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
const response = await fetch(`${values.url}/webhooks/github`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-github-event': values.event!, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signature },
  body,
});
console.log(`${response.status} ${await response.text()}`);
if (values.event === 'pull_request' && response.status === 202) {
  console.log(`run page (ready in a moment): ${values.url}/runs/pr-${owner}~${name}-${pr}-${head.slice(0, 12)}`);
}
