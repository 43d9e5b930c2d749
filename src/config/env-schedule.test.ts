import { describe, expect, it } from 'vitest';
import { ConfigurationError, loadConfig } from './env.js';

const io = { readFile: () => '', randomSecret: () => 'generated-secret-0123456789' };
const app = { GITHUB_APP_ID: '42', GITHUB_PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----', WEBHOOK_SECRET: 'w'.repeat(16) };

describe('resync and sweep configuration', () => {
  it('defaults: resync every 30 min, sweep every 10 min with an App, no sweep without one', () => {
    expect(loadConfig(app, io).resync).toEqual({ everyMs: 30 * 60_000, maxRepositories: 2000, concurrency: 4, maxApplies: 50 });
    expect(loadConfig(app, io).sweep).toEqual({ everyMs: 10 * 60_000, maxPages: 10, maxRedeliveries: 25 });
    expect(loadConfig({ GITHUB_TOKEN: 't', WEBHOOK_SECRET: 'w'.repeat(16) }, io).sweep.everyMs).toBe(0);
    expect(loadConfig({}, io).sweep.everyMs).toBe(0);
  });

  it('reads intervals with a unit, and 0 as off', () => {
    const c = loadConfig({ ...app, PAVE_RESYNC_INTERVAL: '1h', PAVE_SWEEP_INTERVAL: '90s', PAVE_RESYNC_MAX_APPLIES: '5' }, io);
    expect([c.resync.everyMs, c.sweep.everyMs, c.resync.maxApplies]).toEqual([3_600_000, 90_000, 5]);
    expect(loadConfig({ ...app, PAVE_RESYNC_INTERVAL: '0', PAVE_SWEEP_INTERVAL: '0' }, io).resync.everyMs).toBe(0);
  });

  it('refuses intervals without a unit or out of range, naming the variable', () => {
    for (const [value, hint] of [['30', 'not an interval'], ['10 minutes', 'not an interval'], ['500ms', 'out of range'], ['8d', 'out of range']]) {
      let error: unknown;
      try {
        loadConfig({ ...app, PAVE_SWEEP_INTERVAL: value! }, io);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).problems.join('\n')).toMatch(new RegExp(`PAVE_SWEEP_INTERVAL: .*${hint}`));
    }
  });
});
