// Lint: typescript-eslint recommended + the dependency rule (docs/ARCHITECTURE.md).
// Each folder gets exactly one `no-restricted-imports` rule (flat config replaces, not merges, a
// rule that several blocks set), built from the table below.
import tseslint from 'typescript-eslint';

const nodeIo = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process',
  'net', 'node:net', 'http', 'node:http', 'https', 'node:https', 'path', 'node:path', 'os', 'node:os', 'process', 'node:process'];
const github = ['@octokit/rest', '@octokit/auth-app', '@octokit/plugin-*', '@octokit/core', '@octokit/request*'];
const redis = ['bullmq', 'ioredis'];
const http = ['hono', 'hono/*', '@hono/*'];
const sdks = [...github, ...redis, ...http, '@octokit/webhooks', 'pg', 'mysql2', 'isomorphic-git', 'pino', 'prom-client', 'undici'];
const outer = ['**/adapters/**', '**/cli/**', '**/main/**', '**/jobs/**', '**/webhooks/**', '**/web/**', '**/queue/**'];

/** folder glob → [forbidden import patterns, why] */
const rules = [
  [['src/domain/**', 'src/lib/**'], ['../*/**', ...nodeIo, ...sdks, 'js-yaml', 'ajv', 'ajv-formats', 'picomatch', 'zod'],
    'domain/ and lib/ are the innermost layers: vocabulary only, no I/O, no SDKs, no other src/ folders.'],
  [['src/config/**'], [...nodeIo, ...sdks, ...outer],
    'config/ is pure: it gets file contents and returns data.'],
  [['src/planner/**', 'src/render/**'], [...nodeIo, ...sdks, ...outer, 'js-yaml', 'ajv', 'ajv-formats', '**/config/yaml/**', 'zod'],
    'planner/ and render/ work on validated models only: no parsing, no I/O.'],
  [['src/adapters/github/**'], [...redis, ...http, 'pg', 'mysql2', 'isomorphic-git', ...outer.filter((p) => p !== '**/adapters/**')],
    'the GitHub adapter implements ports; it does not queue, serve HTTP or decide.'],
  [['src/adapters/redis/**'], [...github, ...http, 'pg', 'mysql2', 'isomorphic-git', ...outer.filter((p) => p !== '**/adapters/**')],
    'the Redis adapter implements ports only.'],
  [['src/adapters/fs/**', 'src/adapters/local/**'], [...github, ...redis, ...http, 'pg', 'mysql2', 'isomorphic-git', ...outer.filter((p) => p !== '**/adapters/**')],
    'local adapters implement ports only.'],
  [['src/adapters/providers/**'], [...github, ...http, 'bullmq', 'isomorphic-git', ...outer.filter((p) => p !== '**/adapters/**')],
    'database providers implement ports only (pg, mysql2 and ioredis live here).'],
  [['src/adapters/git/**'], [...github, ...redis, ...http, 'pg', 'mysql2', ...outer.filter((p) => p !== '**/adapters/**')],
    'the git adapter implements the state repository port only (isomorphic-git lives here).'],
  [['src/adapters/secrets/**'], [...github, ...redis, ...http, 'pg', 'mysql2', 'isomorphic-git', ...outer.filter((p) => p !== '**/adapters/**')],
    'secret encryption and sealing are pure crypto adapters.'],
  [['src/adapters/oci/**'], [...github, ...redis, ...http, 'pg', 'mysql2', 'isomorphic-git', ...outer.filter((p) => p !== '**/adapters/**')],
    'the OCI adapter implements the image publisher port only (registry API over fetch, layers on disk).'],
  [['src/adapters/checkout/**'], [...github, ...redis, ...http, 'pg', 'mysql2', ...outer.filter((p) => p !== '**/adapters/**')],
    'the checkout adapter implements the source checkout port only (isomorphic-git in a worker thread).'],
  [['src/adapters/build/**'], [...github, ...redis, ...http, 'pg', 'mysql2', 'isomorphic-git', ...outer.filter((p) => p !== '**/adapters/**')],
    'the build adapter runs commands and reads files for the build ports only.'],
  [['src/build/**'], [...nodeIo, ...sdks, ...outer, 'js-yaml', 'ajv', 'ajv-formats', 'zod'],
    'build/ is pure (the secret scanner): it gets file contents and returns findings.'],
  [['src/queue/**'], [...github, ...http, '**/jobs/**', '**/webhooks/**', '**/web/**', '**/adapters/**', '**/cli/**', '**/main/**'],
    'queue/ is the contract between web and worker: no GitHub, no HTTP, no handlers.'],
  [['src/webhooks/**', 'src/web/**'], [...github, 'bullmq', '**/adapters/**', '**/jobs/**', '**/planner/**', '**/main/**', '**/cli/**'],
    'the web process verifies, routes and enqueues: no GitHub calls, no planning, no adapters (they are injected).'],
  [['src/jobs/**'], [...github, ...redis, ...http, '**/adapters/**', '**/webhooks/**', '**/web/**', '**/main/**', '**/cli/**'],
    'jobs orchestrate through ports; adapters are injected by src/main.'],
  [['src/cli/**'], [...github, ...redis, ...http, '**/main/**', '**/webhooks/**', '**/web/**', '**/jobs/**'],
    'the CLI plans locally: no service parts.'],
];

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
  ...rules.map(([files, group, message]) => ({
    files,
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] },
  })),
  {
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/main/**', 'src/cli/**', 'src/adapters/**'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'process', property: 'env', message: 'Read configuration in src/main only (config/env.ts parses it).' },
        { object: 'Date', property: 'now', message: 'Take a Clock or `now` as an argument.' }],
    },
  },
);
