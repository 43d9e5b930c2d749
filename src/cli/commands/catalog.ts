import { buildCatalog } from '../../planner/catalog.js';
import { oneOf, parse } from '../args.js';
import type { Output } from '../output.js';
import { loadWorkspace } from '../workspace.js';

export const CATALOG_HELP = `Usage: pave catalog --platform <dir> [--known <dir>]... [--format text|json] <component-root>...

List the services the given repositories offer: each endpoint with its stable id, type, port,
visibility and the resourceRef a consumer writes in dependencies.connectionReferences; then the
platform's third-party catalog entries.

Options:
  --platform <dir>     the platform repository (required)
  --known <dir>        more repositories to list (repeatable); default: the repositories beside each root
  --format text|json   output format (default text)
  -h, --help           show this help`;

export async function catalogCommand(argv: readonly string[], io: Output): Promise<number> {
  const { values, positionals } = parse(argv, { platform: { type: 'string' }, known: { type: 'string', multiple: true }, format: { type: 'string' } });
  if (values.help) {
    io.out(CATALOG_HELP);
    return 0;
  }
  const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
  const ws = await loadWorkspace({ platformDir: values.platform, roots: positionals, known: values.known }, io);
  if (typeof ws === 'number') return ws;
  const catalog = buildCatalog(ws.platform, ws.known, ws.projectOf);

  const services = catalog.components.map((c) => ({
    project: c.project.name,
    component: c.descriptor.name,
    repo: c.repo,
    root: c.descriptor.root,
    type: c.descriptor.type,
    endpoints: c.endpoints.map(({ id, endpoint: e }) => ({
      name: e.name,
      id,
      type: e.type,
      port: e.port,
      basePath: e.basePath,
      visibilities: e.visibilities,
      resourceRefs: e.visibilities.map((v) => `service:/${c.project.name}/${c.descriptor.name}/v1/${e.name}/${v.toUpperCase()}`),
    })),
  }));
  const thirdParty = [...ws.platform.catalog.values()].map((e) => ({
    name: e.name, version: e.version, description: e.description, projects: e.projects, keys: Object.keys(e.keys),
    resourceRef: `thirdparty:${e.name}/${e.version}`,
  }));
  const problems = [...catalog.problems.values()].flat();

  if (format === 'json') {
    io.out(JSON.stringify({ services, thirdParty, problems }, null, 2));
  } else {
    const lines: string[] = [];
    for (const s of services) {
      lines.push(`${s.project}/${s.component}  (${s.type}, ${s.repo}${s.root ? '/' + s.root : ''})`);
      if (s.endpoints.length === 0) lines.push('  no endpoints');
      for (const e of s.endpoints) {
        lines.push(`  ${e.name}  id ${e.id}  ${e.type} :${e.port}${e.basePath === '/' ? '' : e.basePath}  ${e.visibilities.join(', ')}`);
        for (const ref of e.resourceRefs) lines.push(`    resourceRef: ${ref}`);
      }
    }
    if (thirdParty.length > 0) lines.push('', 'third-party services (platform catalog):');
    for (const t of thirdParty) {
      lines.push(`  ${t.resourceRef}  ${t.description}${t.projects.length > 0 ? `  (projects: ${t.projects.join(', ')})` : ''}  keys: ${t.keys.join(', ')}`);
    }
    for (const p of problems) lines.push(`! ${p.file}:${p.line}:${p.column}: ${p.message}`);
    io.out(lines.join('\n'));
  }
  return problems.some((p) => p.severity === 'error') ? 1 : 0;
}
