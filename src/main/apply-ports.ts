/**
 * The apply side of the service: database providers on each environment's servers (admin
 * credentials resolved from the service's environment), the secret cipher and sealer, leases,
 * the manifest renderer and the state repository. Built only when the service has a master key
 * for secrets (`PAVE_SECRET_KEY` / `PAVE_SECRET_KEY_FILE`; generated in the embedded default).
 */
import type { Redis } from 'ioredis';
import { createDatabaseProvider } from '../adapters/providers/index.js';
import { createRedisLeases } from '../adapters/redis/lease.js';
import { createSecretCipher, generateSecret, parseSealingCertificate, sealedDataHash, sealSecret } from '../adapters/secrets/index.js';
import type { ApplyPorts, DatabaseProvider, StateRepository } from '../domain/apply.js';
import type { DatabaseEngine } from '../domain/component.js';
import type { DatabaseServer } from '../domain/platform.js';
import { renderManifests } from '../render/manifests/index.js';
import { resolveExternalRef, resolveSecretRef, type Env } from './secret-refs.js';

export interface ApplyPortsOptions {
  readonly masterKey: Uint8Array;
  readonly state: StateRepository;
  readonly redis: Redis;
  readonly keyPrefix: string;
  readonly env: Env;
}

export function createApplyPorts(o: ApplyPortsOptions): ApplyPorts & { close(): Promise<void> } {
  const cipher = createSecretCipher(o.masterKey);
  const providers = new Map<string, Promise<DatabaseProvider>>();
  return {
    async provider(engine: DatabaseEngine, server: DatabaseServer, environment: string) {
      // One provider (and its admin connection pool) per server and credentials reference.
      const key = `${engine}/${environment}/${server.host}:${server.port}/${JSON.stringify(server.adminUser)}`;
      let p = providers.get(key);
      if (!p) {
        p = (async () => {
          return createDatabaseProvider(engine, {
            host: server.host,
            port: server.port,
            adminUser: resolveSecretRef(server.adminUser, o.env, `${environment} ${engine} admin user`),
            adminPassword: resolveSecretRef(server.adminPassword, o.env, `${environment} ${engine} admin password`),
          });
        })();
        p.catch(() => providers.delete(key));
        providers.set(key, p);
      }
      return p;
    },
    state: o.state,
    cipher,
    seal: (input) => sealSecret(input),
    leases: createRedisLeases(o.redis, { prefix: o.keyPrefix }),
    generate: (kind) => generateSecret(kind),
    digest: ({ data, certificatePem, namespace, name }) =>
      sealedDataHash(o.masterKey, { data, certificateFingerprint: parseSealingCertificate(certificatePem).fingerprint, namespace, name }),
    external: (ref) => resolveExternalRef(ref, o.env),
    renderManifests: (input) => renderManifests(input),
    async close() {
      for (const p of providers.values()) await (await p.catch(() => undefined))?.close();
    },
  };
}
