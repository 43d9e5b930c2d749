/**
 * The pod a component runs, shared by its Deployment and its CronJob: one container named after
 * the component, hardened to Kubernetes' "restricted" Pod Security Standard.
 *
 * - Environment: configuration literals as `value`; every secret (generated passwords and API
 *   keys, catalog secrets, secret configuration) as a `secretKeyRef` into the component's one
 *   Secret, whose keys are the variable names. No secret value is ever written here.
 * - Probes (long-running workloads only): HTTP GET `<basePath>/healthz` on the first REST or
 *   GraphQL endpoint, pave's health contract (every example component serves it); otherwise a
 *   TCP connect to the first TCP endpoint; none when the component only listens on UDP or not at
 *   all. A startup probe gives slow starters 150 s before liveness applies.
 * - Security: non-root (uid/gid 65532, the distroless `nonroot` user, so images built as root
 *   still start), no privilege escalation, every capability dropped, read-only root filesystem
 *   with an `emptyDir` at `/tmp`, RuntimeDefault seccomp, no service account token, no service
 *   links in the environment.
 * - Files (`configurations.file`): each mounted read-only at `<mountPath>/<name>` from the
 *   component's ConfigMap with `subPath`, so the rest of the directory stays visible.
 * - Annotation `pave.dev/inputs-hash`: a hash of the sealed secret data and the files, because the
 *   pod reads both only when it starts; a change rolls the pods. The config hash is deliberately
 *   not on the pod: it covers replicas too, and scaling must not restart anything.
 */
import { createHash } from 'node:crypto';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { ManifestInput } from '../../domain/apply.js';
import { isSecret, type DesiredState, type EnvValue } from '../../domain/plan.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { standardLabels, workloadName } from './labels.js';
import type { ListenPort } from './ports.js';

/** Annotation on the pod template: a change of what the pod reads at start rolls the pods. */
export const INPUTS_HASH_ANNOTATION = 'pave.dev/inputs-hash';
/** The user and group the container runs as (distroless `nonroot`). */
export const RUN_AS = 65532;

/** A file of the component's ConfigMap: its key and where the container sees it. */
export interface MountedFile {
  readonly key: string;
  readonly path: string;
}

export interface PodTemplateOptions {
  readonly ports: readonly ListenPort[];
  /** Name of the ConfigMap holding the files, when there are files. */
  readonly configMap?: string;
  readonly files: readonly MountedFile[];
  /** Long-running workloads get probes; jobs run to completion and get `restartPolicy: Never`. */
  readonly longRunning: boolean;
}

export function podTemplate(input: ManifestInput, o: PodTemplateOptions): IPodTemplateSpec {
  const d = input.desired;
  const hash = inputsHash(input);
  return {
    metadata: {
      labels: standardLabels(d),
      ...(hash ? { annotations: { [INPUTS_HASH_ANNOTATION]: hash } } : {}),
    },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      ...(o.longRunning ? {} : { restartPolicy: 'Never' }),
      securityContext: { runAsNonRoot: true, runAsUser: RUN_AS, runAsGroup: RUN_AS, fsGroup: RUN_AS, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [container(input, o)],
      volumes: volumes(o),
    },
  };
}

function container(input: ManifestInput, o: PodTemplateOptions): IContainer {
  const d = input.desired;
  const env = environment(d, input.secretName);
  const probe = o.longRunning ? probeHandler(o.ports) : undefined;
  const { cpu, memory } = d.workload.resources;
  const requests = { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) };
  return {
    name: workloadName(d),
    image: input.image,
    ...(o.ports.length > 0 ? { ports: o.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })) } : {}),
    ...(env.length > 0 ? { env } : {}),
    ...(cpu || memory ? { resources: { requests, ...(memory ? { limits: { memory } } : {}) } } : {}),
    ...(probe
      ? {
          startupProbe: { ...probe, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 },
          readinessProbe: { ...probe, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
          livenessProbe: { ...probe, periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3 },
        }
      : {}),
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: mounts(o),
  };
}

/** Configuration and connection variables, sorted by name (connections win a clash, as in the plan). */
function environment(d: DesiredState, secretName: string): IEnvVar[] {
  const all: Record<string, EnvValue> = { ...d.config };
  for (const c of d.connections) Object.assign(all, c.env);
  return Object.keys(all).sort().map((name) => {
    const value = all[name]!;
    return isSecret(value) ? { name, valueFrom: { secretKeyRef: { name: secretName, key: name } } } : { name, value };
  });
}

/** The probe's handler, or undefined when nothing can be probed. */
function probeHandler(ports: readonly ListenPort[]): Pick<IProbe, 'httpGet' | 'tcpSocket'> | undefined {
  const http = ports.find((p) => p.endpoint.type === 'REST' || p.endpoint.type === 'GraphQL');
  if (http) return { httpGet: { path: healthPath(http.endpoint.basePath), port: http.name } };
  const tcp = ports.find((p) => p.protocol === 'TCP');
  return tcp ? { tcpSocket: { port: tcp.name } } : undefined;
}

/** `<basePath>/healthz`, with exactly one `/` between. */
export function healthPath(basePath: string): string {
  const base = basePath.replace(/^\/*/, '/').replace(/\/+$/, '');
  return `${base}/healthz`;
}

function volumes(o: PodTemplateOptions): IVolume[] {
  return [
    ...(o.configMap && o.files.length > 0 ? [{ name: 'files', configMap: { name: o.configMap } }] : []),
    { name: 'tmp', emptyDir: {} },
  ];
}

function mounts(o: PodTemplateOptions): IVolumeMount[] {
  const all: IVolumeMount[] = [
    ...(o.configMap ? o.files.map((f) => ({ name: 'files', mountPath: f.path, subPath: f.key, readOnly: true })) : []),
    { name: 'tmp', mountPath: '/tmp' },
  ];
  return all.sort((a, b) => (a.mountPath < b.mountPath ? -1 : a.mountPath > b.mountPath ? 1 : 0));
}

/** sha256 of what the pod reads only at start (sealed secret data, file contents); undefined when neither. */
function inputsHash(input: ManifestInput): string | undefined {
  const sealed = (input.sealedSecret as { spec?: { encryptedData?: unknown } } | undefined)?.spec?.encryptedData;
  if (sealed === undefined && input.files.length === 0) return undefined;
  const files = input.files.map((f) => ({ name: f.name, mountPath: f.mountPath, content: f.content }));
  return createHash('sha256').update(canonicalJson({ sealed: sealed ?? null, files })).digest('hex');
}
