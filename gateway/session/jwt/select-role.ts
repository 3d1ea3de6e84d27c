import { GatewayError } from '../../errors/index.js';
import type { JwtSession } from './jwt-config.js';

/**
 * The role a JWT request runs as: the `x-hasura-role` header when given (it may pick any of the
 * token's allowed roles), else the token's default role. Hasura `processJwt_`: an empty header
 * counts as absent; any other role is 400 `access-denied`.
 */
export function selectRole(session: JwtSession, requestedRole: string | null): string {
  if (requestedRole === null || requestedRole === '') return session.defaultRole;
  if (!session.allowedRoles.includes(requestedRole)) {
    throw new GatewayError('access-denied', 'Your requested role is not in allowed roles', { status: 400 });
  }
  return requestedRole;
}
