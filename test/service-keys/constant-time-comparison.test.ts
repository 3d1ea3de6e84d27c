/**
 * The comparison path, observed rather than timed: `timingSafeEqual` from node:crypto is wrapped
 * in a spy, so these tests see every comparison the verifier makes — one per stored hash, on
 * equal-length buffers — and how the cache and the sharing of concurrent work avoid repeating
 * scrypt.
 */
import { readFile } from 'node:fs/promises';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const spy = vi.hoisted(() => ({ calls: [] as Array<[number, number]> }));

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      spy.calls.push([a.byteLength, b.byteLength]);
      return actual.timingSafeEqual(a, b);
    },
  };
});

const { createServiceKeyVerifier, generateServiceKey } = await import('../../gateway/session/service-keys/index.js');
const { makeKey, keyHeaders, expectDenied } = await import('./service-key-helpers.js');

describe('the comparison path is constant-time', () => {
  beforeEach(() => {
    spy.calls.length = 0;
  });

  it('compares against every stored hash with timingSafeEqual on 32-byte buffers, even after a match', async () => {
    const keys = await Promise.all(['a', 'b', 'c'].map((name) => makeKey(name, ['reporter'])));
    const verifier = createServiceKeyVerifier(() => keys.map((k) => k.record));
    spy.calls.length = 0;
    expect(await verifier.verify(keyHeaders(keys[0]!.key, 'reporter'))).toMatchObject({ name: 'a' });
    expect(spy.calls).toEqual([[32, 32], [32, 32], [32, 32]]);
  });

  it('compares an unreadable stored hash too, without throwing on unequal lengths', async () => {
    const good = await makeKey('good', ['reporter']);
    const verifier = createServiceKeyVerifier(() => [{ name: 'broken', roles: ['reporter'], key_hash: 'scrypt$short$short' }, good.record]);
    spy.calls.length = 0;
    expect(await verifier.verify(keyHeaders(good.key, 'reporter'))).toMatchObject({ name: 'good' });
    expect(spy.calls).toEqual([[32, 32], [32, 32]]);
  });

  it('never compares secrets with == or Buffer.equals in the service key modules', async () => {
    const dir = new URL('../../gateway/session/service-keys/', import.meta.url);
    const hashSource = await readFile(new URL('service-key-hash.ts', dir), 'utf8');
    expect(hashSource).toMatch(/timingSafeEqual\(derived, expected\)/);
    for (const file of ['service-key-hash.ts', 'create-service-key-verifier.ts']) {
      const source = await readFile(new URL(file, dir), 'utf8');
      expect(source).not.toMatch(/\.equals\(|Buffer\.compare|derived\s*===|hash\s*===\s*derived/);
    }
  });
});

describe('the verification cache', () => {
  beforeEach(() => {
    spy.calls.length = 0;
  });

  it('hashes a presented key once per cache period, and again after it', async () => {
    const { key, record } = await makeKey('reports', ['reporter']);
    let now = new Date('2025-01-01T00:00:00Z');
    const verifier = createServiceKeyVerifier(() => [record], { now: () => now, cacheTtlMs: 1000 });
    spy.calls.length = 0;
    for (let i = 0; i < 5; i += 1) await verifier.verify(keyHeaders(key, 'reporter'));
    expect(spy.calls).toHaveLength(1);
    now = new Date(now.getTime() + 1000);
    await verifier.verify(keyHeaders(key, 'reporter'));
    expect(spy.calls).toHaveLength(2);
  });

  it('remembers refusals too, until the stored keys change', async () => {
    const { record } = await makeKey('reports', ['reporter']);
    const wrong = generateServiceKey();
    let records = [record];
    const verifier = createServiceKeyVerifier(() => records);
    spy.calls.length = 0;
    for (let i = 0; i < 3; i += 1) await expectDenied(verifier.verify(keyHeaders(wrong, 'reporter')), 'invalid service key', wrong);
    expect(spy.calls).toHaveLength(1);
    records = [record, (await makeKey('other', ['reporter'])).record];
    spy.calls.length = 0;
    await expectDenied(verifier.verify(keyHeaders(wrong, 'reporter')), 'invalid service key', wrong);
    expect(spy.calls).toHaveLength(2);
  });

  it('does not hash a malformed key at all', async () => {
    const { record } = await makeKey('reports', ['reporter']);
    const verifier = createServiceKeyVerifier(() => [record]);
    spy.calls.length = 0;
    await expectDenied(verifier.verify(keyHeaders('sk_not-a-real-key', 'reporter')), 'invalid service key', 'sk_not-a-real-key');
    expect(spy.calls).toHaveLength(0);
  });

  it('shares one round of hashing between concurrent requests with the same key', async () => {
    const { key, record } = await makeKey('reports', ['reporter']);
    const verifier = createServiceKeyVerifier(() => [record]);
    spy.calls.length = 0;
    const results = await Promise.all(Array.from({ length: 20 }, () => verifier.verify(keyHeaders(key, 'reporter'))));
    expect(results.every((r) => r?.name === 'reports')).toBe(true);
    expect(spy.calls).toHaveLength(1);
  });

  it('keeps at most cacheSize keys, forgetting the least recently used', async () => {
    const keys = await Promise.all(['a', 'b', 'c'].map((name) => makeKey(name, ['reporter'])));
    const verifier = createServiceKeyVerifier(() => keys.map((k) => k.record), { cacheSize: 2 });
    const use = (i: number) => verifier.verify(keyHeaders(keys[i]!.key, 'reporter'));
    await use(0);
    await use(1);
    await use(0); // a is now the most recent
    await use(2); // evicts b
    spy.calls.length = 0;
    await use(0);
    await use(2);
    expect(spy.calls).toHaveLength(0);
    await use(1);
    expect(spy.calls).toHaveLength(3);
  });
});
