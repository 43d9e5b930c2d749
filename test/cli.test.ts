import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { bufferOutput } from '../src/cli/output.js';

const run = async (...argv: string[]) => {
  const io = bufferOutput();
  const code = await runCli(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
};

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'pave-cli-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('pave validate', () => {
  it('accepts the example repositories, monorepo included', async () => {
    const r = await run('validate', 'examples/lending-backend', 'examples/exchange-rates');

    expect(r.code).toBe(0);
    expect(r.out).toContain('✓ examples/lending-backend/loans-api/.choreo/component.yaml (component.yaml 1.2)');
    expect(r.out).toContain('✓ examples/lending-backend/credit-scoring/.choreo/component.yaml');
    expect(r.out).toContain('3 files: 3 valid, 0 invalid');
  });

  it('reports errors with file, line, column and hint, and exits 1', async () => {
    const dir = join(tmp, 'broken');
    await mkdir(join(dir, '.choreo'), { recursive: true });
    await writeFile(join(dir, '.choreo/component.yaml'), 'schemaVersion: 1.2\nendpoints:\n  - name: Bad_Name\n    service:\n      port: 80\n    type: REST\n');

    const r = await run('validate', '--format', 'json', dir);

    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { files: { path: string; valid: boolean; errors: { line: number; column: number; message: string }[] }[] };
    expect(json.files).toHaveLength(1);
    expect(json.files[0]!.valid).toBe(false);
    expect(json.files[0]!.errors.map((e) => [e.line, e.column])).toEqual(expect.arrayContaining([[3, 11], [5, 13]]));
  });

  it('validates a single file and checks its schema files against its component root', async () => {
    const r = await run('validate', 'examples/exchange-rates/.choreo/component.yaml');

    expect(r.code).toBe(0);
    expect(r.out).toContain('1 file: 1 valid');
  });

  it('says when a directory has no descriptor', async () => {
    const r = await run('validate', 'docs');

    expect(r.code).toBe(1);
    expect(r.out).toContain('no .choreo/component.yaml');
  });

  it.each([
    [['validate'], 'name at least one'],
    [['validate', '--format', 'xml', 'examples'], '--format must be one of text, json'],
    [['validate', 'nowhere/at/all'], 'no such file or directory'],
    [['validate', '--bogus', 'examples'], 'Unknown option'],
    [['plan', 'examples/exchange-rates'], '--platform <dir> is required'],
    [['frobnicate'], 'unknown command'],
  ])('exits 2 on usage errors: %j', async (argv, message) => {
    const r = await run(...argv);

    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it.each(['validate', 'plan', 'catalog'])('%s --help prints usage and exits 0', async (cmd) => {
    const r = await run(cmd, '--help');

    expect(r.code).toBe(0);
    expect(r.out).toContain(`Usage: pave ${cmd}`);
  });
});

describe('pave plan', () => {
  it('plans every environment for the components of a repository', async () => {
    const r = await run('plan', '--platform', 'platform-repo-example', 'examples/lending-backend');

    expect(r.code).toBe(0);
    expect(r.out).toContain('### pave plan · acme-bank/lending-backend');
    expect(r.out).toContain('| component | development | staging | production |');
    expect(r.out).toMatch(/`loans-api` \(lending\) \| 📝 \+\d+/);
    expect(r.out).toContain('`INTEREST_API_URL`=`https://internal.dev.apps.acme-bank.example/utility/interest-rates/interest-api`');
    expect(r.err).toContain('resolving connections against 3 other repositories');
  });

  it('reads the current state and reports no changes once it matches', async () => {
    const first = await run('plan', '--platform', 'platform-repo-example', '--format', 'json', 'examples/exchange-rates');
    const plan = JSON.parse(first.out) as { components: { environments: { environment: string; desired: { project: string; component: string } }[] }[] };
    const state = join(tmp, 'state');
    for (const e of plan.components[0]!.environments) {
      const dir = join(state, 'environments', e.environment, e.desired.project, e.desired.component);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'desired.json'), JSON.stringify(e.desired));
    }

    const second = await run('plan', '--platform', 'platform-repo-example', '--state', state, 'examples/exchange-rates');

    expect(second.code).toBe(0);
    expect(second.out).toContain('✅ **No changes**');
    expect(second.out).toContain('3 unchanged');
  });

  it('keeps secrets as references in JSON output', async () => {
    const r = await run('plan', '--platform', 'platform-repo-example', '--format', 'json', 'examples/investment-banking-backend');

    expect(r.code).toBe(0);
    expect(r.out).toContain('"PGPASSWORD": {\n');
    expect(r.out).toMatch(/"secret": "db\/development\/investment-banking\/investment-banking-backend\/portfolio-db"/);
  });

  it('fails with positioned errors when the platform repository is invalid', async () => {
    const platform = join(tmp, 'platform');
    await cp('platform-repo-example', platform, { recursive: true });
    await writeFile(join(platform, 'pipelines/default.yaml'), 'name: default\nenvironments: [development, staging, prod]\n');

    const r = await run('plan', '--platform', platform, 'examples/exchange-rates');

    expect(r.code).toBe(1);
    expect(r.err).toMatch(/pipelines\/default\.yaml:2:\d+: error: .*prod/);
  });

  it('blocks a plan that breaks a policy, and says which', async () => {
    const repo = join(tmp, 'lending-backend');
    await cp('examples/lending-backend', repo, { recursive: true });
    const file = join(repo, 'loans-api/.choreo/component.yaml');
    const { readFile } = await import('node:fs/promises');
    await writeFile(file, (await readFile(file, 'utf8')).replace('networkVisibilities: [Organization]', 'networkVisibilities: [Organization, Public]'));

    const r = await run('plan', '--platform', 'platform-repo-example', '--known', 'examples', repo);

    expect(r.code).toBe(1);
    expect(r.out).toContain('❌ **Blocked**');
    expect(r.out).toContain('lending-no-public-endpoints');
  });
});

describe('pave catalog', () => {
  it('lists endpoints with ids, visibility and the resourceRef to use', async () => {
    const r = await run('catalog', '--platform', 'platform-repo-example', '--format', 'json', 'examples/exchange-rates');

    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { services: { component: string; endpoints: { id: string; resourceRefs: string[] }[] }[]; thirdParty: { resourceRef: string }[] };
    const rates = json.services.find((s) => s.component === 'exchange-rates')!;
    expect(rates.endpoints[0]!.id).toMatch(/^[0-9a-f]{5}$/);
    expect(rates.endpoints[0]!.resourceRefs).toContain('service:/utility/exchange-rates/v1/rates-api/ORGANIZATION');
    expect(json.thirdParty.map((t) => t.resourceRef)).toContain('thirdparty:market-data/v1');
  });
});

describe('bin/pave.js', () => {
  it('runs as a real process with the right exit code', async () => {
    const exec = promisify(execFile);

    const ok = await exec(process.execPath, ['bin/pave.js', 'validate', 'examples/interest-rates']);
    const bad = await exec(process.execPath, ['bin/pave.js', 'validate']).catch((e: { code: number; stderr: string }) => e);
    // What `npx pave` runs: the link `npm ci` makes (the prepare script), not a package from the registry.
    const linked = await exec('node_modules/.bin/pave', ['catalog', '--platform', 'platform-repo-example', 'examples/interest-rates']);

    expect(ok.stdout).toContain('1 file: 1 valid');
    expect((bad as { code: number }).code).toBe(2);
    expect(linked.stdout).toContain('resourceRef: service:/utility/interest-rates/v1/interest-api/ORGANIZATION');
  });
});
