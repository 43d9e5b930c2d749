import { describe, expect, it } from 'vitest';
import { basenameOf, dirnameOf, isWithin, joinRepoPath } from './posix-path.js';

describe('joinRepoPath', () => {
  it.each([
    ['svc', 'openapi.yaml', 'svc/openapi.yaml'],
    ['svc', './docs/openapi.yaml', 'svc/docs/openapi.yaml'],
    ['svc', '/openapi.yaml', 'svc/openapi.yaml'],
    ['svc', '../shared/api.yaml', 'shared/api.yaml'],
    ['', 'a//b/./c', 'a/b/c'],
    ['svc', '.', 'svc'],
    ['svc', '..', ''],
  ])('%s + %s → %s', (base, rel, expected) => {
    expect(joinRepoPath(base, rel)).toBe(expected);
  });

  it('returns null when the path climbs above the repository root', () => {
    expect(joinRepoPath('svc', '../../etc/passwd')).toBeNull();
    expect(joinRepoPath('', '../x')).toBeNull();
  });
});

describe('dirnameOf, basenameOf, isWithin', () => {
  it('split and compare repository paths', () => {
    expect(dirnameOf('a/b/c.yaml')).toBe('a/b');
    expect(dirnameOf('c.yaml')).toBe('');
    expect(basenameOf('a/b/c.yaml')).toBe('c.yaml');
    expect(isWithin('', 'x')).toBe(true);
    expect(isWithin('svc', 'svc/a')).toBe(true);
    expect(isWithin('svc', 'svc2/a')).toBe(false);
  });
});
