import type { Redis } from 'ioredis';
import type { ComponentIndex, IndexedRepository } from '../../domain/runs.js';
import { wrap } from './run-store.js';

/** The component index as one Redis hash `<prefix>index`: field = `owner/name`, value = JSON. */
export function createRedisComponentIndex(redis: Redis, options: { prefix?: string } = {}): ComponentIndex {
  const key = `${options.prefix ?? 'pave:'}index`;
  return {
    async put(entry) {
      const { components, ...rest } = entry;
      // Source positions are functions; they do not survive JSON and are not needed for other repos.
      const plain = components.map(({ locate: _locate, ...d }) => d);
      await wrap(() => redis.hset(key, entry.repo.toLowerCase(), JSON.stringify({ ...rest, components: plain })));
    },
    async remove(repos) {
      if (repos.length > 0) await wrap(() => redis.hdel(key, ...repos.map((r) => r.toLowerCase())));
    },
    async get(repo) {
      const text = await wrap(() => redis.hget(key, repo.toLowerCase()));
      return text ? (JSON.parse(text) as IndexedRepository) : undefined;
    },
    async all() {
      const all = await wrap(() => redis.hgetall(key));
      return Object.values(all).map((t) => JSON.parse(t) as IndexedRepository).sort((a, b) => a.repo.localeCompare(b.repo));
    },
  };
}
