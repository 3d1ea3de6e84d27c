/**
 * A service key as metadata stores it: the top-level `service_keys` entries of the metadata
 * document (the same shape as `Metadata['service_keys']`). Only the hash of the key is ever
 * stored; see `service-key-hash.ts` for its format.
 */
export interface ServiceKeyRecord {
  /** Unique among the document's keys; safe to log (it is what the verifier reports). */
  readonly name: string;
  /** Roles a request with this key may assume with `x-hasura-role`; never `admin`. */
  readonly roles: readonly string[];
  /** `scrypt$<salt>$<hash>`. */
  readonly key_hash: string;
  /** ISO 8601 instant with a zone (`2025-06-01T00:00:00Z`); the key is refused from then on. */
  readonly expires_at?: string;
  readonly comment?: string;
}

/** What a valid service key grants: its name (for logs) and the role the request runs as. */
export interface ServiceKeyMatch {
  readonly name: string;
  readonly roles: readonly string[];
  /** The `x-hasura-role` of the request, checked against `roles`. */
  readonly role: string;
}

/** Expired from `expires_at` on; a record without it never expires. */
export function isServiceKeyExpired(record: ServiceKeyRecord, now: Date): boolean {
  if (record.expires_at === undefined) return false;
  const at = Date.parse(record.expires_at);
  // An unreadable expiry (metadata edited in the catalog by hand) fails closed.
  return Number.isNaN(at) || now.getTime() >= at;
}
