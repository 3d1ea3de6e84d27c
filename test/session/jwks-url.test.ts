import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJwtVerifier, parseJwtConfig, type JwtVerifier } from '../../gateway/session/jwt/index.js';
import { bearer, expectGatewayError, namespace, sign, userClaims } from './jwt-helpers.js';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** A real JWKS endpoint on port 0 that counts its hits. */
class JwksServer {
  hits = 0;
  keys: SigningKey[] = [];
  status = 200;
  headers: Record<string, string> = { 'cache-control': 'public, max-age=60' };
  readonly server: Server = createServer((_request, response) => {
    this.hits++;
    response.writeHead(this.status, { 'content-type': 'application/json', ...this.headers });
    response.end(this.status === 200 ? JSON.stringify({ keys: this.keys.map((k) => k.jwk) }) : '{"error":"boom"}');
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('JWT verification against jwk_url', () => {
  let jwks: JwksServer;
  let url: string;
  let clockMs: number;
  let verifier: JwtVerifier;
  let warnings: { details: object; message: string }[];
  let first: SigningKey;

  function token(key: SigningKey): Promise<string> {
    return sign({ [namespace]: userClaims }, key.privateKey, { alg: 'RS256', kid: key.kid });
  }

  beforeEach(async () => {
    jwks = new JwksServer();
    url = await jwks.start();
    first = await signingKey('key-1');
    jwks.keys = [first];
    clockMs = Date.now();
    warnings = [];
    verifier = createJwtVerifier(parseJwtConfig(JSON.stringify({ jwk_url: url }), 'HASURA_GRAPHQL_JWT_SECRET'), {
      now: () => new Date(clockMs),
      logger: { warn: (details, message) => warnings.push({ details, message }) },
    });
  });

  afterEach(async () => {
    verifier.close();
    if (jwks.server.listening) await jwks.stop();
  });

  it('caches the key set for Cache-Control max-age and fetches again after it', async () => {
    const t = await token(first);
    expect(await verifier.verify(bearer(t))).toMatchObject({ defaultRole: 'user' });
    expect(await verifier.verify(bearer(t))).toMatchObject({ defaultRole: 'user' });
    expect(jwks.hits).toBe(1);
    clockMs += 59_000;
    await verifier.verify(bearer(t));
    expect(jwks.hits).toBe(1);
    clockMs += 2_000;
    await verifier.verify(bearer(t));
    expect(jwks.hits).toBe(2);
  });

  it('prefers s-maxage, honours Expires and treats no-cache as fetch-next-time', async () => {
    const t = await token(first);
    jwks.headers = { 'cache-control': 'max-age=5, s-maxage=120' };
    await verifier.verify(bearer(t));
    clockMs += 60_000;
    await verifier.verify(bearer(t));
    expect(jwks.hits).toBe(1);

    clockMs += 61_000;
    jwks.headers = { expires: new Date(clockMs + 30_000).toUTCString() };
    await verifier.verify(bearer(t));
    expect(jwks.hits).toBe(2);
    clockMs += 20_000;
    await verifier.verify(bearer(t));
    expect(jwks.hits).toBe(2);

    clockMs += 11_000;
    jwks.headers = { 'cache-control': 'no-cache' };
    await verifier.verify(bearer(t));
    expect(jwks.hits).toBe(3);
    // no-cache still waits out the minimum interval (10 s) between fetches.
    clockMs += 1_000;
    await verifier.verify(bearer(t));
    expect(jwks.hits).toBe(3);
    clockMs += 10_000;
    await verifier.verify(bearer(t));
    expect(jwks.hits).toBe(4);
  });

  it('shares one fetch among concurrent requests', async () => {
    const t = await token(first);
    const sessions = await Promise.all(Array.from({ length: 8 }, () => verifier.verify(bearer(t))));
    expect(sessions.every((s) => s?.defaultRole === 'user')).toBe(true);
    expect(jwks.hits).toBe(1);
  });

  it('fetches once more when a token names a new kid (key rotation), and not again at once for an unknown kid', async () => {
    await verifier.verify(bearer(await token(first)));
    expect(jwks.hits).toBe(1);

    clockMs += 11_000; // past the minimum refetch interval, well within max-age
    const second = await signingKey('key-2');
    jwks.keys = [second];
    const rotated = await Promise.all([verifier.verify(bearer(await token(second))), verifier.verify(bearer(await token(second)))]);
    expect(rotated.map((s) => s?.defaultRole)).toEqual(['user', 'user']);
    expect(jwks.hits).toBe(2);

    const stranger = await signingKey('key-unknown');
    await expectGatewayError(verifier.verify(bearer(await token(stranger))), 'invalid-jwt', 'Could not verify JWT: JWSError NoUsableKeys');
    expect(jwks.hits).toBe(2);
  });

  it('answers a clear invalid-jwt error when the JWKS server is down, and recovers', async () => {
    await jwks.stop();
    const t = await token(first);
    const error = await expectGatewayError(
      verifier.verify(bearer(t)),
      'invalid-jwt',
      'Could not verify JWT: JWSError NoUsableKeys (the JWK set could not be fetched from jwk_url)',
    );
    expect(error.message).not.toContain(t);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toBe('could not fetch the JWK set');
    expect(JSON.stringify(warnings)).not.toContain(t);

    // Within the minimum interval the gateway does not hammer the dead endpoint.
    await expectGatewayError(verifier.verify(bearer(t)), 'invalid-jwt', /could not be fetched/);
    expect(warnings).toHaveLength(1);

    jwks = new JwksServer();
    jwks.keys = [first];
    const port = new URL(url).port;
    await new Promise<void>((resolve) => jwks.server.listen(Number(port), '127.0.0.1', resolve));
    clockMs += 11_000;
    expect(await verifier.verify(bearer(t))).toMatchObject({ defaultRole: 'user' });
  });

  it('treats a non-2xx answer as a fetch failure and keeps using the previous set', async () => {
    const t = await token(first);
    await verifier.verify(bearer(t));
    jwks.status = 500;
    clockMs += 61_000;
    expect(await verifier.verify(bearer(t))).toMatchObject({ defaultRole: 'user' });
    expect(jwks.hits).toBe(2);
    expect(warnings.map((w) => w.details)).toEqual([{ jwkUrl: url, error: 'HTTP status 500' }]);
  });

  it('gives up on a JWKS server that does not answer', async () => {
    const silent = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/jwks`;
    const v = createJwtVerifier(parseJwtConfig(JSON.stringify({ jwk_url: silentUrl }), 'HASURA_GRAPHQL_JWT_SECRET'), { jwks: { timeoutMs: 200 } });
    try {
      const started = Date.now();
      await expectGatewayError(v.verify(bearer(await token(first))), 'invalid-jwt', /could not be fetched/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      v.close();
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
