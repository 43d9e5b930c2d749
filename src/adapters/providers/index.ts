/**
 * Database providers: one per engine, each behind the `DatabaseProvider` port, chosen from a
 * static registry by engine. Each provider opens a short-lived connection per call, validates
 * every name before connecting, and never drops anything on apply (`drop` is the explicit,
 * authorized deletion of the `delete-database` job).
 */
import type { DatabaseEngine, DatabaseProvider } from '../../domain/apply.js';
import { createCacheProvider } from './cache/create-cache-provider.js';
import type { CacheSettings } from './cache/settings.js';
import { createMysqlProvider } from './mysql/create-mysql-provider.js';
import type { MysqlSettings } from './mysql/settings.js';
import { createPostgresProvider } from './postgres/create-postgres-provider.js';
import type { PostgresSettings } from './postgres/settings.js';
import type { ServerSettings } from './server-settings.js';

/** Settings any engine accepts (each engine ignores the others' extras). */
export type AnyServerSettings = ServerSettings & PostgresSettings & MysqlSettings & CacheSettings;

const PROVIDERS: Record<DatabaseEngine, (settings: AnyServerSettings) => DatabaseProvider> = {
  postgresql: createPostgresProvider,
  mysql: createMysqlProvider,
  cache: createCacheProvider,
};

/** The provider for `engine` on the server `settings` describe. */
export function createDatabaseProvider(engine: DatabaseEngine, settings: AnyServerSettings): DatabaseProvider {
  return PROVIDERS[engine](settings);
}

export { createCacheProvider, createMysqlProvider, createPostgresProvider };
export { checkCacheTarget } from './cache/create-cache-provider.js';
export { checkMysqlTarget } from './mysql/create-mysql-provider.js';
export { checkPostgresTarget } from './postgres/create-postgres-provider.js';
export { scramVerifier, storedPasswordMatches } from './postgres/scram.js';
export type { CacheSettings, MysqlSettings, PostgresSettings, ServerSettings };
