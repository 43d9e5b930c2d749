/**
 * How a provider reaches one database server. The admin credentials arrive as plain strings (the
 * composition root resolves the environment's `{ env }` / `{ file }` references); providers never
 * log them or put them in an error.
 */
export interface ServerSettings {
  /** Host name or address pave connects to, for administration and to verify owners' logins. */
  readonly host: string;
  readonly port: number;
  readonly adminUser: string;
  /** Empty for a server without a password (a local development Redis or MariaDB root). */
  readonly adminPassword: string;
  /**
   * Time allowed to open a connection, in milliseconds.
   * @defaultValue 10000
   */
  readonly connectTimeoutMs?: number;
}

/** @defaultValue of {@link ServerSettings.connectTimeoutMs}. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** `host:port`, for messages. */
export function serverLabel(s: Pick<ServerSettings, 'host' | 'port'>): string {
  return `${s.host}:${s.port}`;
}
