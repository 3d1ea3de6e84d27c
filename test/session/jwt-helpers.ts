import { SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { expect } from 'vitest';
import { GatewayError } from '../../gateway/errors/index.js';

export const hsSecret = 'a-shared-secret-of-at-least-32-chars!!';
export const hsKey = new TextEncoder().encode(hsSecret);
export const namespace = 'https://hasura.io/jwt/claims';

export interface SignOptions {
  readonly alg?: string;
  readonly kid?: string;
  /** Seconds from now; negative for an expired token. Omit for no `exp`. */
  readonly expiresIn?: number;
}

export async function sign(payload: JWTPayload, key: CryptoKey | Uint8Array = hsKey, options: SignOptions = {}): Promise<string> {
  const jwt = new SignJWT(payload).setProtectedHeader({ alg: options.alg ?? 'HS256', ...(options.kid ? { kid: options.kid } : {}) }).setIssuedAt();
  if (options.expiresIn !== undefined) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + options.expiresIn);
  return jwt.sign(key);
}

export function bearer(token: string): Headers {
  return new Headers({ authorization: `Bearer ${token}` });
}

export const userClaims = {
  'x-hasura-allowed-roles': ['user', 'editor'],
  'x-hasura-default-role': 'user',
  'x-hasura-user-id': '42',
};

/** Awaits a rejection and checks it is the GatewayError Hasura would send. */
export async function expectGatewayError(promise: Promise<unknown>, code: string, message: string | RegExp): Promise<GatewayError> {
  const error = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  const gatewayError = error as GatewayError;
  expect(gatewayError.code).toBe(code);
  if (typeof message === 'string') expect(gatewayError.message).toBe(message);
  else expect(gatewayError.message).toMatch(message);
  expect(gatewayError.status).toBe(400);
  return gatewayError;
}
