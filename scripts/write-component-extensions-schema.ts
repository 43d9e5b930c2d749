// Writes schemas/component-extensions.schema.json from its TypeScript source.
import { writeFileSync } from 'node:fs';
import { componentExtensionsSchema } from '../src/config/component/component-extensions-schema.js';

writeFileSync(new URL('../schemas/component-extensions.schema.json', import.meta.url), `${JSON.stringify(componentExtensionsSchema, null, 2)}\n`);
