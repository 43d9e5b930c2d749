/**
 * In-process serialization of the writes to one repository, plus the jittered backoff used
 * between optimistic attempts.
 */
import { resolve } from 'node:path';

/** Runs tasks one at a time, in the order they were queued. */
export interface Mutex {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createMutex(): Mutex {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task);
      // The next task waits for this one to settle, whether it failed or not.
      tail = result.catch(() => undefined);
      return result;
    },
  };
}

/*
 * One mutex per repository directory for the whole process, so that two StateRepository objects
 * built for the same directory (a service and a test, two job contexts) still take turns. A
 * deliberate module-level registry: the thing it guards, a directory, is process-global too.
 */
const mutexes = new Map<string, Mutex>();

export function mutexFor(dir: string): Mutex {
  const key = resolve(dir);
  let mutex = mutexes.get(key);
  if (!mutex) {
    mutex = createMutex();
    mutexes.set(key, mutex);
  }
  return mutex;
}

/** Full-jitter exponential backoff: a random delay in [0, min(cap, base·2^attempt)). */
export function backoffMs(attempt: number, baseMs: number, capMs: number): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
