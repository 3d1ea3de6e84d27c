import { describe, expect, it } from 'vitest';
import {
  createServiceKeyVerifier,
  extractServiceKey,
  generateServiceKey,
  hashServiceKey,
  parseServiceKeyHash,
  selectServiceRole,
  serviceKeyMatchesHash,
  type ServiceKeyRecord,
} from '../../gateway/session/service-keys/index.js';
import { GatewayError } from '../../gateway/errors/index.js';
import { expectDenied, keyHeaders, makeKey } from './service-key-helpers.js';

describe('service key format and hash', () => {
  it('generates sk_ and 43 base64url characters, different every time', () => {
    const a = generateServiceKey();
    expect(a).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(3), 'base64url')).toHaveLength(32);
    expect(generateServiceKey()).not.toBe(a);
  });

  it('hashes as scrypt$<salt>$<hash> with a fresh salt, and matches only the same key', async () => {
    const key = generateServiceKey();
    const [h1, h2] = await Promise.all([hashServiceKey(key), hashServiceKey(key)]);
    expect(h1).toMatch(/^scrypt\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(h1).not.toBe(h2);
    expect(h1).not.toContain(key.slice(3));
    expect(parseServiceKeyHash(h1)).toMatchObject({ salt: expect.any(Buffer), hash: expect.any(Buffer) });
    expect(await serviceKeyMatchesHash(key, h1)).toBe(true);
    expect(await serviceKeyMatchesHash(key, h2)).toBe(true);
    expect(await serviceKeyMatchesHash(generateServiceKey(), h1)).toBe(false);
  });

  it('accepts standard base64 with padding and refuses other shapes', async () => {
    const key = generateServiceKey();
    const [, salt, hash] = (await hashServiceKey(key)).split('$');
    const standard = `scrypt$${Buffer.from(salt!, 'base64url').toString('base64')}$${Buffer.from(hash!, 'base64url').toString('base64')}`;
    expect(await serviceKeyMatchesHash(key, standard)).toBe(true);
    for (const bad of ['', key, 'sha256$abc$def', `scrypt$${salt}`, `scrypt$${salt}$${hash}$x`, `scrypt$c2FsdA$${hash}`, `scrypt$${salt}$aGFzaA`]) {
      expect(parseServiceKeyHash(bad)).toBeNull();
      expect(await serviceKeyMatchesHash(key, bad)).toBe(false);
    }
  });
});

describe('reading the key from the request', () => {
  it('reads x-sluice-service-key, else a bearer token starting with sk_', () => {
    expect(extractServiceKey(new Headers({ 'x-sluice-service-key': ' sk_a ' }))).toBe('sk_a');
    expect(extractServiceKey(new Headers({ authorization: 'Bearer sk_b' }))).toBe('sk_b');
    expect(extractServiceKey(new Headers({ authorization: 'bearer sk_b' }))).toBe('sk_b');
    expect(extractServiceKey(new Headers({ 'x-sluice-service-key': 'sk_a', authorization: 'Bearer sk_b' }))).toBe('sk_a');
  });

  it('leaves JWTs, other schemes and requests without a key alone', () => {
    expect(extractServiceKey(new Headers())).toBeNull();
    expect(extractServiceKey(new Headers({ authorization: 'Bearer eyJhbGciOi.x.y' }))).toBeNull();
    expect(extractServiceKey(new Headers({ authorization: 'Basic sk_abc' }))).toBeNull();
    expect(extractServiceKey(new Headers({ 'x-hasura-admin-secret': 'sk_abc' }))).toBeNull();
  });
});

describe('selectServiceRole', () => {
  const match = { roles: ['reporter', 'ingest'] };

  it('returns the requested role when the key allows it', () => {
    expect(selectServiceRole(match, 'ingest')).toBe('ingest');
  });

  it('refuses other roles, a missing role and admin, with 400 access-denied', () => {
    const attempt = (role: string | null) => {
      try {
        selectServiceRole({ roles: [...match.roles, 'admin'] }, role);
      } catch (error) {
        return { code: (error as GatewayError).code, status: (error as GatewayError).status, message: (error as GatewayError).message };
      }
      return undefined;
    };
    expect(attempt('user')).toEqual({ code: 'access-denied', status: 400, message: 'the service key does not allow role "user"' });
    expect(attempt('admin')).toEqual({ code: 'access-denied', status: 400, message: 'the service key does not allow role "admin"' });
    expect(attempt(null)).toMatchObject({ code: 'access-denied', message: 'a service key needs an "x-hasura-role" header naming one of its roles' });
    expect(attempt('')).toMatchObject({ code: 'access-denied' });
  });
});

describe('createServiceKeyVerifier', () => {
  it('returns null when the request presents no service key', async () => {
    const { record } = await makeKey('reports', ['reporter']);
    const verifier = createServiceKeyVerifier(() => [record]);
    expect(await verifier.verify(new Headers({ 'x-hasura-role': 'reporter' }))).toBeNull();
    expect(await verifier.verify(new Headers({ authorization: 'Bearer eyJ.x.y' }))).toBeNull();
  });

  it('grants exactly the requested role of a valid key, by header or bearer token', async () => {
    const { key, record } = await makeKey('reports', ['reporter', 'ingest']);
    const verifier = createServiceKeyVerifier(() => [record]);
    expect(await verifier.verify(keyHeaders(key, 'reporter'))).toEqual({ name: 'reports', roles: ['reporter', 'ingest'], role: 'reporter' });
    expect(await verifier.verify(keyHeaders(key, 'ingest', 'bearer'))).toEqual({ name: 'reports', roles: ['reporter', 'ingest'], role: 'ingest' });
  });

  it('accepts both keys of a service during rotation, and only the new one after the old is dropped', async () => {
    const old = await makeKey('reports-2024', ['reporter']);
    const fresh = await makeKey('reports-2025', ['reporter']);
    let records: ServiceKeyRecord[] = [old.record, fresh.record];
    const verifier = createServiceKeyVerifier(() => records);
    expect(await verifier.verify(keyHeaders(old.key, 'reporter'))).toMatchObject({ name: 'reports-2024' });
    expect(await verifier.verify(keyHeaders(fresh.key, 'reporter'))).toMatchObject({ name: 'reports-2025' });
    records = [fresh.record];
    // The old key's success is cached, but a dropped key stops working at once.
    await expectDenied(verifier.verify(keyHeaders(old.key, 'reporter')), 'invalid service key', old.key, 401);
    expect(await verifier.verify(keyHeaders(fresh.key, 'reporter'))).toMatchObject({ name: 'reports-2025' });
  });

  it('refuses an unknown key, a malformed key and an empty header as invalid', async () => {
    const { key, record } = await makeKey('reports', ['reporter']);
    const verifier = createServiceKeyVerifier(() => [record]);
    const wrong = generateServiceKey();
    await expectDenied(verifier.verify(keyHeaders(wrong, 'reporter')), 'invalid service key', wrong, 401);
    const oneOff = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    await expectDenied(verifier.verify(keyHeaders(oneOff, 'reporter')), 'invalid service key', oneOff);
    await expectDenied(verifier.verify(keyHeaders(`${key}x`, 'reporter')), 'invalid service key', `${key}x`);
    await expectDenied(verifier.verify(new Headers({ 'x-sluice-service-key': '', 'x-hasura-role': 'reporter' })), 'invalid service key', key);
    await expectDenied(verifier.verify(new Headers({ authorization: 'Bearer sk_short', 'x-hasura-role': 'reporter' })), 'invalid service key', key);
  });

  it('refuses a key that has expired, from the moment of its expiry', async () => {
    const { key, record } = await makeKey('reports', ['reporter'], { expires_at: '2030-01-01T00:00:00Z' });
    let now = new Date('2029-12-31T23:59:59.999Z');
    const verifier = createServiceKeyVerifier(() => [record], { now: () => now });
    expect(await verifier.verify(keyHeaders(key, 'reporter'))).toMatchObject({ name: 'reports' });
    now = new Date('2030-01-01T00:00:00Z');
    await expectDenied(verifier.verify(keyHeaders(key, 'reporter')), 'service key expired', key, 401);
  });

  it('treats an unreadable expiry as expired', async () => {
    const { key, record } = await makeKey('reports', ['reporter'], { expires_at: 'next tuesday' });
    await expectDenied(createServiceKeyVerifier(() => [record]).verify(keyHeaders(key, 'reporter')), 'service key expired', key);
  });

  it('refuses a role outside the key, a missing role, and admin even when a hand-edited record lists it', async () => {
    const { key, record } = await makeKey('reports', ['reporter', 'admin']);
    const verifier = createServiceKeyVerifier(() => [record]);
    await expectDenied(verifier.verify(keyHeaders(key, 'user')), 'the service key does not allow role "user"', key, 400);
    await expectDenied(verifier.verify(keyHeaders(key, 'admin')), 'the service key does not allow role "admin"', key, 400);
    await expectDenied(verifier.verify(keyHeaders(key)), 'a service key needs an "x-hasura-role" header naming one of its roles', key);
  });

  it('takes roles and expiry from the current records, not from the cache', async () => {
    const { key, record } = await makeKey('reports', ['reporter']);
    let records: ServiceKeyRecord[] = [record];
    const verifier = createServiceKeyVerifier(() => records);
    expect(await verifier.verify(keyHeaders(key, 'reporter'))).toMatchObject({ role: 'reporter' });
    records = [{ ...record, roles: ['ingest'] }];
    await expectDenied(verifier.verify(keyHeaders(key, 'reporter')), 'the service key does not allow role "reporter"', key);
    records = [{ ...record, expires_at: '2000-01-01T00:00:00Z' }];
    await expectDenied(verifier.verify(keyHeaders(key, 'reporter')), 'service key expired', key);
  });

  it('accepts a key imported after the same key was refused, despite the cached refusal', async () => {
    const other = await makeKey('other', ['reporter']);
    const { key, record } = await makeKey('reports', ['reporter']);
    let records: ServiceKeyRecord[] = [other.record];
    const verifier = createServiceKeyVerifier(() => records);
    await expectDenied(verifier.verify(keyHeaders(key, 'reporter')), 'invalid service key', key);
    records = [other.record, record];
    expect(await verifier.verify(keyHeaders(key, 'reporter'))).toMatchObject({ name: 'reports' });
  });
});
