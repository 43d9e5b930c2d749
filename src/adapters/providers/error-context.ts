/** What a provider was doing when a server call failed: enough for a clear error, never a secret. */
export interface ErrorContext {
  /** `host:port`. */
  readonly server: string;
  /** What pave was doing, e.g. `create role app_dev`. */
  readonly what: string;
  /** The statement carried a secret: keep the server's message and the cause out of the error. */
  readonly secret?: boolean;
}
