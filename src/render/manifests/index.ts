/** Kubernetes manifests of one (component, environment): see `render-manifests.ts`. */
export { renderManifests, KIND_ORDER, type RenderedManifests } from './render-manifests.js';
export type { KubeObject, ObjectMetadata } from './kube-object.js';
export { CONFIG_HASH_ANNOTATION, ENVIRONMENT_LABEL, GATEWAY_LABEL, PROJECT_LABEL } from './labels.js';
export { INPUTS_HASH_ANNOTATION } from './pod-template.js';
