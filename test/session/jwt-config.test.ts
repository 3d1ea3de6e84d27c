import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { generateKeyPair, exportPKCS8, exportSPKI } from 'jose';
import { isConfigError } from '../../gateway/config/index.js';
import { parseJwtConfig } from '../../gateway/session/jwt/index.js';
import { hsSecret } from './jwt-helpers.js';

const env = 'HASURA_GRAPHQL_JWT_SECRET';

function configError(json: string): Error {
  try {
    parseJwtConfig(json, env);
  } catch (error) {
    expect(isConfigError(error)).toBe(true);
    return error as Error;
  }
  return expect.unreachable('expected a ConfigError');
}

describe('parseJwtConfig', () => {
  it('fills in Hasura defaults', () => {
    const config = parseJwtConfig(JSON.stringify({ type: 'HS256', key: hsSecret }), env);
    expect(config.claims).toEqual({ kind: 'namespace', namespace: 'https://hasura.io/jwt/claims', format: 'json' });
    expect(config.header).toEqual({ kind: 'authorization' });
    expect(config.audience).toBeNull();
    expect(config.issuer).toBeNull();
    expect(config.allowedSkewSeconds).toBe(0);
  });

  it('reads every option', () => {
    const config = parseJwtConfig(
      JSON.stringify({
        jwk_url: 'https://issuer.example/.well-known/jwks.json',
        claims_namespace_path: '$.hasura.claims',
        claims_format: 'stringified_json',
        audience: ['a', 'b'],
        issuer: 'https://issuer.example/',
        allowed_skew: 30,
        header: { type: 'cookie', name: 'token' },
      }),
      env,
    );
    expect(config.key).toEqual({ kind: 'jwk-url', url: new URL('https://issuer.example/.well-known/jwks.json') });
    expect(config.claims).toMatchObject({ kind: 'namespace-path', format: 'stringified_json', path: { text: '$.hasura.claims' } });
    expect(config.audience).toEqual(['a', 'b']);
    expect(config.allowedSkewSeconds).toBe(30);
    expect(config.header).toEqual({ kind: 'cookie', name: 'token' });
  });

  it.each([
    ['not json', 'HASURA_GRAPHQL_JWT_SECRET: not valid JSON'],
    ['[]', /must be a JSON object/],
    ['{}', /needs either "key" \(with "type"\) or "jwk_url"/],
    [JSON.stringify({ type: 'HS256', key: hsSecret, jwk_url: 'https://x/' }), /"key" and "jwk_url" cannot both be set/],
    [JSON.stringify({ key: hsSecret }), /"type" is required with "key"/],
    [JSON.stringify({ type: 'HS999', key: hsSecret }), /"type" "HS999" is not supported/],
    [JSON.stringify({ type: 'HS256', key: 'short' }), /too short for HS256: it must be at least 32 characters/],
    [JSON.stringify({ type: 'HS512', key: hsSecret }), /too short for HS512: it must be at least 64 characters/],
    [JSON.stringify({ type: 'RS256', key: 'not a pem' }), /must be a PEM public key/],
    [JSON.stringify({ jwk_url: 'ftp://x/' }), /"jwk_url" must be an http/],
    [JSON.stringify({ type: 'HS256', key: hsSecret, claims_namespace: 'a', claims_namespace_path: '$.a' }), /cannot both be set/],
    [JSON.stringify({ type: 'HS256', key: hsSecret, claims_namespace_path: '$.a[x]' }), /"claims_namespace_path" is not a valid JSON path/],
    [JSON.stringify({ type: 'HS256', key: hsSecret, claims_format: 'xml' }), /"claims_format" must be "json" or "stringified_json"/],
    [JSON.stringify({ type: 'HS256', key: hsSecret, claims_map: { 'x-hasura-default-role': 'user' } }), /"claims_map" needs "x-hasura-allowed-roles"/],
    [JSON.stringify({ type: 'HS256', key: hsSecret, audience: 5 }), /"audience" must be a string or a non-empty list/],
    [JSON.stringify({ type: 'HS256', key: hsSecret, allowed_skew: -1 }), /"allowed_skew" must be a number/],
    [JSON.stringify({ type: 'HS256', key: hsSecret, header: { type: 'Cookie' } }), /"header.name" is required/],
    [JSON.stringify({ type: 'HS256', key: hsSecret, header: { type: 'Query' } }), /"header.type" must be/],
  ])('rejects %s with one line naming the variable', (json, message) => {
    const error = configError(json);
    expect(error.message.startsWith(`${env}: `)).toBe(true);
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(hsSecret);
  });

  it('rejects a private key without echoing it, and a key of the wrong kind', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const privatePem = await exportPKCS8(rsa.privateKey);
    const error = configError(JSON.stringify({ type: 'RS256', key: privatePem }));
    expect(error.message).toMatch(/is a private key/);
    expect(error.message).not.toContain(privatePem.split('\n')[1]);

    const ec = await generateKeyPair('ES256', { extractable: true });
    expect(configError(JSON.stringify({ type: 'RS256', key: await exportSPKI(ec.publicKey) })).message).toMatch(/is not an RSA public key/);
    expect(configError(JSON.stringify({ type: 'ES384', key: await exportSPKI(ec.publicKey) })).message).toMatch(/curve secp384r1/);
  });

  it('keeps a shared secret out of JSON and inspect output', () => {
    const config = parseJwtConfig(JSON.stringify({ type: 'HS256', key: hsSecret }), env);
    expect(JSON.stringify(config)).not.toContain(hsSecret);
    expect(inspect(config, { depth: 10 })).not.toContain(hsSecret);
    expect(JSON.stringify(config)).not.toContain(JSON.stringify([...new TextEncoder().encode(hsSecret)]).slice(1, 20));
  });
});
