import { describe, expect, it } from 'vitest';
import { discoverComponents } from './discover-components.js';

describe('discoverComponents', () => {
  it('finds every component directory of a monorepo, sorted, with files in precedence order', () => {
    const paths = [
      'services/b/.choreo/endpoints.yaml',
      'services/b/.choreo/component.yaml',
      '.choreo/component-config.yaml',
      'services/a/.choreo/component.yaml',
      'services/a/openapi.yaml',
    ];

    const found = discoverComponents(paths);

    expect(found).toEqual([
      { root: '', files: ['.choreo/component-config.yaml'], kinds: ['component-config.yaml'] },
      { root: 'services/a', files: ['services/a/.choreo/component.yaml'], kinds: ['component.yaml'] },
      {
        root: 'services/b',
        files: ['services/b/.choreo/component.yaml', 'services/b/.choreo/endpoints.yaml'],
        kinds: ['component.yaml', 'endpoints.yaml'],
      },
    ]);
  });

  it('counts only the exact file names inside a .choreo directory', () => {
    const paths = [
      'a/.choreo/component.yml',
      'b/.choreo/component-1.yaml',
      'c/.choreo/component-config-backup.yaml',
      'd/choreo/component.yaml',
      'e/component.yaml',
      'f/x.choreo/component.yaml',
    ];

    expect(discoverComponents(paths)).toEqual([]);
  });
});
