/**
 * The component's SealedSecret, as the sealer made it, with the standard labels and the config
 * hash added to its metadata. Labels and annotations do not take part in sealing (the strict
 * scope binds the namespace and the name), so the controller still unseals it; the Secret it
 * creates is described by `spec.template`, which is left alone.
 */
import type { ManifestInput } from '../../domain/apply.js';
import type { KubeObject, ObjectMetadata } from './kube-object.js';
import { objectMetadata } from './labels.js';

export function sealedSecretFor(input: ManifestInput): KubeObject | undefined {
  if (input.sealedSecret === undefined) return undefined;
  // A deep copy of plain data: the caller's object is not changed.
  const sealed = JSON.parse(JSON.stringify(input.sealedSecret)) as Partial<KubeObject> & Record<string, unknown>;
  const d = input.desired;
  const metadata = (sealed.metadata ?? {}) as Partial<ObjectMetadata>;
  if (sealed.kind !== 'SealedSecret' || metadata.name !== input.secretName || metadata.namespace !== d.namespace) {
    throw new Error(`the sealed secret must be the SealedSecret ${d.namespace}/${input.secretName}, not ${String(sealed.kind)} ${String(metadata.namespace)}/${String(metadata.name)}`);
  }
  const ours = objectMetadata(d, input.secretName);
  return {
    ...sealed,
    apiVersion: String(sealed.apiVersion),
    kind: 'SealedSecret',
    metadata: {
      ...metadata,
      name: input.secretName,
      namespace: d.namespace,
      labels: { ...metadata.labels, ...ours.labels },
      annotations: { ...metadata.annotations, ...ours.annotations },
    },
  };
}
