/**
 * examples/ holds four component repositories of the acme-bank organization. These checks keep
 * them Choreo-valid (the rules of Choreo's validator that matter here) and consistent with
 * platform-repo-example/: presets and plans exist and are allowed, every connection reaches an
 * endpoint whose visibility admits the consumer, and the example policies hold.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSourceTree } from '../src/adapters/fs/read-source-tree.js';
import { readComponent } from '../src/config/component/index.js';
import { findProject, isPlatformInput, loadPlatform } from '../src/config/platform/index.js';
import { parseYaml } from '../src/config/yaml/parse-yaml.js';
import type { PlatformConfig } from '../src/domain/platform.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Endpoint { name: string; service: { port: number; basePath?: string }; type: string; networkVisibilities?: string[]; schemaFilePath?: string }
interface Descriptor {
  schemaVersion: number;
  component?: { name?: string; type?: string };
  build?: { preset: string };
  resources?: { name: string; type: string; plan: string }[];
  deploy?: { replicas?: number; env?: Record<string, { replicas?: number }> };
  endpoints?: Endpoint[];
  dependencies?: { connectionReferences?: { name: string; resourceRef: string }[] };
  configurations?: { env?: { name: string; value?: string; valueFrom?: { connectionRef?: { name: string; key: string } } }[] };
}
interface Example { repo: string; root: string; dir: string; project: string; descriptor: Descriptor }

const EXAMPLES: readonly Omit<Example, 'descriptor'>[] = [
  { repo: 'acme-bank/investment-banking-backend', root: '', dir: 'examples/investment-banking-backend', project: 'investment-banking' },
  { repo: 'acme-bank/lending-backend', root: 'loans-api', dir: 'examples/lending-backend/loans-api', project: 'lending' },
  { repo: 'acme-bank/lending-backend', root: 'credit-scoring', dir: 'examples/lending-backend/credit-scoring', project: 'lending' },
  { repo: 'acme-bank/exchange-rates', root: '', dir: 'examples/exchange-rates', project: 'utility' },
  { repo: 'acme-bank/interest-rates', root: '', dir: 'examples/interest-rates', project: 'utility' },
];

const examples: Example[] = EXAMPLES.map((e) => {
  const path = join(root, e.dir, '.choreo/component.yaml');
  const parsed = parseYaml(path, readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error(`${path} does not parse`);
  return { ...e, descriptor: parsed.doc.value as Descriptor };
});

const platform = await (async (): Promise<PlatformConfig> => {
  const result = loadPlatform(await readSourceTree(join(root, 'platform-repo-example'), { include: isPlatformInput }));
  if (!result.ok) throw new Error('platform-repo-example does not load');
  return result.config;
})();

const CONNECTION_NAME = /^\s*[a-zA-Z0-9](?:[a-zA-Z0-9]|[ _.-](?=[a-zA-Z0-9]))*\s*$/;
const SERVICE_REF = /^service:\/([a-zA-Z0-9_-]+)\/([a-zA-Z0-9_-]+)\/[vV]\d+(?:\.\d+)*\/([a-zA-Z0-9_-]+)\/(PUBLIC|PROJECT|ORGANIZATION)$/;
const KEYS = { service: ['ServiceURL', 'ChoreoAPIKey'], database: ['HostName', 'Port', 'Username', 'Password', 'DatabaseName'] };

function nameOf(e: Example): string {
  return e.descriptor.component?.name ?? (e.root || e.repo.split('/')[1]!);
}

describe.each(examples)('$dir', (example) => {
  const d = example.descriptor;
  const project = platform.projects.get(example.project)!;

  it('is read by pave\'s component reader without errors or warnings', async () => {
    const repoDir = join(root, 'examples', example.repo.split('/')[1]!);
    const tree = await readSourceTree(repoDir, { include: (p) => p.includes('.choreo/') });

    const result = readComponent(tree, example.root, { repoName: example.repo, fileChecks: true });

    expect(result.reports.flatMap((r) => [...r.errors, ...r.warnings])).toEqual([]);
    expect(result.descriptor?.name).toBe(nameOf(example));
  });

  it('is a Choreo-valid 1.2 descriptor', () => {
    expect(d.schemaVersion).toBe(1.2);
    const names = (d.endpoints ?? []).map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const e of d.endpoints ?? []) {
      expect(e.name).toMatch(/^[a-z][a-z0-9_-]*$/);
      expect(e.name.length).toBeLessThanOrEqual(50);
      expect(e.service.port).toBeGreaterThan(1000);
      expect(e.service.port).toBeLessThan(65535);
      if (e.service.basePath !== undefined) expect(e.service.basePath).toMatch(/^\/[a-zA-Z0-9/_-]*$/);
      expect(['REST', 'GraphQL', 'GRPC', 'TCP', 'UDP', 'WS']).toContain(e.type);
      if (['GRPC', 'TCP', 'UDP'].includes(e.type)) expect(e.networkVisibilities).toEqual(['Project']);
      if (e.schemaFilePath) expect(existsSync(join(root, example.dir, e.schemaFilePath))).toBe(true);
    }
    for (const c of d.dependencies?.connectionReferences ?? []) {
      expect(c.name).toMatch(CONNECTION_NAME);
      expect(c.resourceRef).toMatch(/^(service:\/|database:|thirdparty:)/);
    }
  });

  it('belongs to its project, with a preset and plans the platform offers', () => {
    expect(findProject(platform, example.repo, example.root)?.name).toBe(example.project);
    expect(platform.buildPresets.has(d.build!.preset)).toBe(true);
    for (const r of d.resources ?? []) expect(project.databasePlans).toContain(`${r.type}/${r.plan}`);
  });

  it('connects only to what exists and admits it', () => {
    for (const c of d.dependencies?.connectionReferences ?? []) {
      const service = SERVICE_REF.exec(c.resourceRef);
      if (service) {
        const [, targetProject, component, endpointName, visibility] = service;
        const target = examples.find((t) => t.project === targetProject && nameOf(t) === component);
        const endpoint = target?.descriptor.endpoints?.find((e) => e.name === endpointName);
        expect(endpoint, c.resourceRef).toBeDefined();
        const wanted = visibility === 'PROJECT' ? 'Project' : visibility === 'ORGANIZATION' ? 'Organization' : 'Public';
        expect(endpoint!.networkVisibilities).toContain(wanted);
        if (wanted === 'Project') expect(targetProject).toBe(example.project);
      } else if (c.resourceRef.startsWith('database:')) {
        expect((d.resources ?? []).map((r) => r.name)).toContain(c.resourceRef.slice('database:'.length));
      } else {
        const entry = platform.catalog.get(c.resourceRef.slice('thirdparty:'.length));
        expect(entry, c.resourceRef).toBeDefined();
        expect(entry!.projects.length === 0 || entry!.projects.includes(example.project)).toBe(true);
      }
    }
  });

  it('renames connection keys only of connections it declares', () => {
    const connections = new Map((d.dependencies?.connectionReferences ?? []).map((c) => [c.name, c.resourceRef]));
    for (const v of d.configurations?.env ?? []) {
      expect(v.name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
      const ref = v.valueFrom?.connectionRef;
      if (!ref) continue;
      const target = connections.get(ref.name);
      expect(target, ref.name).toBeDefined();
      if (target!.startsWith('service:')) expect(KEYS.service).toContain(ref.key);
      if (target!.startsWith('database:')) expect(KEYS.database).toContain(ref.key);
      if (target!.startsWith('thirdparty:')) expect(Object.keys(platform.catalog.get(target!.slice(11))!.keys)).toContain(ref.key);
    }
  });

  it('keeps the platform policies: production replicas ≥ 2, no Public endpoint in lending', () => {
    expect(d.deploy?.env?.production?.replicas ?? d.deploy?.replicas ?? 1).toBeGreaterThanOrEqual(2);
    if (example.project === 'lending') {
      for (const e of d.endpoints ?? []) expect(e.networkVisibilities ?? ['Public']).not.toContain('Public');
    }
  });
});

it('has a connection rename in at least one example and a monorepo with two components', () => {
  expect(examples.some((e) => (e.descriptor.configurations?.env ?? []).some((v) => v.valueFrom?.connectionRef))).toBe(true);
  expect(examples.filter((e) => e.repo === 'acme-bank/lending-backend').map(nameOf)).toEqual(['loans-api', 'credit-scoring']);
});
