/**
 * The namespace a component runs in. Several components share one (the example platform's
 * pattern is `{project}-{environment}`), so its object is the same for all of them: project and
 * environment labels only (what NetworkPolicies select on), no component label and no config
 * hash. Pod Security admission enforces the "restricted" standard, which pave's pods meet.
 */
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { DesiredState } from '../../domain/plan.js';
import { ENVIRONMENT_LABEL, PROJECT_LABEL } from './labels.js';

export function namespaceFor(d: DesiredState): INamespace & { metadata: { name: string } } {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: d.namespace,
      labels: {
        'app.kubernetes.io/managed-by': 'pave',
        'app.kubernetes.io/part-of': d.project,
        [PROJECT_LABEL]: d.project,
        [ENVIRONMENT_LABEL]: d.environment,
        'pod-security.kubernetes.io/enforce': 'restricted',
      },
    },
  };
}
