import type { RequestHeaders } from '../request-headers.js';
import { jwtVerify, type CryptoKey, type JWTPayload, type JWTVerifyOptions, type JWTVerifyGetKey } from 'jose';
import { extractJwt } from './extract-jwt.js';
import { createJwksCache, type JwksCache, type JwtLogger } from './jwks-cache.js';
import type { JwtConfig, JwtSession } from './jwt-config.js';
import { checkCompactShape, invalidJwt, mapJoseError } from './map-jose-error.js';
import { resolveJwtClaims } from './resolve-jwt-claims.js';
import { algorithmsFor, importVerificationKey, jwksAlgorithms } from './verification-key.js';

export interface JwtVerifierOptions {
  /** Used for `jwk_url`; defaults to the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch;
  /** The clock for `exp`/`nbf` and for JWK set caching; defaults to `new Date()`. */
  readonly now?: () => Date;
  /** Told when the JWK set cannot be fetched. Never given a token or a secret. */
  readonly logger?: JwtLogger;
  readonly jwks?: {
    /** Per fetch; default 5 s. */
    readonly timeoutMs?: number;
    /** Least time between two fetches; default 10 s. */
    readonly minRefetchIntervalMs?: number;
    /** When the response has no caching headers; default 300 s. */
    readonly defaultMaxAgeSeconds?: number;
  };
}

export interface JwtVerifier {
  /**
   * The session a request's token grants, or null when the request carries no token (the
   * caller then applies the unauthorized role or reports the missing header). Rejects with a
   * `GatewayError` for a malformed header, a token that does not verify or bad claims.
   */
  verify(headers: RequestHeaders): Promise<JwtSession | null>;
  /** Stops a JWK set fetch in flight. */
  close(): void;
}

type VerifyKey = CryptoKey | Uint8Array | JWTVerifyGetKey;

/** Verifies with `key`; when several keys of a JWK set match the header, tries each in turn. */
async function verifyWith(token: string, key: VerifyKey, options: JWTVerifyOptions): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, key as CryptoKey, options)).payload;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') throw error;
    let last: unknown = error;
    for await (const candidate of error as AsyncIterable<CryptoKey>) {
      try {
        return (await jwtVerify(token, candidate, options)).payload;
      } catch (failure) {
        last = failure;
      }
    }
    throw last;
  }
}

/**
 * Hasura's `iss`/`aud` checks (jose-haskell `validateClaimsSet`): a configured issuer or
 * audience is only compared when the token has the claim, so a token without `iss` passes.
 */
function checkIssuerAndAudience(payload: JWTPayload, config: JwtConfig): void {
  if (config.issuer !== null && payload.iss !== undefined && payload.iss !== config.issuer) throw invalidJwt('JWTNotInIssuer');
  if (config.audience !== null && payload.aud !== undefined) {
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.some((aud) => config.audience!.includes(aud))) throw invalidJwt('JWTNotInAudience');
  }
}

/**
 * Builds the JWT stage of session resolution from a parsed config (Hasura `processJwt`). Keys
 * are imported on first use; a `jwk_url` set is fetched on demand and cached by its headers.
 */
export function createJwtVerifier(config: JwtConfig, options: JwtVerifierOptions = {}): JwtVerifier {
  const now = options.now ?? (() => new Date());
  const key = config.key;
  let jwks: JwksCache | null = null;
  let staticKey: Promise<CryptoKey | Uint8Array> | null = null;
  if (key.kind === 'jwk-url') {
    jwks = createJwksCache({
      url: key.url,
      fetch: options.fetch ?? globalThis.fetch,
      now,
      timeoutMs: options.jwks?.timeoutMs ?? 5_000,
      minRefetchIntervalMs: options.jwks?.minRefetchIntervalMs ?? 10_000,
      defaultMaxAgeMs: (options.jwks?.defaultMaxAgeSeconds ?? 300) * 1000,
      maxMaxAgeMs: 24 * 60 * 60 * 1000,
      maxBodyLength: 1024 * 1024,
      logger: options.logger,
    });
  }

  async function verifySignature(token: string): Promise<JWTPayload> {
    const verifyOptions = (algorithms: JWTVerifyOptions['algorithms']): JWTVerifyOptions => ({
      algorithms,
      clockTolerance: config.allowedSkewSeconds,
      currentDate: now(),
    });
    if (key.kind !== 'jwk-url') {
      staticKey ??= importVerificationKey(key);
      const imported = await staticKey;
      return verifyWith(token, imported, verifyOptions(algorithmsFor(key))).catch((error: unknown) => {
        throw mapJoseError(error);
      });
    }
    const cache = jwks!;
    try {
      return await verifyWith(token, await cache.current(), verifyOptions(jwksAlgorithms));
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw mapJoseError(error);
      // An unknown `kid`: the issuer may have rotated its keys since the last fetch.
      const fresh = await cache.refreshForUnknownKey();
      if (fresh === null) throw mapJoseError(error);
      return verifyWith(token, fresh, verifyOptions(jwksAlgorithms)).catch((retryError: unknown) => {
        throw mapJoseError(retryError);
      });
    }
  }

  return {
    async verify(headers) {
      const token = extractJwt(headers, config.header);
      if (token === null) return null;
      checkCompactShape(token);
      const payload = await verifySignature(token);
      checkIssuerAndAudience(payload, config);
      const expiresAt = typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null;
      return resolveJwtClaims(payload as Record<string, unknown>, config.claims, expiresAt);
    },
    close() {
      jwks?.close();
    },
  };
}
