import type { ResourceSpec } from '../domain/component.js';
import { physicalName } from './names.js';

/**
 * Physical names of a component's database in one environment. The database name keeps to 63
 * characters (PostgreSQL's limit); the user to 32 (MySQL's). For caches the "database" is the
 * key prefix the ACL user is confined to.
 */
export function databaseIdentity(project: string, component: string, resource: ResourceSpec, environment: string): { database: string; user: string } {
  const parts = [project, component, resource.name, environment];
  if (resource.type === 'cache') {
    return { database: `${parts.join(':')}:`, user: physicalName(parts, 63) };
  }
  return { database: physicalName(parts, 63), user: physicalName(parts, 32) };
}
