/**
 * The ConfigMap of a component's `configurations.file` entries: one key per file, mounted by the
 * pod at `<mountPath>/<name>`. Two entries that would land on the same path (or on `/tmp`, which
 * the pod keeps for scratch space) cannot both be mounted: the first one wins.
 */
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { ManifestInput } from '../../domain/apply.js';
import { objectMetadata, workloadName } from './labels.js';
import { dataKey, dnsLabel } from './names.js';
import type { MountedFile } from './pod-template.js';

export interface RenderedFiles {
  /** Absent when the component has no files. */
  readonly configMap?: IConfigMap & { metadata: { name: string } };
  readonly mounts: readonly MountedFile[];
}

export function configMapFor(input: ManifestInput): RenderedFiles {
  const d = input.desired;
  const data: Record<string, string> = {};
  const mounts: MountedFile[] = [];
  const paths = new Set(['/tmp']);
  for (const file of input.files) {
    const path = filePath(file.mountPath, file.name);
    if (paths.has(path)) continue;
    paths.add(path);
    let key = dataKey(file.name);
    for (let n = 2; key in data; n++) key = dataKey(`${file.name}-${n}`);
    data[key] = file.content;
    mounts.push({ key, path });
  }
  if (mounts.length === 0) return { mounts };
  const name = dnsLabel(`${workloadName(d)}-files`);
  return { configMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: objectMetadata(d, name), data }, mounts };
}

/** `mountPath/name`, absolute, with single slashes. */
export function filePath(mountPath: string, name: string): string {
  return `/${mountPath}/${name}`.replace(/\/{2,}/g, '/').replace(/\/$/, '');
}
