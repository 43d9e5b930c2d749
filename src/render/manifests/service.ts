/**
 * The Service of a long-running component: a ClusterIP with one port per distinct endpoint port
 * (see `ports.ts`), targeting the container port by name.
 */
import type { IService } from 'kubernetes-models/v1/Service';
import type { DesiredState } from '../../domain/plan.js';
import { objectMetadata, selectorLabels, workloadName } from './labels.js';
import type { ListenPort } from './ports.js';

export function serviceFor(d: DesiredState, ports: readonly ListenPort[]): IService & { metadata: { name: string } } {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMetadata(d, workloadName(d)),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(d),
      ports: ports.map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: p.name,
        protocol: p.protocol,
        ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
      })),
    },
  };
}
