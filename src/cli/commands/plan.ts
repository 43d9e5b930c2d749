import { formatDiagnostic } from '../../domain/diagnostic.js';
import { plan } from '../../planner/plan.js';
import { renderPlanJson } from '../../render/plan-json.js';
import { renderPlanMarkdown } from '../../render/plan-markdown.js';
import { oneOf, parse } from '../args.js';
import type { Output } from '../output.js';
import { readStateDir } from '../sources.js';
import { loadWorkspace } from '../workspace.js';

export const PLAN_HELP = `Usage: pave plan --platform <dir> [--state <dir>] [--repo <owner/name>] [--known <dir>]...
                 [--format markdown|json] <component-root>...

Plan every component found in the given repositories for every environment of its project's
pipeline: the desired state (workload, endpoints, databases, connections with Choreo's
CHOREO_<NAME>_<KEY> variables, configuration, network rules), the actions that take the current
state there, and the platform's policies.

Options:
  --platform <dir>     the platform repository (required), e.g. platform-repo-example
  --state <dir>        the state repository checkout (environments/<env>/<project>/<component>/desired.json);
                       absent or empty means nothing is deployed yet
  --repo <owner/name>  the GitHub repository of the (single) component root; default <first githubOwner>/<dir name>
  --known <dir>        another component repository (or a directory of them) that connections may
                       point at; repeatable. Default: the repositories beside each component root
  --format markdown|json   output format (default markdown, the PR comment)
  -h, --help           show this help

Exit status: 0 the plan can be applied, 1 invalid descriptors or an error-severity policy violation, 2 usage error.`;

export async function planCommand(argv: readonly string[], io: Output): Promise<number> {
  const { values, positionals } = parse(argv, {
    platform: { type: 'string' }, state: { type: 'string' }, repo: { type: 'string' },
    known: { type: 'string', multiple: true }, format: { type: 'string' },
  });
  if (values.help) {
    io.out(PLAN_HELP);
    return 0;
  }
  const format = oneOf('format', values.format, ['markdown', 'json'] as const, 'markdown');
  const ws = await loadWorkspace({ platformDir: values.platform, roots: positionals, repo: values.repo, known: values.known }, io);
  if (typeof ws === 'number') return ws;
  const state = await readStateDir(values.state);
  for (const d of state.warnings) io.err(formatDiagnostic(d));

  const result = plan({
    platform: ws.platform,
    known: ws.known,
    targets: ws.targets.flatMap((t) => t.components.map((c) => ({ repo: c.repo, root: c.descriptor.root }))),
    unreadable: ws.targets.flatMap((t) => t.unreadable),
    current: state.snapshot,
    projectOf: ws.projectOf,
  });
  if (format === 'json') io.out(renderPlanJson(result));
  else io.out(renderPlanMarkdown(result, { title: ws.targets.map((t) => t.repo).join(', ') }));
  return result.ok ? 0 : 1;
}
