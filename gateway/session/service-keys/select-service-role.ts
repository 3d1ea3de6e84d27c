import { GatewayError } from '../../errors/index.js';

/**
 * The role a service-key request runs as: exactly its `x-hasura-role`, which must be one of the
 * key's roles. There is no default role — a function says which role it acts as — and `admin`
 * is refused even if a hand-edited document lists it. 400 `access-denied`, as Hasura answers a
 * JWT request for a role outside its allowed roles.
 */
export function selectServiceRole(match: { readonly roles: readonly string[] }, requestedRole: string | null): string {
  if (requestedRole === null || requestedRole.trim() === '') {
    throw new GatewayError('access-denied', 'a service key needs an "x-hasura-role" header naming one of its roles', { status: 400 });
  }
  if (requestedRole === 'admin' || !match.roles.includes(requestedRole)) {
    throw new GatewayError('access-denied', `the service key does not allow role ${JSON.stringify(requestedRole)}`, { status: 400 });
  }
  return requestedRole;
}
