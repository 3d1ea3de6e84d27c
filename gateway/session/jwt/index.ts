export { parseJwtConfig } from './parse-jwt-config.js';
export { createJwtVerifier, type JwtVerifier, type JwtVerifierOptions } from './create-jwt-verifier.js';
export { selectRole } from './select-role.js';
export { missingJwtError } from './extract-jwt.js';
export type { JwtLogger } from './jwks-cache.js';
export {
  Secret,
  defaultClaimsNamespace,
  type ClaimsMapValue,
  type JwtClaimsFormat,
  type JwtClaimsSource,
  type JwtConfig,
  type JwtHeaderSource,
  type JwtKeySource,
  type JwtKeyType,
  type JwtSession,
} from './jwt-config.js';
