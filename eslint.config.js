// Lint: typescript-eslint recommended + the dependency rule of docs/ARCHITECTURE.md.
// Pure layers (domain, config, planner, render) may not import adapters, SDKs or Node I/O.
import tseslint from 'typescript-eslint';

const nodeIo = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process',
  'net', 'node:net', 'http', 'node:http', 'https', 'node:https', 'path', 'node:path', 'os', 'node:os', 'process', 'node:process'];
const sdks = ['ioredis', 'bullmq', 'pg', 'mysql2', 'isomorphic-git', 'hono', '@hono/*', '@octokit/*', 'pino', 'undici'];

function restrict(patterns, message) {
  return {
    'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a string-literal union or an as-const object.' }],
    },
  },
  {
    files: ['src/domain/**/*.ts', 'src/lib/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict(['../*/**', ...nodeIo, ...sdks, 'js-yaml', 'ajv', 'ajv-formats', 'picomatch'],
      'domain/ and lib/ are the innermost layers: vocabulary only, no I/O, no SDKs, no other src/ folders.'),
  },
  {
    files: ['src/config/**/*.ts', 'src/planner/**/*.ts', 'src/render/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      ...restrict([...nodeIo, ...sdks, '**/adapters/**', '**/cli/**', '**/main/**'],
        'config/, planner/ and render/ are pure: they get file contents and return data; adapters live in src/adapters.'),
      'no-restricted-properties': ['error',
        { object: 'process', property: 'env', message: 'Read configuration in src/main only.' },
        { object: 'Date', property: 'now', message: 'Take `now` as an argument.' }],
    },
  },
  {
    files: ['src/planner/**/*.ts', 'src/render/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([...nodeIo, ...sdks, 'js-yaml', 'ajv', 'ajv-formats', '**/adapters/**', '**/cli/**', '**/main/**', '**/config/yaml/**'],
      'planner/ and render/ work on validated models only: no parsing, no I/O.'),
  },
  {
    // SDKs stay in the folder that adapts them.
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/adapters/github/**', 'src/main/**'],
    rules: restrict(['@octokit/rest', '@octokit/auth-app', '@octokit/plugin-*', '@octokit/core', '@octokit/request*'],
      'GitHub API clients live in src/adapters/github (webhook verification may use @octokit/webhooks in src/webhooks).'),
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/queue/**', 'src/adapters/redis/**', 'src/main/**'],
    rules: restrict(['bullmq', 'ioredis'], 'Queues and Redis are reached through src/queue and src/adapters/redis.'),
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/webhooks/**', 'src/web/**', 'src/main/**'],
    rules: restrict(['hono', 'hono/*', '@hono/*'], 'HTTP lives in src/webhooks and src/web.'),
  },
  {
    files: ['src/adapters/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict(['**/cli/**', '**/main/**', '**/planner/**', '**/render/**'],
      'adapters implement ports; they do not decide or render.'),
  },
);
