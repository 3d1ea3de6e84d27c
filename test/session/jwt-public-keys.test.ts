import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, importPKCS8 } from 'jose';
import { describe, expect, it } from 'vitest';
import { createJwtVerifier, parseJwtConfig } from '../../gateway/session/jwt/index.js';
import { bearer, expectGatewayError, namespace, sign, userClaims } from './jwt-helpers.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function verifierFor(type: string, key: string) {
  return createJwtVerifier(parseJwtConfig(JSON.stringify({ type, key }), 'HASURA_GRAPHQL_JWT_SECRET'));
}

describe('JWT verification with a public key', () => {
  it('verifies RS256 with a PEM public key and rejects another key pair', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const v = verifierFor('RS256', await exportSPKI(publicKey));
    const token = await sign({ [namespace]: userClaims }, privateKey, { alg: 'RS256' });
    expect(await v.verify(bearer(token))).toMatchObject({ defaultRole: 'user', variables: { 'x-hasura-user-id': '42' } });

    const other = await generateKeyPair('RS256');
    const forged = await sign({ [namespace]: userClaims }, other.privateKey, { alg: 'RS256' });
    await expectGatewayError(v.verify(bearer(forged)), 'invalid-jwt', 'Could not verify JWT: JWSError JWSInvalidSignature');
  });

  it('never accepts an HS256 token signed with the RSA public key as secret', async () => {
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const pem = await exportSPKI(publicKey);
    const confused = await sign({ [namespace]: userClaims }, new TextEncoder().encode(pem), { alg: 'HS256' });
    await expectGatewayError(verifierFor('RS256', pem).verify(bearer(confused)), 'invalid-jwt', /AlgorithmMismatch/);
  });

  it('verifies RS256 with a PKCS#1 "RSA PUBLIC KEY" PEM', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const pkcs1 = createPublicKey(await exportSPKI(publicKey)).export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toContain('BEGIN RSA PUBLIC KEY');
    const token = await sign({ [namespace]: userClaims }, privateKey, { alg: 'RS256' });
    expect(await verifierFor('RS256', pkcs1).verify(bearer(token))).toMatchObject({ defaultRole: 'user' });
  });

  it('verifies ES256 and Ed25519', async () => {
    const ec = await generateKeyPair('ES256', { extractable: true });
    const ecToken = await sign({ [namespace]: userClaims }, ec.privateKey, { alg: 'ES256' });
    expect(await verifierFor('ES256', await exportSPKI(ec.publicKey)).verify(bearer(ecToken))).toMatchObject({ defaultRole: 'user' });

    const ed = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const edToken = await sign({ [namespace]: userClaims }, ed.privateKey, { alg: 'EdDSA' });
    expect(await verifierFor('Ed25519', await exportSPKI(ed.publicKey)).verify(bearer(edToken))).toMatchObject({ defaultRole: 'user' });
  });

  it.skipIf(!hasOpenssl())('verifies RS256 with an X.509 certificate (made with the openssl CLI)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-jwt-cert-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=sluice-test'], { stdio: 'ignore' });
      const certificate = readFileSync(join(dir, 'cert.pem'), 'utf8');
      const privateKey = await importPKCS8(readFileSync(join(dir, 'key.pem'), 'utf8'), 'RS256');
      expect(certificate).toContain('BEGIN CERTIFICATE');
      const token = await sign({ [namespace]: userClaims }, privateKey, { alg: 'RS256' });
      expect(await verifierFor('RS256', certificate).verify(bearer(token))).toMatchObject({ defaultRole: 'user' });
      const other = await generateKeyPair('RS256');
      const forged = await sign({ [namespace]: userClaims }, other.privateKey, { alg: 'RS256' });
      await expectGatewayError(verifierFor('RS256', certificate).verify(bearer(forged)), 'invalid-jwt', 'Could not verify JWT: JWSError JWSInvalidSignature');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
