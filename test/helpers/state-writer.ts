/**
 * A separate writer process for the state repository's cross-process tests:
 *
 *     node --import tsx test/helpers/state-writer.ts <gitdir> <label> <count> <startAtMs>
 *
 * Waits until `startAtMs` (so that several writers start together), then commits
 * `writers/<label>/<i>.txt` one commit at a time, and prints the shas as JSON.
 */
import { createLocalStateRepository } from '../../src/adapters/git/local-state-repository.js';

const [gitdir, label, count, startAt] = process.argv.slice(2);
if (!gitdir || !label || !count || !startAt) throw new Error('usage: state-writer <gitdir> <label> <count> <startAtMs>');

const repo = createLocalStateRepository({ dir: gitdir });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const shas: string[] = [];
for (let i = 0; i < Number(count); i++) {
  shas.push(await repo.commit({ [`writers/${label}/${i}.txt`]: `${label} ${i}\n` }, `${label} ${i}`, { name: label, email: `${label}@example.com` }));
}
process.stdout.write(JSON.stringify(shas));
