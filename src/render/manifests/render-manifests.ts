/**
 * The Kubernetes objects of one component in one environment, and their YAML. Pure and
 * deterministic: the same input gives byte-identical output, because every list is built in a
 * fixed order, mapping keys are sorted by the YAML writer, and objects are sorted by kind (in
 * the order a cluster needs them: Helm's install order) and then by name.
 *
 * | object | when |
 * |---|---|
 * | Namespace | always (shared with the project's other components; see `namespace.ts`) |
 * | NetworkPolicy | a component that runs pods |
 * | SealedSecret | the input has one (the component has secret variables) |
 * | ConfigMap | the component has `configurations.file` entries |
 * | Service | a Deployment with endpoints |
 * | Deployment | service, web-app, event-handler |
 * | CronJob | scheduled-task, manual-task (suspended; see `workloads.ts`) |
 *
 * An API proxy runs nothing of its own, so it gets its Namespace only.
 */
import type { ManifestInput } from '../../domain/apply.js';
import { toYaml } from '../../lib/to-yaml.js';
import { configMapFor } from './config-map.js';
import type { KubeObject } from './kube-object.js';
import { namespaceFor } from './namespace.js';
import { networkPolicyFor } from './network-policy.js';
import { podTemplate } from './pod-template.js';
import { listenPorts } from './ports.js';
import { sealedSecretFor } from './sealed-secret.js';
import { serviceFor } from './service.js';
import { cronJobFor, deploymentFor } from './workloads.js';

export interface RenderedManifests {
  /** Sorted by kind (install order), then name. */
  readonly objects: readonly KubeObject[];
  /** Every object as a YAML document (`---` first), in the order of `objects`. */
  readonly yaml: string;
}

/** The order objects are listed (and applied) in. */
export const KIND_ORDER = ['Namespace', 'NetworkPolicy', 'SealedSecret', 'ConfigMap', 'Service', 'Deployment', 'CronJob'] as const;

/**
 * Render the manifests of `input.desired`. No secret value is in the output: variables that hold
 * secrets reference the Secret `input.secretName`, which the SealedSecret becomes in the cluster.
 *
 * @throws Error when the input contradicts itself (a scheduled task without a schedule, a sealed
 *   secret for another name or namespace, a network peer pave does not know).
 */
export function renderManifests(input: ManifestInput): RenderedManifests {
  const d = input.desired;
  const objects: KubeObject[] = [namespaceFor(d)];
  const type = d.workload.type;
  if (type !== 'api-proxy') {
    const ports = listenPorts(d.endpoints);
    const files = configMapFor(input);
    const isTask = type === 'scheduled-task' || type === 'manual-task';
    const template = podTemplate(input, { ports, files: files.mounts, longRunning: !isTask, ...(files.configMap ? { configMap: files.configMap.metadata.name } : {}) });
    objects.push(networkPolicyFor(d));
    const sealed = sealedSecretFor(input);
    if (sealed) objects.push(sealed);
    if (files.configMap) objects.push(files.configMap);
    if (isTask) objects.push(cronJobFor(d, template));
    else {
      objects.push(deploymentFor(d, template));
      if (ports.length > 0) objects.push(serviceFor(d, ports));
    }
  }
  const sorted = objects.sort(byKindThenName);
  return { objects: sorted, yaml: sorted.map((o) => `---\n${toYaml(o)}`).join('') };
}

function byKindThenName(a: KubeObject, b: KubeObject): number {
  const rank = (k: string) => {
    const i = (KIND_ORDER as readonly string[]).indexOf(k);
    return i < 0 ? KIND_ORDER.length : i;
  };
  return rank(a.kind) - rank(b.kind) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
}
