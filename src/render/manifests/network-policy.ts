/**
 * The NetworkPolicy of a component: its pods accept and open only what the plan's network rules
 * allow (both directions are default-deny once a policy selects a pod for them).
 *
 * Ingress, from the endpoints' visibilities, on the endpoint's port:
 * - `project:<p>`: pods in the namespaces labelled `pave.dev/project: <p>` of this environment;
 * - `gateway:internal` / `gateway:public`: the namespaces labelled `pave.dev/gateway: internal` /
 *   `public`, which the platform team puts on its gateways' namespaces.
 *
 * Egress:
 * - DNS: UDP and TCP 53 to `kube-system`;
 * - `component:<p>/<c>`: that component's pods (by name and project labels) in its project's
 *   namespaces of this environment, any port;
 * - `gateway:*`: the gateway's namespaces, any port (connections through Organization and Public
 *   endpoints go through the gateway);
 * - `database:*`: the server's port, any address. Database servers are named by host name, which
 *   a NetworkPolicy cannot express; the port is the restriction. A database shared by another
 *   component carries no port in the plan: it is the connection's port variable (the one numeric
 *   value it injects);
 * - `external:<name/version>` (catalog services): public addresses only, `0.0.0.0/0` and `::/0`
 *   except private, loopback, link-local (cloud metadata) and carrier-grade NAT ranges, on 443 and
 *   on the ports of the `http(s)://host:port` URLs the connection injects (80 for `http://`).
 *   Catalog services are named by URL too; a catalog service inside the private network needs a
 *   rule of the platform team's own.
 *
 * Rules with the same peers are merged; rules and ports are sorted, so the policy only changes
 * when what it allows does.
 */
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import { isSecret, type DesiredState, type NetworkRule } from '../../domain/plan.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { ENVIRONMENT_LABEL, GATEWAY_LABEL, objectMetadata, PROJECT_LABEL, selectorLabels, workloadName } from './labels.js';
import { dnsLabel } from './names.js';
import { protocolOf } from './ports.js';

/** Address ranges that are not the public internet (RFC 1918, 6598, 1122, 3927; RFC 4193, 4291). */
export const PRIVATE_IPV4 = ['10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'];
export const PRIVATE_IPV6 = ['::1/128', 'fc00::/7', 'fe80::/10'];

type Port = { readonly port: number; readonly protocol: 'TCP' | 'UDP' };
/** Peers (`undefined`: any address) and ports (`undefined`: any port) of one rule. */
interface Rule { readonly peers: INetworkPolicyPeer[] | undefined; readonly ports: Port[] | undefined }

export function networkPolicyFor(d: DesiredState): INetworkPolicy & { metadata: { name: string } } {
  const dns: Rule = { peers: [namespaceNamed('kube-system')], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMetadata(d, workloadName(d)),
    spec: {
      podSelector: { matchLabels: selectorLabels(d) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: merge(d.network.ingress.flatMap((r) => ingressRule(d, r))).map((r) => ({ ...(r.peers ? { from: r.peers } : {}), ...ports(r) })),
      egress: [dns, ...merge(d.network.egress.flatMap((r) => egressRule(d, r)))].map((r) => ({ ...(r.peers ? { to: r.peers } : {}), ...ports(r) })),
    },
  };
}

function ports(r: Rule): { ports?: INetworkPolicyPort[] } {
  return r.ports ? { ports: r.ports.map((p) => ({ port: p.port, protocol: p.protocol })) } : {};
}

function ingressRule(d: DesiredState, rule: NetworkRule): Rule[] {
  const [kind, target] = splitPeer(rule.peer);
  const at = rule.port === undefined ? undefined : endpointPorts(d, rule.port);
  switch (kind) {
    case 'project':
      return [{ peers: [projectNamespaces(d, target)], ports: at }];
    case 'gateway':
      return [{ peers: [gatewayNamespaces(target)], ports: at }];
    case 'component':
      return [{ peers: [componentPods(d, target)], ports: at }];
    default:
      throw new Error(`no ingress rule for network peer "${rule.peer}"`);
  }
}

function egressRule(d: DesiredState, rule: NetworkRule): Rule[] {
  const [kind, target] = splitPeer(rule.peer);
  const tcp = (port: number): Port => ({ port, protocol: 'TCP' });
  switch (kind) {
    case 'component':
      return [{ peers: [componentPods(d, target)], ports: rule.port === undefined ? undefined : [tcp(rule.port)] }];
    case 'gateway':
      return [{ peers: [gatewayNamespaces(target)], ports: rule.port === undefined ? undefined : [tcp(rule.port)] }];
    case 'project':
      return [{ peers: [projectNamespaces(d, target)], ports: rule.port === undefined ? undefined : [tcp(rule.port)] }];
    case 'database': {
      const found = rule.port !== undefined ? [rule.port] : connectionPorts(d, 'database', target);
      // No port known: allow nothing rather than everything.
      return found.length > 0 ? [{ peers: undefined, ports: found.map(tcp) }] : [];
    }
    case 'external':
      return [{ peers: publicInternet(), ports: [...new Set([443, ...(rule.port !== undefined ? [rule.port] : []), ...urlPorts(d, target)])].map(tcp) }];
    default:
      throw new Error(`no egress rule for network peer "${rule.peer}"`);
  }
}

function splitPeer(peer: string): [string, string] {
  const i = peer.indexOf(':');
  return i < 0 ? [peer, ''] : [peer.slice(0, i), peer.slice(i + 1)];
}

/** The ports of the endpoints listening on `port`: TCP, UDP or both. */
function endpointPorts(d: DesiredState, port: number): Port[] {
  const protocols = new Set(d.endpoints.filter((e) => e.port === port).map((e) => protocolOf(e.type)));
  if (protocols.size === 0) protocols.add('TCP');
  return [...protocols].map((protocol) => ({ port, protocol }));
}

function namespaceNamed(name: string): INetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } };
}

function projectNamespaces(d: DesiredState, project: string): INetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { [PROJECT_LABEL]: project, [ENVIRONMENT_LABEL]: d.environment } } };
}

function gatewayNamespaces(gateway: string): INetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { [GATEWAY_LABEL]: gateway } } };
}

/** `<project>/<component>`: that component's pods in this environment. */
function componentPods(d: DesiredState, target: string): INetworkPolicyPeer {
  const slash = target.indexOf('/');
  const project = target.slice(0, slash);
  const component = target.slice(slash + 1);
  return {
    ...projectNamespaces(d, project),
    podSelector: { matchLabels: { 'app.kubernetes.io/name': dnsLabel(component), 'app.kubernetes.io/part-of': project } },
  };
}

function publicInternet(): INetworkPolicyPeer[] {
  return [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_IPV4 } }, { ipBlock: { cidr: '::/0', except: PRIVATE_IPV6 } }];
}

/** The numeric literal values the connections of `kind` to `target` inject (a database's PORT). */
function connectionPorts(d: DesiredState, kind: 'database', target: string): number[] {
  return d.connections
    .filter((c) => c.kind === kind && c.target === target)
    .flatMap((c) => Object.values(c.env))
    .flatMap((v) => (!isSecret(v) && /^[0-9]{1,5}$/.test(v) && Number(v) > 0 && Number(v) < 65536 ? [Number(v)] : []));
}

/** Ports named by the `http(s)://host:port` URLs a catalog connection injects; 80 for `http://`. */
function urlPorts(d: DesiredState, target: string): number[] {
  const out: number[] = [];
  for (const c of d.connections) {
    if (c.kind !== 'thirdparty' || c.target !== target) continue;
    for (const v of Object.values(c.env)) {
      if (isSecret(v)) continue;
      const m = /^(https?):\/\/(?:[^/@]*@)?(?:\[[^\]]*\]|[^/:?#]*)(?::([0-9]{1,5}))?(?:[/?#]|$)/i.exec(v);
      if (!m) continue;
      const port = m[2] !== undefined ? Number(m[2]) : m[1]!.toLowerCase() === 'http' ? 80 : 443;
      if (port > 0 && port < 65536) out.push(port);
    }
  }
  return out;
}

/** One rule per distinct peer list, with the union of its ports (any port wins); sorted. */
function merge(rules: readonly Rule[]): Rule[] {
  const byPeers = new Map<string, { peers: INetworkPolicyPeer[] | undefined; ports: Map<string, Port> | undefined }>();
  for (const r of rules) {
    const key = canonicalJson(r.peers ?? null);
    const entry = byPeers.get(key);
    if (!entry) byPeers.set(key, { peers: r.peers, ports: r.ports ? new Map(r.ports.map((p) => [`${p.port}/${p.protocol}`, p])) : undefined });
    else if (!r.ports) entry.ports = undefined;
    else if (entry.ports) for (const p of r.ports) entry.ports.set(`${p.port}/${p.protocol}`, p);
  }
  return [...byPeers.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, e]) => ({ peers: e.peers, ports: e.ports ? [...e.ports.values()].sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1)) : undefined }));
}
