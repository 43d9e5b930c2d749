/** A small, valid desired state to vary in tests of what is rendered from one. */
import type { ManifestInput } from '../../src/domain/apply.js';
import type { DesiredState } from '../../src/domain/plan.js';

export const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

export function aDesiredState(overrides: Partial<DesiredState> = {}): DesiredState {
  return {
    project: 'lending',
    component: 'loans-api',
    environment: 'development',
    repo: 'acme/lending-backend',
    root: 'loans-api',
    namespace: 'lending-development',
    workload: { type: 'service', replicas: 2, resources: { cpu: '250m', memory: '256Mi' } },
    endpoints: [{ id: 'a1b2c', name: 'loans', type: 'REST', port: 8080, basePath: '/loans', visibilities: ['Organization'], urls: {} }],
    databases: [],
    connections: [],
    config: { LOG_LEVEL: 'info' },
    network: { ingress: [{ peer: 'gateway:internal', port: 8080 }], egress: [] },
    configHash: 'f'.repeat(64),
    ...overrides,
  };
}

export function anInput(desired: DesiredState = aDesiredState(), overrides: Partial<ManifestInput> = {}): ManifestInput {
  return { desired, image: `registry.example/acme/${desired.component}@${DIGEST}`, secretName: `${desired.component}-secrets`, files: [], ...overrides };
}

/** A SealedSecret as the sealer shapes it, with fixed stand-ins for the ciphertexts. */
export function aSealedSecret(desired: DesiredState, keys: readonly string[], name = `${desired.component}-secrets`): object {
  const metadata = () => ({ name, namespace: desired.namespace });
  return {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: metadata(),
    spec: {
      encryptedData: Object.fromEntries([...keys].sort().map((k) => [k, `AgB${Buffer.from(`sealed ${k}`).toString('base64')}`])),
      template: { metadata: metadata(), type: 'Opaque' },
    },
  };
}
