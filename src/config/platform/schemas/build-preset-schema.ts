import { PINNED_IMAGE_PATTERN, nameProperty, schemaHeader } from './schema-fragments.js';

function commands(description: string): object {
  return {
    type: ['string', 'array'],
    minLength: 1,
    description,
    items: { type: 'string', minLength: 1, description: 'One shell command.' },
  };
}

/** JSON Schema of `build-presets/<name>.yaml`. */
export const buildPresetSchema = {
  ...schemaHeader('build-preset', 'pave build preset (build-presets/*.yaml)',
    'How components of one kind are built, tested and run: base image by digest, commands, output and entrypoint.'),
  type: 'object',
  additionalProperties: false,
  required: ['name', 'baseImage'],
  properties: {
    name: nameProperty('Preset name that components give as `build.preset`; should equal the file name.'),
    baseImage: {
      type: 'string',
      pattern: PINNED_IMAGE_PATTERN,
      description: 'Image the build runs in, pinned by digest: `node:20-bookworm-slim@sha256:<64 hex>` (keeping the tag is fine).',
    },
    runtimeImage: {
      type: 'string',
      pattern: PINNED_IMAGE_PATTERN,
      description: 'Image the output runs on, pinned by digest; defaults to `baseImage`. Use a slim or distroless image for compiled languages.',
    },
    build: commands('Build commands, run in order in the component\'s build context; one string or a list.'),
    test: commands('Test commands, run after the build; a failing command fails the build.'),
    output: {
      type: 'string',
      pattern: '^(\\.|[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*)$',
      default: '.',
      description: 'Directory (relative to the build context) copied into the runtime image. Defaults to `.`.',
    },
    entrypoint: {
      type: 'array',
      description: 'Command the container runs, exec form, e.g. `[node, src/index.js]`. Empty keeps the image\'s own.',
      items: { type: 'string', minLength: 1, description: 'One argument.' },
    },
    scans: {
      type: 'object',
      additionalProperties: false,
      description: 'Checks run on every build.',
      properties: {
        secrets: { type: 'boolean', default: true, description: 'Fail the build when the source contains credentials. Defaults to true.' },
      },
    },
  },
} as const;
