/**
 * An in-memory least-recently-used cache with a byte budget for immutable git data (tree
 * listings and blobs, keyed by sha). One per process, handed to every repository reader, so
 * all installations and jobs share it. Never key anything mutable (a branch name) here.
 */

export interface ObjectCacheOptions {
  /** Total size of the cached values, in bytes (approximate for listings). @defaultValue 128 MiB */
  readonly maxBytes?: number;
}

export interface ObjectCacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly hits: number;
  readonly misses: number;
}

/** Least-recently-used map with a byte budget; see the module comment. */
export class ObjectCache {
  readonly maxBytes: number;
  private readonly entries = new Map<string, { value: unknown; bytes: number }>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;

  constructor(options: ObjectCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 128 * 1024 * 1024;
  }

  get<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value as T;
  }

  /** Store `value` of about `bytes` bytes; values larger than a quarter of the budget are not kept. */
  set(key: string, value: unknown, bytes: number): void {
    if (bytes > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  stats(): ObjectCacheStats {
    return { entries: this.entries.size, bytes: this.bytes, hits: this.hits, misses: this.misses };
  }
}
