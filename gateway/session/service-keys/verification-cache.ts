/**
 * A bounded LRU of recent verification results with a time to live, so that scrypt runs once per
 * presented key every `ttlMs` rather than on every request. Entries are keyed by a SHA-256 of the
 * presented key (computed by the caller): the key itself is never held.
 */
export interface VerificationCache<V> {
  get(digest: string, nowMs: number): V | undefined;
  set(digest: string, value: V, nowMs: number): void;
  readonly size: number;
}

export function createVerificationCache<V>(maxEntries: number, ttlMs: number): VerificationCache<V> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recent first.
  const entries = new Map<string, { readonly value: V; readonly expiresAt: number }>();
  return {
    get(digest, nowMs) {
      const entry = entries.get(digest);
      if (entry === undefined) return undefined;
      entries.delete(digest);
      if (nowMs >= entry.expiresAt) return undefined;
      entries.set(digest, entry);
      return entry.value;
    },
    set(digest, value, nowMs) {
      entries.delete(digest);
      entries.set(digest, { value, expiresAt: nowMs + ttlMs });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    get size() {
      return entries.size;
    },
  };
}
