/** OCI images without Docker: the distribution API client, deterministic layers, the ImagePublisher. */
export { OciImagePublisher, type OciPublisherOptions } from './publisher.js';
export { RegistryClient, MEDIA_TYPES, type RegistryClientOptions, type Manifest } from './registry-client.js';
export { RegistryCredentials, parseRegistryAuthConfig, resolveRegistryCredentials, type RegistryAuthConfig } from './auth.js';
export { buildLayer, layerPrefix, type BuiltLayer } from './layer.js';
export { LayerTooLargeError } from './tar.js';
