import type { ServerSettings } from '../server-settings.js';

/** A MySQL or MariaDB server: the admin needs CREATE USER and GRANT OPTION (root works). */
export interface MysqlSettings extends ServerSettings {
  /**
   * The host part of the accounts pave creates (`'user'@'<userHost>'`), e.g. `10.0.%` to accept
   * the cluster's network only. Connections over TCP from any address match `%`, loopback
   * included, unless the server has anonymous accounts (`''@'localhost'`), which MySQL ranks
   * before `%` for local clients.
   * @defaultValue `%`
   */
  readonly userHost?: string;
}

/** The characters a MySQL account host pattern may use here (names, addresses, `%`, `_`). */
export const USER_HOST = /^[A-Za-z0-9.%_:-]{1,255}$/;
