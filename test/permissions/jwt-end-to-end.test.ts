/**
 * JWT mode end to end (reference §9): a real JWKS server on port 0, RS256 tokens made with
 * `jose`, and a gateway configured with `{"jwk_url": …}`, an admin secret and an unauthorized
 * role. Checks role selection, every way a token can be refused, key rotation behind the JWK
 * URL, and that in JWT mode only the token's claims are session variables.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { dataOf, errorOf, startTestGateway, type HttpResult, type TestGateway } from '../support/test-gateway.js';

const namespace = 'https://hasura.io/jwt/claims';
const secret = 'jwt-admin-secret';

interface KeyPair {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

async function keyPair(kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** The JWK set the server answers with, and how often it was asked. */
const jwks = { keys: [] as JWK[], fetches: 0 };
let server: Server;
let g: TestGateway;
let first: KeyPair;
let rotated: KeyPair;
let stranger: KeyPair;

function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  return {
    sub: 'user-1',
    [namespace]: { 'x-hasura-allowed-roles': ['user', 'editor'], 'x-hasura-default-role': 'user', 'x-hasura-user-id': '1', ...overrides },
  };
}

async function sign(payload: JWTPayload, key: KeyPair, options: { kid?: string; expiresIn?: number } = {}): Promise<string> {
  const jwt = new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: options.kid ?? key.kid }).setIssuedAt();
  jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? 600));
  return jwt.sign(key.privateKey);
}

const bearer = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });
const notesQuery = '{ note(order_by: {id: asc}) { id } }';

async function noteIds(headers: Record<string, string>): Promise<number[]> {
  return (dataOf(await g.graphql(notesQuery, undefined, headers)).note as { id: number }[]).map((n) => n.id);
}

function expectError(result: HttpResult, code: string, message: string | RegExp): void {
  // `/v1/graphql` answers 200 for these (reference §7) and carries no data.
  expect(result.status).toBe(200);
  expect(Object.keys(result.body as object)).toEqual(['errors']);
  const error = errorOf(result);
  expect(error.extensions.code).toBe(code);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

beforeAll(async () => {
  [first, rotated, stranger] = await Promise.all([keyPair('key-1'), keyPair('key-2'), keyPair('key-1')]);
  jwks.keys = [first.jwk];
  server = createServer((request, response) => {
    if (request.url !== '/jwks') {
      response.writeHead(404).end();
      return;
    }
    jwks.fetches++;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: jwks.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  g = await startTestGateway({
    example: false,
    setupSql: `
      CREATE TABLE note (id int PRIMARY KEY, owner_id int, body text NOT NULL, is_public boolean NOT NULL DEFAULT false);
      INSERT INTO note VALUES (1, 1, 'one', false), (2, 1, 'two', true), (3, 2, 'three', false), (4, 3, 'four', true);`,
    env: {
      SLUICE_ADMIN_SECRET: secret,
      SLUICE_JWT_SECRET: JSON.stringify({ jwk_url: `http://127.0.0.1:${port}/jwks` }),
      SLUICE_UNAUTHORIZED_ROLE: 'guest',
    },
  });
  const permissions = [
    { role: 'user', permission: { columns: '*', filter: { owner_id: { _eq: 'X-Hasura-User-Id' } } } },
    { role: 'editor', permission: { columns: '*', filter: {} } },
    { role: 'guest', permission: { columns: ['id', 'body'], filter: { is_public: { _eq: true } } } },
  ];
  const result = await g.post('/v1/metadata', {
    type: 'bulk',
    args: [
      // Auto-tracked tables are not in metadata: permissions need the table tracked there.
      { type: 'pg_track_table', args: { table: 'note' } },
      ...permissions.map((p) => ({ type: 'pg_create_select_permission', args: { table: 'note', ...p } })),
    ],
  });
  if (result.status !== 200) throw new Error(`metadata failed: ${result.text}`);
});

afterAll(async () => {
  await g?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('roles from the token', () => {
  it('runs as the default role with the claims as session variables', async () => {
    expect(await noteIds(bearer(await sign(claims(), first)))).toEqual([1, 2]);
    expect(await noteIds(bearer(await sign(claims({ 'x-hasura-user-id': '2' }), first)))).toEqual([3]);
    expect(jwks.fetches).toBe(1);
  });

  it('lets x-hasura-role pick any allowed role', async () => {
    expect(await noteIds(bearer(await sign(claims(), first), { 'x-hasura-role': 'editor' }))).toEqual([1, 2, 3, 4]);
    expect(await noteIds(bearer(await sign(claims(), first), { 'x-hasura-role': 'user' }))).toEqual([1, 2]);
  });

  it('refuses a role the token does not allow', async () => {
    const token = await sign(claims(), first);
    for (const role of ['admin', 'guest', 'Editor']) {
      expectError(await g.graphql(notesQuery, undefined, bearer(token, { 'x-hasura-role': role })), 'access-denied', 'Your requested role is not in allowed roles');
    }
  });

  it('ignores x-hasura-* headers next to a token: only claims are session variables', async () => {
    const token = await sign(claims(), first);
    expect(await noteIds(bearer(token, { 'x-hasura-user-id': '2' }))).toEqual([1, 2]);
    expect(await noteIds(bearer(token, { 'X-Hasura-User-Id': '3', 'x-hasura-role': 'user' }))).toEqual([1, 2]);
    // A token without the claim the rule needs is not completed by a header either.
    const missing = await sign({ [namespace]: { 'x-hasura-allowed-roles': ['user'], 'x-hasura-default-role': 'user' } }, first);
    expectError(await g.graphql(notesQuery, undefined, bearer(missing, { 'x-hasura-user-id': '1' })), 'not-found', 'missing session variable: "x-hasura-user-id"');
  });

  it('runs a request without a token as the unauthorized role', async () => {
    expect(dataOf(await g.graphql('{ note(order_by: {id: asc}) { id body } }', undefined, {})).note).toEqual([
      { id: 2, body: 'two' },
      { id: 4, body: 'four' },
    ]);
    // Session headers do not change what the unauthorized role sees.
    expect(await noteIds({ 'x-hasura-role': 'editor', 'x-hasura-user-id': '1' })).toEqual([2, 4]);
    expect(errorOf(await g.graphql('{ note { owner_id } }', undefined, {})).extensions.code).toBe('validation-failed');
  });

  it('still trusts the admin secret, whose x-hasura-* headers are session variables', async () => {
    expect(await noteIds({ 'x-hasura-admin-secret': secret })).toEqual([1, 2, 3, 4]);
    expect(await noteIds({ 'x-hasura-admin-secret': secret, 'x-hasura-role': 'user', 'x-hasura-user-id': '3' })).toEqual([4]);
  });
});

describe('tokens that are refused', () => {
  it('refuses an expired token', async () => {
    const token = await sign(claims(), first, { expiresIn: -3600 });
    expectError(await g.graphql(notesQuery, undefined, bearer(token)), 'invalid-jwt', 'Could not verify JWT: JWTExpired');
  });

  it('refuses a token signed by another key under the same kid', async () => {
    const token = await sign(claims(), stranger);
    expectError(await g.graphql(notesQuery, undefined, bearer(token)), 'invalid-jwt', 'Could not verify JWT: JWSError JWSInvalidSignature');
  });

  it('refuses a token whose claims were changed after signing', async () => {
    const [header, , signature] = (await sign(claims(), first)).split('.');
    const forged = `${header}.${base64url({ ...claims({ 'x-hasura-default-role': 'editor', 'x-hasura-allowed-roles': ['editor'] }), exp: Math.floor(Date.now() / 1000) + 600 })}.${signature}`;
    expectError(await g.graphql(notesQuery, undefined, bearer(forged)), 'invalid-jwt', 'Could not verify JWT: JWSError JWSInvalidSignature');
  });

  it('refuses an unsigned token (alg none)', async () => {
    const payload = { ...claims({ 'x-hasura-default-role': 'editor', 'x-hasura-allowed-roles': ['editor'] }), exp: Math.floor(Date.now() / 1000) + 600 };
    for (const token of [`${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`, `${base64url({ alg: 'none', kid: first.kid })}.${base64url(payload)}.`]) {
      expectError(await g.graphql(notesQuery, undefined, bearer(token)), 'invalid-jwt', /^Could not verify JWT: /);
    }
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const publicJwk = JSON.stringify(first.jwk);
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: first.kid })
      .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
      .sign(new TextEncoder().encode(publicJwk));
    expectError(await g.graphql(notesQuery, undefined, bearer(token)), 'invalid-jwt', /^Could not verify JWT: /);
  });

  it('refuses garbage in the Authorization header', async () => {
    expectError(await g.graphql(notesQuery, undefined, bearer('not-a-jwt')), 'invalid-jwt', /^Could not verify JWT: /);
  });
});

describe('key rotation behind jwk_url', () => {
  it('accepts a token signed with a new kid after one refetch of the JWK set', async () => {
    // The set was fetched by the first test; the gateway refetches for an unknown kid at most
    // every 10 s, so move the clock (Date only) past that.
    expect(await noteIds(bearer(await sign(claims(), first)))).toEqual([1, 2]);
    const before = jwks.fetches;
    jwks.keys = [rotated.jwk];
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 11_000);
    expect(await noteIds(bearer(await sign(claims({ 'x-hasura-user-id': '2' }), rotated)))).toEqual([3]);
    expect(jwks.fetches).toBe(before + 1);
    expect(await noteIds(bearer(await sign(claims(), rotated)))).toEqual([1, 2]);
    expect(jwks.fetches).toBe(before + 1);
    // The old key is gone from the set: its tokens no longer verify, and no fetch storm follows.
    expectError(await g.graphql(notesQuery, undefined, bearer(await sign(claims(), first))), 'invalid-jwt', /^Could not verify JWT: /);
    expectError(await g.graphql(notesQuery, undefined, bearer(await sign(claims(), first))), 'invalid-jwt', /^Could not verify JWT: /);
    expect(jwks.fetches).toBe(before + 1);
  });
});
