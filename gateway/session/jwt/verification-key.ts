import { createPublicKey } from 'node:crypto';
import { importJWK, importSPKI, importX509, type CryptoKey, type JWSAlgorithm } from 'jose';
import { GatewayError } from '../../errors/index.js';
import type { JwtKeySource } from './jwt-config.js';

/** Algorithms a JWK set may use; HMAC is excluded so a public key can never act as a shared secret. */
export const jwksAlgorithms: JWSAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** The token `alg` values a configured `type` accepts; pinning them prevents algorithm confusion. */
export function algorithmsFor(key: Exclude<JwtKeySource, { kind: 'jwk-url' }>): JWSAlgorithm[] {
  return key.type === 'Ed25519' ? ['EdDSA', 'Ed25519'] : [key.type];
}

/**
 * Imports a configured key for `jose`. `parseJwtConfig` has already checked it with
 * `node:crypto`, so failing here means the two disagree: an internal error, not the caller's.
 */
export async function importVerificationKey(key: Exclude<JwtKeySource, { kind: 'jwk-url' }>): Promise<CryptoKey | Uint8Array> {
  if (key.kind === 'shared-secret') return key.secret.reveal();
  const alg = key.type === 'Ed25519' ? 'EdDSA' : key.type;
  try {
    switch (key.format) {
      case 'spki':
        return await importSPKI(key.pem, alg);
      case 'x509':
        return await importX509(key.pem, alg);
      case 'pkcs1':
        // jose reads only SubjectPublicKeyInfo PEM; node converts a PKCS#1 RSA key to a JWK.
        return (await importJWK(createPublicKey({ key: key.pem, format: 'pem' }).export({ format: 'jwk' }), alg)) as CryptoKey;
    }
  } catch (error) {
    throw new GatewayError('unexpected', 'the configured JWT key could not be loaded', { status: 500, cause: error });
  }
}
