import { expect } from 'vitest';
import { GatewayError } from '../../gateway/errors/index.js';
import { generateServiceKey, hashServiceKey, type ServiceKeyRecord } from '../../gateway/session/service-keys/index.js';

export async function makeKey(name: string, roles: readonly string[], extra: Partial<ServiceKeyRecord> = {}): Promise<{ key: string; record: ServiceKeyRecord }> {
  const key = generateServiceKey();
  return { key, record: { name, roles, key_hash: await hashServiceKey(key), ...extra } };
}

export function keyHeaders(key: string, role?: string, via: 'header' | 'bearer' = 'header'): Headers {
  const headers = new Headers(via === 'header' ? { 'x-sluice-service-key': key } : { authorization: `Bearer ${key}` });
  if (role !== undefined) headers.set('x-hasura-role', role);
  return headers;
}

/** Awaits a rejection with this code and message, and checks that the key is nowhere in it. */
export async function expectDenied(promise: Promise<unknown>, message: string, key: string, status?: number): Promise<void> {
  const error = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  const gatewayError = error as GatewayError;
  expect({ code: gatewayError.code, message: gatewayError.message }).toEqual({ code: 'access-denied', message });
  if (status !== undefined) expect(gatewayError.status).toBe(status);
  const everything = JSON.stringify({ message: gatewayError.message, path: gatewayError.path, internal: gatewayError.internal, stack: gatewayError.stack });
  expect(everything).not.toContain(key);
  expect(everything).not.toContain(key.slice(3));
}
