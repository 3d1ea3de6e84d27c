import { describe, expect, it } from 'vitest';
import { createJwtVerifier, parseJwtConfig, selectRole, type JwtSession } from '../../gateway/session/jwt/index.js';
import { bearer, expectGatewayError, hsKey, hsSecret, namespace, sign, userClaims } from './jwt-helpers.js';

function verifier(options: Record<string, unknown> = {}) {
  return createJwtVerifier(parseJwtConfig(JSON.stringify({ type: 'HS256', key: hsSecret, ...options }), 'SLUICE_JWT_SECRET'));
}

describe('JWT verification with a shared secret', () => {
  it('accepts an HS256 token with namespaced claims', async () => {
    const token = await sign({ sub: 'u1', [namespace]: { ...userClaims, 'X-Hasura-Org-Ids': ['1', '2'], 'x-hasura-age': 7, other: 'ignored' } }, hsKey, { expiresIn: 60 });
    const session = await verifier().verify(bearer(token));
    expect(session).toMatchObject({
      allowedRoles: ['user', 'editor'],
      defaultRole: 'user',
      variables: { 'x-hasura-user-id': '42', 'x-hasura-org-ids': '{1,2}', 'x-hasura-age': '7' },
    });
    expect(Object.keys(session!.variables).sort()).toEqual(['x-hasura-age', 'x-hasura-org-ids', 'x-hasura-user-id']);
    expect(session!.expiresAt).toBeInstanceOf(Date);
    expect(Math.abs(session!.expiresAt!.getTime() - Date.now() - 60_000)).toBeLessThan(5_000);
  });

  it('quotes array elements Postgres would misread', async () => {
    const token = await sign({ [namespace]: { ...userClaims, 'x-hasura-tags': ['a b', 'c,d', 'q"x', '', 'null'] } });
    const session = await verifier().verify(bearer(token));
    expect(session!.variables['x-hasura-tags']).toBe('{"a b","c,d","q\\"x","","null"}');
  });

  it('matches claim names case-insensitively, including the role claims', async () => {
    const token = await sign({ [namespace]: { 'X-Hasura-Allowed-Roles': ['user'], 'X-HASURA-DEFAULT-ROLE': 'user', 'X-Hasura-User-Id': 'abc' } });
    const session = await verifier().verify(bearer(token));
    expect(session).toMatchObject({ allowedRoles: ['user'], defaultRole: 'user', variables: { 'x-hasura-user-id': 'abc' }, expiresAt: null });
  });

  it('returns null when no token is sent', async () => {
    expect(await verifier().verify(new Headers())).toBeNull();
  });

  it('reads stringified_json claims', async () => {
    const token = await sign({ [namespace]: JSON.stringify(userClaims) });
    const session = await verifier({ claims_format: 'stringified_json' }).verify(bearer(token));
    expect(session).toMatchObject({ defaultRole: 'user', variables: { 'x-hasura-user-id': '42' } });
    await expectGatewayError(
      verifier({ claims_format: 'stringified_json' }).verify(bearer(await sign({ [namespace]: userClaims }))),
      'jwt-invalid-claims',
      'expecting a string when claims_format is stringified_json',
    );
    await expectGatewayError(
      verifier({ claims_format: 'stringified_json' }).verify(bearer(await sign({ [namespace]: '{not json' }))),
      'jwt-invalid-claims',
      "expecting stringified json at: 'claims_namespace https://hasura.io/jwt/claims'",
    );
  });

  it('reads claims at claims_namespace_path $.hasura.claims and at $', async () => {
    const nested = await sign({ hasura: { claims: userClaims } });
    expect(await verifier({ claims_namespace_path: '$.hasura.claims' }).verify(bearer(nested))).toMatchObject({ defaultRole: 'user', variables: { 'x-hasura-user-id': '42' } });
    const topLevel = await sign({ sub: 'x', ...userClaims });
    expect(await verifier({ claims_namespace_path: '$' }).verify(bearer(topLevel))).toMatchObject({ allowedRoles: ['user', 'editor'], variables: { 'x-hasura-user-id': '42' } });
    await expectGatewayError(
      verifier({ claims_namespace_path: '$.hasura.claims' }).verify(bearer(topLevel)),
      'jwt-invalid-claims',
      "claims not found at claims_namespace_path: '$.hasura.claims'",
    );
  });

  it('uses a custom claims_namespace', async () => {
    const token = await sign({ 'https://example.com/claims': userClaims });
    expect(await verifier({ claims_namespace: 'https://example.com/claims' }).verify(bearer(token))).toMatchObject({ defaultRole: 'user' });
  });

  it('maps claims with claims_map paths, defaults and literals', async () => {
    const v = verifier({
      claims_map: {
        'x-hasura-allowed-roles': { path: '$.roles' },
        'x-hasura-default-role': 'user',
        'X-Hasura-User-Id': { path: '$.sub' },
        'x-hasura-org-id': { path: "$.org['id']", default: 'none' },
        'x-hasura-first-team': { path: '$.teams[0]' },
        'x-hasura-source': 'jwt',
      },
    });
    const token = await sign({ sub: 'u-9', roles: ['user', 'admin'], teams: ['red', 'blue'] });
    expect(await v.verify(bearer(token))).toEqual({
      allowedRoles: ['user', 'admin'],
      defaultRole: 'user',
      variables: { 'x-hasura-user-id': 'u-9', 'x-hasura-org-id': 'none', 'x-hasura-first-team': 'red', 'x-hasura-source': 'jwt' },
      expiresAt: null,
    });
    const withOrg = await sign({ sub: 'u-9', roles: ['user'], org: { id: 17 }, teams: ['red'] });
    expect((await v.verify(bearer(withOrg)))!.variables['x-hasura-org-id']).toBe('17');
    await expectGatewayError(v.verify(bearer(await sign({ sub: 'u', teams: ['x'] }))), 'jwt-missing-role-claims', 'JWT claim does not contain x-hasura-allowed-roles');
    await expectGatewayError(v.verify(bearer(await sign({ roles: ['user'], teams: ['x'] }))), 'jwt-invalid-claims', 'JWT claim from claims_map, x-hasura-user-id not found');
  });

  it('uses a claims_map default for the roles when the path is missing', async () => {
    const v = verifier({
      claims_map: {
        'x-hasura-allowed-roles': { path: '$.roles', default: ['anonymous'] },
        'x-hasura-default-role': { path: '$.role', default: 'anonymous' },
      },
    });
    expect(await v.verify(bearer(await sign({ sub: 'x' })))).toMatchObject({ allowedRoles: ['anonymous'], defaultRole: 'anonymous' });
  });

  it('accepts an audience from the configured list and rejects any other', async () => {
    const v = verifier({ audience: ['app-1', 'app-2'] });
    expect(await v.verify(bearer(await sign({ aud: 'app-2', [namespace]: userClaims })))).not.toBeNull();
    expect(await v.verify(bearer(await sign({ aud: ['other', 'app-1'], [namespace]: userClaims })))).not.toBeNull();
    await expectGatewayError(v.verify(bearer(await sign({ aud: 'app-3', [namespace]: userClaims }))), 'invalid-jwt', 'Could not verify JWT: JWTNotInAudience');
  });

  it('rejects a token from another issuer; a token without iss passes, as in Hasura', async () => {
    const v = verifier({ issuer: 'https://auth.example/' });
    await expectGatewayError(v.verify(bearer(await sign({ iss: 'https://evil.example/', [namespace]: userClaims }))), 'invalid-jwt', 'Could not verify JWT: JWTNotInIssuer');
    expect(await v.verify(bearer(await sign({ iss: 'https://auth.example/', [namespace]: userClaims })))).not.toBeNull();
    expect(await v.verify(bearer(await sign({ [namespace]: userClaims })))).not.toBeNull();
  });

  it('rejects an expired token', async () => {
    const token = await sign({ [namespace]: userClaims }, hsKey, { expiresIn: -10 });
    await expectGatewayError(verifier().verify(bearer(token)), 'invalid-jwt', 'Could not verify JWT: JWTExpired');
  });

  it('lets a just-expired token pass within allowed_skew', async () => {
    const token = await sign({ [namespace]: userClaims }, hsKey, { expiresIn: -10 });
    expect(await verifier({ allowed_skew: 60 }).verify(bearer(token))).not.toBeNull();
    await expectGatewayError(verifier({ allowed_skew: 5 }).verify(bearer(token)), 'invalid-jwt', 'Could not verify JWT: JWTExpired');
  });

  it('uses the injected clock', async () => {
    const token = await sign({ [namespace]: userClaims }, hsKey, { expiresIn: 60 });
    const config = parseJwtConfig(JSON.stringify({ type: 'HS256', key: hsSecret }), 'SLUICE_JWT_SECRET');
    const later = createJwtVerifier(config, { now: () => new Date(Date.now() + 3_600_000) });
    await expectGatewayError(later.verify(bearer(token)), 'invalid-jwt', 'Could not verify JWT: JWTExpired');
  });

  it('rejects a bad signature and a malformed token without echoing the token', async () => {
    const other = await sign({ [namespace]: userClaims }, new TextEncoder().encode('another-secret-that-is-long-enough-xx'));
    const error = await expectGatewayError(verifier().verify(bearer(other)), 'invalid-jwt', 'Could not verify JWT: JWSError JWSInvalidSignature');
    expect(error.message).not.toContain(other.split('.')[2]);
    await expectGatewayError(
      verifier().verify(bearer('not-a-jwt')),
      'invalid-jwt',
      'Could not verify JWT: JWSError (CompactDecodeError Invalid number of parts: Expected 3 parts; got 1)',
    );
    await expectGatewayError(verifier().verify(bearer('a.b.c')), 'invalid-jwt', /^Could not verify JWT: JWSError/);
  });

  it('refuses a token whose alg does not match the configured type', async () => {
    const token = await sign({ [namespace]: userClaims }, new TextEncoder().encode(hsSecret.repeat(2)), { alg: 'HS512' });
    await expectGatewayError(verifier().verify(bearer(token)), 'invalid-jwt', /^Could not verify JWT: JWSError \(AlgorithmMismatch/);
  });

  it.each(['Token abc', 'Bearer', 'Bearer a b', ''])('rejects the malformed Authorization header %j', async (value) => {
    await expectGatewayError(verifier().verify(new Headers({ authorization: value })), 'invalid-headers', 'Malformed Authorization header');
  });

  it('reports missing role claims and a missing namespace', async () => {
    await expectGatewayError(verifier().verify(bearer(await sign({ sub: 'x' }))), 'jwt-invalid-claims', "claims key: 'https://hasura.io/jwt/claims' not found");
    await expectGatewayError(
      verifier().verify(bearer(await sign({ [namespace]: { 'x-hasura-default-role': 'user' } }))),
      'jwt-missing-role-claims',
      'JWT claim does not contain x-hasura-allowed-roles',
    );
    await expectGatewayError(
      verifier().verify(bearer(await sign({ [namespace]: { 'x-hasura-allowed-roles': ['user'] } }))),
      'jwt-missing-role-claims',
      'JWT claim does not contain x-hasura-default-role',
    );
    await expectGatewayError(
      verifier().verify(bearer(await sign({ [namespace]: { 'x-hasura-allowed-roles': 'user', 'x-hasura-default-role': 'user' } }))),
      'jwt-invalid-claims',
      'invalid x-hasura-allowed-roles; should be a list of roles',
    );
    await expectGatewayError(
      verifier().verify(bearer(await sign({ [namespace]: { 'x-hasura-allowed-roles': ['user'], 'x-hasura-default-role': 'admin' } }))),
      'jwt-invalid-claims',
      'invalid x-hasura-default-role; should be one of x-hasura-allowed-roles',
    );
  });

  it('reads the token from a named cookie or a custom header', async () => {
    const token = await sign({ [namespace]: userClaims });
    const cookie = verifier({ header: { type: 'Cookie', name: 'jwt' } });
    expect(await cookie.verify(new Headers({ cookie: `theme=dark; jwt=${token}` }))).toMatchObject({ defaultRole: 'user' });
    expect(await cookie.verify(new Headers({ authorization: `Bearer ${token}` }))).toBeNull();
    await expectGatewayError(cookie.verify(new Headers({ cookie: 'theme=dark' })), 'invalid-headers', 'Could not find jwt in Cookie header');

    const custom = verifier({ header: { type: 'CustomHeader', name: 'X-Auth-Token' } });
    expect(await custom.verify(new Headers({ 'x-auth-token': token }))).toMatchObject({ defaultRole: 'user' });
    expect(await custom.verify(new Headers({ 'x-auth-token': `Bearer ${token}` }))).toMatchObject({ defaultRole: 'user' });
  });
});

describe('selectRole', () => {
  const session: JwtSession = { allowedRoles: ['user', 'editor'], defaultRole: 'user', variables: {}, expiresAt: null };

  it('uses the default role without an x-hasura-role header', () => {
    expect(selectRole(session, null)).toBe('user');
    expect(selectRole(session, '')).toBe('user');
  });

  it('lets x-hasura-role pick any allowed role', () => {
    expect(selectRole(session, 'editor')).toBe('editor');
  });

  it('refuses a role the token does not allow', async () => {
    await expectGatewayError(Promise.resolve().then(() => selectRole(session, 'admin')), 'access-denied', 'Your requested role is not in allowed roles');
  });
});
