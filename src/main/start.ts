/**
 * `npm start`: pave's main job on the bundled example. Validates `platform-repo-example/`, reads
 * every component repository under `examples/`, and prints the plan a platform team would see:
 * every component in every environment of its pipeline. (The webhook service arrives with the
 * service issue; until then this is the whole reconcile loop minus GitHub and apply.)
 *
 * Environment: PAVE_PLATFORM_DIR (default platform-repo-example), PAVE_EXAMPLES_DIR (default
 * examples), PAVE_STATE_DIR (optional state repository checkout), PAVE_FORMAT (markdown|json).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../cli/main.js';

const platform = process.env.PAVE_PLATFORM_DIR ?? 'platform-repo-example';
const examples = process.env.PAVE_EXAMPLES_DIR ?? 'examples';
const repos = (await readdir(examples, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(examples, e.name)).sort();

process.stderr.write(`pave: planning ${repos.length} repositories from ${examples}/ against ${platform}/\n`);
const args = ['plan', '--platform', platform, '--format', process.env.PAVE_FORMAT ?? 'markdown', '--known', examples];
if (process.env.PAVE_STATE_DIR) args.push('--state', process.env.PAVE_STATE_DIR);
process.exitCode = await runCli([...args, ...repos]);
