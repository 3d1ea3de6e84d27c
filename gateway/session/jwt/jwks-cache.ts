import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { cacheLifetime } from './cache-lifetime.js';
import { invalidJwt } from './map-jose-error.js';

export type JwksKeys = ReturnType<typeof createLocalJWKSet>;

/** The part of a pino logger this module uses. */
export interface JwtLogger {
  warn(details: object, message: string): void;
}

export interface JwksCacheOptions {
  readonly url: URL;
  readonly fetch: typeof globalThis.fetch;
  readonly now: () => Date;
  /** Give up on one fetch after this long. */
  readonly timeoutMs: number;
  /** Fetches start at most this often, whatever the headers or unknown `kid`s say. */
  readonly minRefetchIntervalMs: number;
  /** How long to keep a set whose response had no `Cache-Control`/`Expires`. */
  readonly defaultMaxAgeMs: number;
  /** Longest a set is kept, whatever its headers say. */
  readonly maxMaxAgeMs: number;
  /** Refuse JWK sets larger than this many characters. */
  readonly maxBodyLength: number;
  readonly logger: JwtLogger | undefined;
}

export interface JwksCache {
  /** A usable key set: the cached one while fresh, else fetched (or the stale one if that fails). */
  current(): Promise<JwksKeys>;
  /**
   * After a token named a `kid` the set lacks (the issuer rotated keys): fetch again, unless a
   * fetch started less than `minRefetchIntervalMs` ago. Null when no newer set could be had.
   */
  refreshForUnknownKey(): Promise<JwksKeys | null>;
  /** Aborts a fetch in flight; no fetch starts afterwards. */
  close(): void;
}

function unavailable(cause?: unknown) {
  return invalidJwt('JWSError NoUsableKeys (the JWK set could not be fetched from jwk_url)', cause);
}

/** The URL without query string or credentials, fit for a log line. */
function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}

/**
 * The JWK set behind `jwk_url`, fetched on demand rather than by a timer: nothing runs while no
 * requests arrive, and `close()` has nothing to stop but a fetch in flight. At most one fetch is
 * in flight; concurrent callers share it. A failed refresh keeps the old set, as Hasura keeps
 * its `IORef` when `jwkRefreshCtrl` fails.
 */
export function createJwksCache(options: JwksCacheOptions): JwksCache {
  let keys: JwksKeys | null = null;
  let expiresAtMs = -Infinity;
  let lastAttemptMs = -Infinity;
  let inFlight: Promise<JwksKeys> | null = null;
  let closed = false;
  const closer = new AbortController();

  const nowMs = () => options.now().getTime();
  const mayFetch = () => !closed && nowMs() - lastAttemptMs >= options.minRefetchIntervalMs;

  async function fetchKeys(): Promise<JwksKeys> {
    const signal = AbortSignal.any([closer.signal, AbortSignal.timeout(options.timeoutMs)]);
    const response = await options.fetch(options.url, { signal, headers: { accept: 'application/json' } });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP status ${response.status}`);
    }
    const text = await response.text();
    if (text.length > options.maxBodyLength) throw new Error(`response larger than ${options.maxBodyLength} characters`);
    const fresh = createLocalJWKSet(JSON.parse(text) as JSONWebKeySet);
    const lifetime = Math.min(cacheLifetime(response.headers, nowMs()) ?? options.defaultMaxAgeMs, options.maxMaxAgeMs);
    keys = fresh;
    expiresAtMs = nowMs() + lifetime;
    return fresh;
  }

  function startFetch(): Promise<JwksKeys> {
    lastAttemptMs = nowMs();
    const attempt = fetchKeys()
      .catch((error: unknown) => {
        options.logger?.warn({ jwkUrl: describeUrl(options.url), error: describeFailure(error) }, 'could not fetch the JWK set');
        throw unavailable(error);
      })
      .finally(() => {
        inFlight = null;
      });
    inFlight = attempt;
    return attempt;
  }

  /** The outcome of a fetch; when it failed, the previous set if there is one. */
  async function settle(attempt: Promise<JwksKeys>): Promise<JwksKeys> {
    try {
      return await attempt;
    } catch (error) {
      if (keys !== null) return keys;
      throw error;
    }
  }

  return {
    async current() {
      if (keys !== null && nowMs() < expiresAtMs) return keys;
      if (inFlight !== null) return settle(inFlight);
      if (mayFetch()) return settle(startFetch());
      if (keys !== null) return keys;
      throw unavailable();
    },
    async refreshForUnknownKey() {
      const before = keys;
      const attempt = inFlight ?? (mayFetch() ? startFetch() : null);
      if (attempt === null) return null;
      try {
        const fresh = await attempt;
        return fresh === before ? null : fresh;
      } catch {
        return null;
      }
    },
    close() {
      closed = true;
      closer.abort();
    },
  };
}
