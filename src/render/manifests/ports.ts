/**
 * The ports a component listens on, from its endpoints: one per (port, protocol), named after
 * the first endpoint that uses it. Used alike by the container, the Service and the probes.
 */
import type { EndpointType } from '../../domain/component.js';
import type { DesiredEndpoint } from '../../domain/plan.js';
import { portNames } from './names.js';

export interface ListenPort {
  /** DNS-1035, at most 15 characters, unique within the component. */
  readonly name: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** The application protocol, for gateways and meshes (Service `appProtocol`). */
  readonly appProtocol?: string;
  /** The endpoint the port was named after. */
  readonly endpoint: DesiredEndpoint;
}

const APP_PROTOCOLS: Readonly<Partial<Record<EndpointType, string>>> = {
  REST: 'http',
  GraphQL: 'http',
  WS: 'kubernetes.io/ws',
  GRPC: 'kubernetes.io/h2c',
};

/** The transport of an endpoint type: UDP for UDP endpoints, TCP for every other. */
export function protocolOf(type: EndpointType): 'TCP' | 'UDP' {
  return type === 'UDP' ? 'UDP' : 'TCP';
}

/**
 * One port per distinct (port, protocol) in endpoint order: Kubernetes refuses a Service that
 * lists the same port and protocol twice, which two endpoints on one port (say REST and GraphQL
 * under different base paths) would otherwise do.
 */
export function listenPorts(endpoints: readonly DesiredEndpoint[]): ListenPort[] {
  const seen = new Set<string>();
  const distinct = endpoints.filter((e) => {
    const key = `${e.port}/${protocolOf(e.type)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const names = portNames(distinct.map((e) => e.name));
  return distinct.map((endpoint, i) => {
    const appProtocol = APP_PROTOCOLS[endpoint.type];
    return { name: names[i]!, port: endpoint.port, protocol: protocolOf(endpoint.type), ...(appProtocol ? { appProtocol } : {}), endpoint };
  });
}
