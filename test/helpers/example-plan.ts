/**
 * The example organization planned from scratch: platform-repo-example/ and the component
 * repositories under examples/, as the apply job would plan them (no current state).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSourceTree } from '../../src/adapters/fs/read-source-tree.js';
import { readComponent } from '../../src/config/component/index.js';
import { findProject, isPlatformInput, loadPlatform } from '../../src/config/platform/index.js';
import type { LocatedComponent } from '../../src/domain/component.js';
import type { DesiredState, Plan } from '../../src/domain/plan.js';
import type { PlatformConfig } from '../../src/domain/platform.js';
import { plan } from '../../src/planner/plan.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The example components: repository, component root, directory under examples/. */
export const EXAMPLE_COMPONENTS = [
  { repo: 'acme-bank/investment-banking-backend', root: '', dir: 'investment-banking-backend' },
  { repo: 'acme-bank/lending-backend', root: 'loans-api', dir: 'lending-backend' },
  { repo: 'acme-bank/lending-backend', root: 'credit-scoring', dir: 'lending-backend' },
  { repo: 'acme-bank/exchange-rates', root: '', dir: 'exchange-rates' },
  { repo: 'acme-bank/interest-rates', root: '', dir: 'interest-rates' },
] as const;

export async function loadExamplePlatform(): Promise<PlatformConfig> {
  const result = loadPlatform(await readSourceTree(join(root, 'platform-repo-example'), { include: isPlatformInput }));
  if (!result.ok) throw new Error('platform-repo-example does not load');
  return result.config;
}

export async function loadExampleComponents(): Promise<LocatedComponent[]> {
  return Promise.all(EXAMPLE_COMPONENTS.map(async (e) => {
    const tree = await readSourceTree(join(root, 'examples', e.dir), { include: (p) => p.includes('.choreo/') });
    const { descriptor } = readComponent(tree, e.root, { repoName: e.repo, fileChecks: false });
    if (!descriptor) throw new Error(`examples/${e.dir}/${e.root} does not read`);
    return { repo: e.repo, descriptor };
  }));
}

/** The plan of every example component in every environment of its pipeline. */
export async function planExamples(): Promise<{ platform: PlatformConfig; plan: Plan }> {
  const platform = await loadExamplePlatform();
  const known = await loadExampleComponents();
  return { platform, plan: plan({ platform, known, current: new Map(), projectOf: (repo, r) => findProject(platform, repo, r) }) };
}

/** Every valid desired state of the example plan. */
export function desiredStates(p: Plan): DesiredState[] {
  return p.components.flatMap((c) => c.environments.flatMap((e) => (e.status === 'invalid' ? [] : [e.desired])));
}
