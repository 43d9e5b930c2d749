/**
 * The labels and annotations pave puts on what it renders: Kubernetes' recommended
 * `app.kubernetes.io/*` labels plus pave's own, which NetworkPolicies select on.
 */
import type { DesiredState } from '../../domain/plan.js';
import type { ObjectMetadata } from './kube-object.js';
import { dnsLabel } from './names.js';

/** Label on namespaces and pods: the project they belong to. */
export const PROJECT_LABEL = 'pave.dev/project';
/** Label on namespaces and pods: the environment they belong to. */
export const ENVIRONMENT_LABEL = 'pave.dev/environment';
/** Label the platform team puts on the namespace of each gateway: `internal` or `public`. */
export const GATEWAY_LABEL = 'pave.dev/gateway';
/** Annotation on every object of a component: {@link DesiredState.configHash}. */
export const CONFIG_HASH_ANNOTATION = 'pave.dev/config-hash';

/** The workload's object name (Deployment, Service, NetworkPolicy, CronJob, container). */
export function workloadName(d: DesiredState): string {
  return dnsLabel(d.component);
}

/** The labels a Deployment or CronJob selects its pods by; they never change for a component. */
export function selectorLabels(d: DesiredState): Record<string, string> {
  return {
    'app.kubernetes.io/name': workloadName(d),
    'app.kubernetes.io/instance': dnsLabel(`${d.component}-${d.environment}`),
  };
}

/** Every label of a component's objects and pods. */
export function standardLabels(d: DesiredState): Record<string, string> {
  return {
    ...selectorLabels(d),
    'app.kubernetes.io/part-of': d.project,
    'app.kubernetes.io/managed-by': 'pave',
    'app.kubernetes.io/component': d.workload.type,
    [PROJECT_LABEL]: d.project,
    [ENVIRONMENT_LABEL]: d.environment,
  };
}

/** Metadata of a namespaced object of the component. */
export function objectMetadata(d: DesiredState, name: string): ObjectMetadata & { namespace: string } {
  return {
    name,
    namespace: d.namespace,
    labels: standardLabels(d),
    annotations: { [CONFIG_HASH_ANNOTATION]: d.configHash },
  };
}
