/**
 * Parsed git objects by oid, least recently used first out, bounded by an approximate size in
 * bytes. Objects never change under an oid, so nothing is ever stale: after an apply, reading the
 * whole state again costs only the trees and files that changed.
 *
 * Why: isomorphic-git has no object cache (its `cache` holds pack indexes only) and re-inflates a
 * whole delta chain for every object read from a pack, which makes a cold read of every
 * environment take seconds (see bench/state-repository.bench.ts).
 */
export class ObjectCache {
  private readonly entries = new Map<string, { value: unknown; bytes: number }>();
  private bytes = 0;

  /** @param maxBytes approximate memory budget; 0 disables the cache. */
  constructor(readonly maxBytes: number) {}

  get<T>(oid: string): T | undefined {
    const entry = this.entries.get(oid);
    if (entry === undefined) return undefined;
    // Re-insert: Map iteration order is insertion order, so the first key is the least recent.
    this.entries.delete(oid);
    this.entries.set(oid, entry);
    return entry.value as T;
  }

  set(oid: string, value: unknown, bytes: number): void {
    if (bytes > this.maxBytes) return;
    const previous = this.entries.get(oid);
    if (previous) {
      this.bytes -= previous.bytes;
      this.entries.delete(oid);
    }
    this.entries.set(oid, { value, bytes });
    this.bytes += bytes;
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }

  /** Current approximate size, in bytes. */
  get size(): number {
    return this.bytes;
  }
}
