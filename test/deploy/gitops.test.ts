/**
 * deploy/gitops: the Argo CD Applications and the Flux GitRepository + Kustomizations, validated
 * against their CRDs' schemas (vendored in test/fixtures/kubernetes), and checked against the
 * state repository's layout as pave writes it (src/jobs/deploy.ts): per environment,
 * environments/<env>/<project>/<component>/manifests.yaml are the objects for the cluster, and
 * pave's records (.json) and encrypted secrets (secrets/) must never be applied.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadAll, YAML11_SCHEMA } from 'js-yaml';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/render/manifests/index.js';
import { kubeSchemaErrors } from '../helpers/kube-schemas.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const docs = (file: string) => loadAll(readFileSync(`${root}deploy/gitops/${file}`, 'utf8'), { schema: YAML11_SCHEMA }) as Obj[];
const argo = docs('argocd-application.yaml');
const flux = docs('flux-kustomization.yaml');
const environments = ['development', 'staging', 'production'];

/** A state repository as src/jobs/deploy.ts and the orphan records lay it out. */
function stateTree(): string[] {
  const files: string[] = ['README.md'];
  for (const env of environments) {
    for (const [project, component] of [['lending', 'loans-api'], ['cards', 'ledger']]) {
      const dir = `environments/${env}/${project}/${component}`;
      files.push(`${dir}/manifests.yaml`, `${dir}/desired.json`, `${dir}/release.json`, `${dir}/sealed-secret.json`, `${dir}/orphans.json`);
      files.push(`secrets/${env}/${project}/${component}.json`);
    }
  }
  return files;
}
const isManifest = (path: string) => /^environments\/[^/]+\/[^/]+\/[^/]+\/manifests\.yaml$/.test(path);

/** Argo CD's util/glob: gobwas/glob compiled without separators (`*` crosses `/`), `{a,b}`, `?`. */
function argoGlob(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** .gitignore rules (as Flux's spec.ignore): last match wins, `!` re-includes, `/` anchors, `dir/` only directories; an ignored directory hides its files. */
function gitIgnored(rules: string, path: string): boolean {
  const parsed = rules.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => {
    const negate = l.startsWith('!');
    let p = negate ? l.slice(1) : l;
    const dirOnly = p.endsWith('/');
    p = p.replace(/\/+$/, '');
    const anchored = p.startsWith('/') || p.includes('/');
    p = p.replace(/^\//, '');
    return { negate, dirOnly, match: picomatch(anchored ? p : `**/${p}`, { dot: true }) };
  });
  const decide = (p: string, isDir: boolean) => {
    let ignored = false;
    for (const r of parsed) if ((!r.dirOnly || isDir) && r.match(p)) ignored = !r.negate;
    return ignored;
  };
  const parts = path.split('/');
  for (let n = 1; n < parts.length; n++) if (decide(parts.slice(0, n).join('/'), true)) return true;
  return decide(path, false);
}

describe('deploy/gitops', () => {
  it('is valid under the Argo CD and Flux CRD schemas', () => {
    const all = [...argo, ...flux] as unknown as KubeObject[];
    expect(all.map((o) => o.kind).sort()).toEqual(['Application', 'Application', 'GitRepository', 'Kustomization', 'Kustomization']);
    expect(all.flatMap((o) => kubeSchemaErrors(o).map((e) => `${o.kind}/${String(o.metadata.name)}: ${e}`))).toEqual([]);
    // Not vacuous: a misspelt field is refused.
    expect(kubeSchemaErrors({ ...argo[0], spec: { ...argo[0]!.spec, syncPolicy: { automatic: {} } } } as unknown as KubeObject)).not.toEqual([]);
  });

  it('follows the layout pave writes (src/jobs/deploy.ts)', () => {
    const deploy = readFileSync(`${root}src/jobs/deploy.ts`, 'utf8');
    expect(deploy).toContain('`environments/${desired.environment}/${desired.project}/${desired.component}`');
    expect(deploy).toContain('[`${dir}/manifests.yaml`]');
    expect(deploy).toContain('`secrets/${desired.environment}/${desired.project}/${desired.component}.json`');
  });

  it('Argo CD: one Application per environment that applies exactly the manifests.yaml files', () => {
    for (const app of argo) {
      const source = app.spec.source as Obj;
      const env = /^environments\/([^/]+)$/.exec(source.path)?.[1];
      expect(environments).toContain(env);
      expect(app.metadata.name).toBe(`pave-${env}`);
      expect(source.repoURL).toMatch(/^https:\/\/.+\.git$/);
      expect(source.directory.recurse).toBe(true);
      const include = argoGlob(source.directory.include as string);
      const selected = stateTree().filter((f) => f.startsWith(`${source.path}/`)).filter((f) => include.test(f.slice(source.path.length + 1)));
      expect(selected).toEqual(stateTree().filter((f) => isManifest(f) && f.startsWith(`${source.path}/`)));
      expect(selected.length).toBeGreaterThan(0);
      expect(app.spec.syncPolicy.automated.prune).toBe(true);
    }
  });

  it('Flux: the source keeps only manifests.yaml files and one Kustomization per environment applies them', () => {
    const [repo, ...kustomizations] = flux;
    expect(repo!.kind).toBe('GitRepository');
    const kept = stateTree().filter((f) => !gitIgnored(repo!.spec.ignore as string, f));
    expect(kept).toEqual(stateTree().filter(isManifest));
    for (const k of kustomizations) {
      expect(k.spec.sourceRef).toEqual({ kind: 'GitRepository', name: repo!.metadata.name });
      const env = /^\.\/environments\/([^/]+)$/.exec(k.spec.path)?.[1];
      expect(environments).toContain(env);
      expect(k.metadata.name).toBe(`pave-${env}`);
      expect(k.spec.prune).toBe(true);
      // The CRD's CEL rules (not evaluated by the schema check): kubeConfig needs exactly one ref.
      expect(k.spec.kubeConfig).toBeUndefined();
      expect(kept.some((f) => f.startsWith(`environments/${env}/`))).toBe(true);
    }
  });

  it('the glob and ignore emulations behave like their tools', () => {
    expect(argoGlob('*/*/manifests.yaml').test('a/b/manifests.yaml')).toBe(true);
    expect(argoGlob('*.yaml').test('a/b.yaml')).toBe(true); // gobwas without separators: * crosses /
    expect(argoGlob('{a,b}.json').test('b.json')).toBe(true);
    expect(gitIgnored('/*\n!/keep/', 'keep/x')).toBe(false);
    expect(gitIgnored('/*\n!/keep/', 'drop/x')).toBe(true);
    expect(gitIgnored('/*\n!/keep/x', 'keep/x')).toBe(true); // a file under an ignored directory stays ignored
  });
});
