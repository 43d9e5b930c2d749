/** A parsed container image reference: `[registry/]repository[:tag][@digest]`. */
export interface ImageReference {
  /** Everything before the tag and digest, e.g. `docker.io/library/node`. */
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:<64 hex>` as written (valid or not). */
  readonly digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Split an image reference. A `:` after the last `/` starts the tag (a registry port comes before it). */
export function parseImageReference(reference: string): ImageReference {
  const at = reference.indexOf('@');
  const named = at >= 0 ? reference.slice(0, at) : reference;
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  return {
    repository: hasTag ? named.slice(0, colon) : named,
    ...(hasTag ? { tag: named.slice(colon + 1) } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** Whether the digest part is a well-formed `sha256:` digest. */
export function hasValidDigest(image: ImageReference): boolean {
  return image.digest !== undefined && DIGEST.test(image.digest);
}
