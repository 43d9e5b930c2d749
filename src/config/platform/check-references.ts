/**
 * The remaining references between files: platform defaults name a pipeline, policy scopes name
 * projects and environments, catalog entries name projects and environments, sealing
 * certificates exist. Warns about environments no pipeline uses.
 */
import type { Diagnostic } from '../../domain/diagnostic.js';
import type { SourceTree } from '../../domain/source-tree.js';
import { diagnosticAt } from './diagnostic-at.js';
import type { PlatformIndex } from './index-platform.js';
import type { PlatformDocument } from './platform-document.js';
import { asRecord, entriesField, field, listField, stringField } from './raw-access.js';
import { readSealingCertificate } from './read-sealing-certificate.js';
import { ENVIRONMENT, PIPELINE, PROJECT, unknownReference, type ReferenceKind } from './unknown-reference.js';

/** Check the references of platform, environment, policy and catalog files. */
export function checkReferences(index: PlatformIndex, tree: SourceTree): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const file of index.documents) {
    if (file.kind === 'platform') out.push(...checkPlatformDefaults(index, file));
    if (file.kind === 'environment') out.push(...checkEnvironment(index, file, tree));
    if (file.kind === 'policy') out.push(...checkPolicy(index, file));
    if (file.kind === 'catalog-entry') out.push(...checkCatalogEntry(index, file));
  }
  return out;
}

function checkPlatformDefaults(index: PlatformIndex, file: PlatformDocument): Diagnostic[] {
  const pipeline = stringField(field(file.doc.value, 'defaults'), 'pipeline');
  if (pipeline === undefined || index.isDefined('pipeline', pipeline)) return [];
  return [unknownReference(file.doc, ['defaults', 'pipeline'], PIPELINE, pipeline, index.ids('pipeline'))];
}

function checkEnvironment(index: PlatformIndex, file: PlatformDocument, tree: SourceTree): Diagnostic[] {
  const out: Diagnostic[] = [];
  const name = stringField(file.doc.value, 'name');
  const pipelines = index.documents.filter((f) => f.kind === 'pipeline');
  const readable = pipelines.length > 0 && pipelines.every((p) => Array.isArray(field(p.doc.value, 'environments')));
  if (name !== undefined && readable && !pipelines.some((p) => listField(p.doc.value, 'environments').includes(name))) {
    out.push(diagnosticAt(file.doc, ['name'], {
      severity: 'warning',
      code: 'environment-unused',
      message: `environment \`${name}\` is in no pipeline, so nothing is ever deployed to it`,
      hint: 'add it to a pipeline\'s `environments`, or delete the file',
    }));
  }
  const certificate = stringField(file.doc.value, 'sealingCertificate');
  if (certificate !== undefined && !certificate.startsWith('-----BEGIN')) {
    const result = readSealingCertificate(tree, certificate);
    if (!result.ok) out.push(diagnosticAt(file.doc, ['sealingCertificate'], result));
  }
  return out;
}

function checkPolicy(index: PlatformIndex, file: PlatformDocument): Diagnostic[] {
  const scope = field(file.doc.value, 'scope');
  const out = [
    ...checkNames(index, file, ['scope', 'projects'], 'project', PROJECT),
    ...checkNames(index, file, ['scope', 'environments'], 'environment', ENVIRONMENT),
  ];
  const environments = listField(scope, 'environments').filter((e): e is string => typeof e === 'string');
  if (field(scope, 'productionOnly') === true && environments.length > 0) {
    const production = environments.filter((e) => field(index.find('environment', e)?.file.doc.value, 'production') === true);
    const known = environments.filter((e) => index.find('environment', e) !== undefined);
    if (production.length === 0 && known.length === environments.length) {
      out.push(diagnosticAt(file.doc, ['scope', 'productionOnly'], {
        severity: 'warning',
        code: 'policy-never-applies',
        message: `\`productionOnly\` is set but none of ${environments.join(', ')} is a production environment, so the policy never applies`,
        hint: 'remove `productionOnly` or list a production environment',
      }));
    }
  }
  return out;
}

function checkCatalogEntry(index: PlatformIndex, file: PlatformDocument): Diagnostic[] {
  const out = checkNames(index, file, ['projects'], 'project', PROJECT);
  const environments = index.ids('environment');
  for (const [key, perEnvironment] of entriesField(file.doc.value, 'keys')) {
    const values = asRecord(perEnvironment);
    if (!values) continue;
    const envs = Object.keys(values);
    for (const env of envs) {
      if (env === '*' || index.isDefined('environment', env)) continue;
      const d = unknownReference(file.doc, ['keys', key, env], ENVIRONMENT, env, environments, true);
      out.push(env === 'env' || env === 'file'
        ? { ...d, hint: `a secret reference goes under an environment name or \`*\`: \`${key}: { "*": { ${env}: … } }\`` }
        : d);
    }
    if (!envs.includes('*')) {
      const missing = environments.filter((e) => !envs.includes(e));
      if (missing.length > 0) {
        out.push(diagnosticAt(file.doc, ['keys', key], {
          severity: 'warning',
          code: 'catalog-key-incomplete',
          atKey: true,
          message: `key \`${key}\` has no value for ${missing.join(', ')}; connections there will lack it`,
          hint: 'add those environments, or a `"*"` entry for every other environment',
        }));
      }
    }
  }
  return out;
}

function checkNames(
  index: PlatformIndex,
  file: PlatformDocument,
  path: readonly string[],
  kind: 'project' | 'environment',
  noun: ReferenceKind,
): Diagnostic[] {
  let list: unknown = file.doc.value;
  for (const key of path) list = field(list, key);
  if (!Array.isArray(list)) return [];
  return list.flatMap((name, i) =>
    typeof name === 'string' && !index.isDefined(kind, name)
      ? [unknownReference(file.doc, [...path, i], noun, name, index.ids(kind))]
      : []);
}
