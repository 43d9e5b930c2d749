import type { ServerSettings } from '../server-settings.js';

/** A Redis-compatible server with ACLs (Redis 6+): the admin needs `ACL SETUSER` / `ACL GETUSER`. */
export interface CacheSettings extends ServerSettings {
  /**
   * Run `ACL SAVE` after a change, for servers that keep users in an ACL file. Off by default:
   * pave never rewrites a server's configuration unless asked, and users lost on a restart are
   * recreated by the next apply or resync.
   * @defaultValue false
   */
  readonly saveAcl?: boolean;
}
