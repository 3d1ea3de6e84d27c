/**
 * A customer's JWT, signed as the example's sign-in service would sign it: Hasura's claims under
 * `https://hasura.io/jwt/claims`, role `customer`, `x-hasura-user-id` the `food.customers` id.
 * Only HMAC secrets (`{"type":"HS256", "key": …}`) can be signed here; a public-key setup signs
 * elsewhere.
 */
import { SignJWT } from 'jose';

const hmacTypes = new Set(['HS256', 'HS384', 'HS512']);

export async function mintCustomerToken(jwtSecret: string, customerId: number, expiresInSec = 3600): Promise<string> {
  const { type, key } = JSON.parse(jwtSecret) as { type?: unknown; key?: unknown };
  if (typeof type !== 'string' || !hmacTypes.has(type) || typeof key !== 'string') {
    throw new Error('the demo signs tokens with an HMAC JWT secret ({"type":"HS256","key":"…"}); this one is not');
  }
  return new SignJWT({
    'https://hasura.io/jwt/claims': {
      'x-hasura-allowed-roles': ['customer'],
      'x-hasura-default-role': 'customer',
      'x-hasura-user-id': String(customerId),
    },
  })
    .setProtectedHeader({ alg: type })
    .setSubject(String(customerId))
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSec)
    .sign(new TextEncoder().encode(key));
}
