import type { RequestHeaders } from './request-headers.js';
import { missingJwtError, selectRole, type JwtConfig, type JwtVerifier } from './jwt/index.js';
import { resolveSession, type Session, type SessionOptions } from './resolve-session.js';
import type { ServiceKeyVerifier } from './service-keys/index.js';

export interface SessionResolverOptions extends SessionOptions {
  /** Scoped service keys from metadata (`x-sluice-service-key`): a caller gets only their roles. */
  readonly serviceKeys?: ServiceKeyVerifier | undefined;
  /** JWT mode: tokens verified with this verifier (Hasura's `HASURA_GRAPHQL_JWT_SECRET`). */
  readonly jwt?: { readonly config: JwtConfig; readonly verifier: JwtVerifier } | undefined;
}

export type SessionResolver = (headers: RequestHeaders) => Promise<Session>;

/**
 * Who is asking, in Hasura's order (§9): the admin secret first (a trusted caller acting as any
 * role, with its `x-hasura-*` headers as session variables); then a JWT, whose claims alone give
 * the session (headers cannot add variables) and whose allowed roles bound `x-hasura-role`;
 * then the unauthorized role; otherwise the request is refused (or, in dev mode, is admin).
 */
export function createSessionResolver(options: SessionResolverOptions): SessionResolver {
  const jwt = options.jwt;
  const serviceKeys = options.serviceKeys;
  const withoutKey: SessionResolver = jwt ? (headers) => resolveWithJwt(headers, options, jwt) : async (headers) => resolveSession(headers, options);
  if (!serviceKeys) return withoutKey;
  return async (headers) => {
    const match = await serviceKeys.verify(headers);
    if (!match) return withoutKey(headers);
    // A service key acts as one of its roles, never admin, with its x-hasura-* headers as the
    // session (the function is trusted for those, as with the admin secret, within its roles).
    const variables: Record<string, string> = {};
    headers.forEach((value, name) => {
      const lower = name.toLowerCase();
      if (lower.startsWith('x-hasura-') && lower !== 'x-hasura-admin-secret' && lower !== 'x-hasura-access-key') variables[lower] = value;
    });
    return { role: match.role, variables: { ...variables, 'x-hasura-role': match.role }, isAdmin: false, backendOnly: false };
  };
}

async function resolveWithJwt(headers: RequestHeaders, options: SessionResolverOptions, jwt: NonNullable<SessionResolverOptions['jwt']>): Promise<Session> {
  const hasSecret = headers.has('x-hasura-admin-secret') || headers.has('x-hasura-access-key');
  if (hasSecret && options.adminSecret !== undefined) return resolveSession(headers, options);
  const claims = await jwt.verifier.verify(headers);
  if (!claims) {
    if (options.unauthorizedRole !== undefined) {
      const role = options.unauthorizedRole;
      return { role, variables: { 'x-hasura-role': role }, isAdmin: false, backendOnly: false };
    }
    // Dev mode (no admin secret) treats every request as admin, as documented and announced at
    // startup; a JWT configured beside it (the example app's customers) only decides for the
    // requests that bring a token.
    if (options.adminSecret === undefined) return resolveSession(headers, options);
    throw missingJwtError(jwt.config.header);
  }
  const role = selectRole(claims, headers.get('x-hasura-role'));
  return { role, variables: { ...claims.variables, 'x-hasura-role': role }, isAdmin: role === 'admin', backendOnly: false };
}
