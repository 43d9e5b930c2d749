import { describe, expect, it } from 'vitest';
import { closestMatch } from '../../lib/closest-match.js';
import { classifyPlatformPath } from './classify-platform-path.js';
import { checkRepoGlob } from './check-repo-glob.js';
import { parseImageReference } from './image-reference.js';
import { parseDurationMinutes } from './parse-duration.js';

describe('parseDurationMinutes', () => {
  it.each([
    ['30m', 30], ['2h', 120], ['1d', 1440], ['1d12h', 2160], ['1h30m', 90], ['0m', 0],
    ['', undefined], ['30', undefined], ['m', undefined], ['30 m', undefined], ['1m2h', undefined], ['1.5h', undefined],
  ])('%j is %j minutes', (text, minutes) => {
    expect(parseDurationMinutes(text)).toBe(minutes);
  });
});

describe('classifyPlatformPath', () => {
  it.each([
    ['platform.yaml', { kind: 'platform', stem: 'platform' }],
    ['platform.yml', { kind: 'platform', stem: 'platform' }],
    ['environments/staging.yaml', { kind: 'environment', stem: 'staging' }],
    ['build-presets/static-web.yml', { kind: 'build-preset', stem: 'static-web' }],
    ['databases/postgresql.yaml', { kind: 'database-plans', stem: 'postgresql' }],
    ['catalog/market-data.yaml', { kind: 'catalog-entry', stem: 'market-data' }],
    ['environments/old/qa.yaml', { kind: undefined, nested: true }],
    ['environments/README.md', { kind: undefined, nested: false }],
    ['environments/.draft.yaml', { kind: undefined, nested: false }],
    ['constructor/x.yaml', { kind: undefined, nested: false }],
    ['other.yaml', { kind: undefined, nested: false }],
    ['certificates/production.pem', { kind: undefined, nested: false }],
  ])('%s', (path, expected) => {
    expect(classifyPlatformPath(path)).toEqual(expected);
  });
});

describe('checkRepoGlob', () => {
  it.each(['acme/payments', 'acme/payments-*', 'acme/mono/payments/**', 'acme/{ledger,payments}', 'acme/*', 'acme/.github', 'acme/mono/[a-c]*'])(
    'accepts %s', (glob) => {
      expect(checkRepoGlob(glob)).toBeUndefined();
    });

  it.each(['acme', 'acme/', '/acme/x', 'acme//x', 'acme/x/', 'acme/./x', 'acme\\x', 'ac*me/x', 'acme/[x', 'acme/(x', 'acme/x)'])(
    'rejects %s with a hint', (glob) => {
      expect(checkRepoGlob(glob)).toEqual({ message: expect.stringContaining(glob), hint: expect.any(String) });
    });
});

describe('parseImageReference', () => {
  it.each([
    ['node:20', { repository: 'node', tag: '20' }],
    ['127.0.0.1:5000/acme/app', { repository: '127.0.0.1:5000/acme/app' }],
    ['127.0.0.1:5000/acme/app:1.2@sha256:ab', { repository: '127.0.0.1:5000/acme/app', tag: '1.2', digest: 'sha256:ab' }],
    ['gcr.io/distroless/static@sha256:cd', { repository: 'gcr.io/distroless/static', digest: 'sha256:cd' }],
  ])('%s', (ref, expected) => {
    expect(parseImageReference(ref)).toEqual(expected);
  });
});

describe('closestMatch', () => {
  it.each([
    ['replica', ['pipeline', 'replicas', 'resources'], 'replicas'],
    ['autopromote', ['from', 'to', 'autoPromote'], 'autoPromote'],
    ['prod', ['development', 'production'], 'production'],
    ['stagign', ['development', 'staging'], 'staging'],
    ['qa', ['development', 'production'], undefined],
    ['redis', ['postgresql', 'mysql', 'cache'], undefined],
    ['de', ['development', 'demo'], undefined],
  ])('%s among %j is %j', (word, candidates, expected) => {
    expect(closestMatch(word, candidates)).toBe(expected);
  });
});
