// `npm ci` / `npm install` run this (the `prepare` script): link node_modules/.bin/pave to
// bin/pave.js so `npx pave …` runs this checkout's CLI instead of fetching a package named pave.
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'node_modules', '.bin');
const target = join(root, 'bin', 'pave.js');
mkdirSync(binDir, { recursive: true });
rmSync(join(binDir, 'pave'), { force: true });
symlinkSync(relative(binDir, target), join(binDir, 'pave'));
chmodSync(target, 0o755);
