import { GatewayError } from '../../errors/index.js';

/** `invalid-jwt` with Hasura's prefix; `/v1/graphql` turns the 400 into 200 anyway. */
export function invalidJwt(reason: string, cause?: unknown): GatewayError {
  return new GatewayError('invalid-jwt', `Could not verify JWT: ${reason}`, { status: 400, cause });
}

/**
 * A `jose` failure → Hasura's message, which prints the Haskell `JWTError` constructor
 * (`JWTExpired`, `JWSError JWSInvalidSignature`, …). The reasons are fixed strings: jose's own
 * messages are not passed on, so no part of the token ends up in a response or a log.
 */
export function mapJoseError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return invalidJwt('JWTExpired', error);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (error as { claim?: unknown }).claim;
      if (claim === 'nbf') return invalidJwt('JWTNotYetValid', error);
      if (claim === 'iat') return invalidJwt('JWTIssuedAtFuture', error);
      return invalidJwt(`JWTClaimsSetDecodeError "invalid ${typeof claim === 'string' ? claim : 'claim'}"`, error);
    }
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return invalidJwt('JWSError JWSInvalidSignature', error);
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return invalidJwt('JWSError (AlgorithmMismatch "the token\'s alg does not match the configured key")', error);
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return invalidJwt('JWSError NoUsableKeys', error);
    case 'ERR_JWS_INVALID':
      return invalidJwt('JWSError (CompactDecodeError "invalid JWS")', error);
    case 'ERR_JWT_INVALID':
      return invalidJwt('JWTClaimsSetDecodeError "the payload is not a JSON object"', error);
    case 'ERR_JOSE_NOT_SUPPORTED':
      return invalidJwt('JWSError (AlgorithmMismatch "unsupported alg")', error);
  }
  // A key that cannot check this token (jose throws a TypeError) or anything else unforeseen.
  return invalidJwt('JWSError (KeyMismatch "the key cannot verify this token")', error);
}

/** Hasura's message for a token that is not three dot-separated parts. */
export function checkCompactShape(token: string): void {
  const parts = token.split('.').length;
  if (parts !== 3) {
    throw invalidJwt(`JWSError (CompactDecodeError Invalid number of parts: Expected 3 parts; got ${parts})`);
  }
}
