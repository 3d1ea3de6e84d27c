import type { RequestHeaders } from '../request-headers.js';
import { createHash } from 'node:crypto';
import { GatewayError } from '../../errors/index.js';
import { extractServiceKey } from './extract-service-key.js';
import { selectServiceRole } from './select-service-role.js';
import { serviceKeyMatchesHash, serviceKeyPattern } from './service-key-hash.js';
import { isServiceKeyExpired, type ServiceKeyMatch, type ServiceKeyRecord } from './service-key-record.js';
import { createVerificationCache } from './verification-cache.js';

export interface ServiceKeyVerifierOptions {
  /** The clock for `expires_at` and for the cache; defaults to `new Date()`. */
  readonly now?: () => Date;
  /** How many presented keys' results are remembered; default 1,000. */
  readonly cacheSize?: number;
  /** How long a result is remembered; default 30 s. Expiry and roles are re-read on every request. */
  readonly cacheTtlMs?: number;
}

export interface ServiceKeyVerifier {
  /**
   * The key a request presents, checked: null when it presents none (the caller goes on to the
   * admin secret, a JWT or the unauthorized role). Rejects with `access-denied` for an unknown
   * ("invalid service key") or expired key, or a missing or disallowed `x-hasura-role`.
   * Neither the key nor anything derived from it appears in an error.
   */
  verify(headers: RequestHeaders): Promise<ServiceKeyMatch | null>;
}

/** What the cache remembers of a presented key: the `key_hash` it matched, or null for none. */
interface CachedResult {
  readonly keyHash: string | null;
  /** For a miss: the stored hashes it was checked against; a new key invalidates it. */
  readonly checkedAgainst: string;
}

const invalidKey = () => new GatewayError('access-denied', 'invalid service key', { status: 401 });
const expiredKey = () => new GatewayError('access-denied', 'service key expired', { status: 401 });

/**
 * Verifies `x-sluice-service-key` (or `Authorization: Bearer sk_…`) against the service keys of
 * the current metadata. `getKeys` is called on every request, so a dropped key stops working as
 * soon as the gateway has the new metadata, whatever the cache holds.
 *
 * The presented key is hashed against every stored hash (not stopping at the first match), each
 * compared with `timingSafeEqual`, so neither the comparison nor the number of comparisons
 * depends on which key, if any, matched. Two keys may grant the same roles: that is rotation.
 */
export function createServiceKeyVerifier(getKeys: () => readonly ServiceKeyRecord[], options: ServiceKeyVerifierOptions = {}): ServiceKeyVerifier {
  const now = options.now ?? (() => new Date());
  const cache = createVerificationCache<CachedResult>(options.cacheSize ?? 1000, options.cacheTtlMs ?? 30_000);
  // Concurrent first requests with one key (a cold start) share one round of hashing.
  const inFlight = new Map<string, Promise<string | null>>();

  async function matchingHash(key: string, records: readonly ServiceKeyRecord[], at: Date): Promise<string | null> {
    const results = await Promise.all(records.map((record) => serviceKeyMatchesHash(key, record.key_hash)));
    const matches = records.filter((_, i) => results[i]);
    // The same key imported twice: prefer an entry that is still valid.
    return (matches.find((record) => !isServiceKeyExpired(record, at)) ?? matches[0])?.key_hash ?? null;
  }

  async function findRecord(key: string, records: readonly ServiceKeyRecord[], at: Date): Promise<ServiceKeyRecord | undefined> {
    if (!serviceKeyPattern.test(key)) return undefined;
    const digest = createHash('sha256').update(key).digest('base64url');
    const checkedAgainst = records.map((record) => record.key_hash).join('\n');
    const cached = cache.get(digest, at.getTime());
    if (cached !== undefined) {
      if (cached.keyHash === null && cached.checkedAgainst === checkedAgainst) return undefined;
      const record = cached.keyHash === null ? undefined : records.find((r) => r.key_hash === cached.keyHash);
      if (record !== undefined) return record;
    }
    const flight = `${digest}\n${checkedAgainst}`;
    let pending = inFlight.get(flight);
    if (pending === undefined) {
      pending = matchingHash(key, records, at).finally(() => inFlight.delete(flight));
      inFlight.set(flight, pending);
    }
    const keyHash = await pending;
    cache.set(digest, { keyHash, checkedAgainst }, at.getTime());
    return keyHash === null ? undefined : records.find((r) => r.key_hash === keyHash);
  }

  return {
    async verify(headers) {
      const key = extractServiceKey(headers);
      if (key === null) return null;
      const at = now();
      const record = await findRecord(key, getKeys(), at);
      if (record === undefined) throw invalidKey();
      if (isServiceKeyExpired(record, at)) throw expiredKey();
      const role = selectServiceRole(record, headers.get('x-hasura-role'));
      return { name: record.name, roles: record.roles, role };
    },
  };
}
