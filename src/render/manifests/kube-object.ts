/**
 * The shape every rendered Kubernetes object has. The renderers build each kind against the
 * Kubernetes API types (`kubernetes-models`, imported as types only: nothing of it runs here), so
 * a misspelt field is a compile error; tests validate the objects against the API's published
 * schemas.
 */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMetadata;
}

export interface ObjectMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}
