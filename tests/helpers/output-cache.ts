/*
 * An in-memory output cache (generator/generate/output-cache.ts's contract) that
 * records which input hashes were stored, so a test can tell a target reused
 * from disk from one produced again.
 */
import type { BodyHashes, OutputCache } from "../../generator/generate/output-cache";

export interface MemoryCache extends OutputCache {
  /** Every key stored, in order: a target emitted rather than reused. */
  readonly stored: string[];
}

export function memoryCache(): MemoryCache {
  const entries = new Map<string, BodyHashes>();
  const stored: string[] = [];
  return {
    stored,
    lookup: (key) => entries.get(key),
    store: (key, bodies) => {
      stored.push(key);
      entries.set(key, bodies);
    },
  };
}
