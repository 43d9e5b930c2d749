import type { ServerSettings } from '../server-settings.js';

/** A PostgreSQL server: the admin needs CREATEROLE and CREATEDB (a superuser works). */
export interface PostgresSettings extends ServerSettings {
  /**
   * The database the admin connects to.
   * @defaultValue `postgres`
   */
  readonly maintenanceDatabase?: string;
}
