/**
 * Dev mode (no admin secret) beside a JWT secret, as `sluice start` runs the example: a request
 * with a token gets the token's session, a request without one is admin as in plain dev mode.
 * With an admin secret, a request without a token is still refused.
 */
import { describe, expect, it } from 'vitest';
import { createSessionResolver } from '../../gateway/session/index.js';
import { createJwtVerifier, parseJwtConfig } from '../../gateway/session/jwt/index.js';
import { bearer, expectGatewayError, hsSecret, namespace, sign, userClaims } from './jwt-helpers.js';

function resolverWith(adminSecret: string | undefined) {
  const config = parseJwtConfig(JSON.stringify({ type: 'HS256', key: hsSecret }), 'SLUICE_JWT_SECRET');
  return createSessionResolver({ adminSecret, jwt: { config, verifier: createJwtVerifier(config) } });
}

describe('a JWT secret in dev mode', () => {
  it('gives a request with a token the session of its claims', async () => {
    const session = await resolverWith(undefined)(bearer(await sign({ [namespace]: userClaims })));
    expect(session).toMatchObject({ role: 'user', isAdmin: false, variables: { 'x-hasura-user-id': '42', 'x-hasura-role': 'user' } });
  });

  it('treats a request without a token as admin, as dev mode does', async () => {
    expect(await resolverWith(undefined)(new Headers())).toMatchObject({ role: 'admin', isAdmin: true });
  });

  it('still refuses a token that does not verify', async () => {
    await expectGatewayError(resolverWith(undefined)(bearer('not-a-jwt')), 'invalid-jwt', /^Could not verify JWT: /);
  });

  it('refuses a request without a token once an admin secret is set', async () => {
    await expectGatewayError(resolverWith('the-secret')(new Headers()), 'invalid-headers', "Missing 'Authorization' header in JWT authentication mode");
  });
});
