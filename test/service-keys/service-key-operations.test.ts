/**
 * The service key operations of `/v1/metadata` on a real catalog, with the verifier reading the
 * keys of the stored metadata after each reload, as the gateway will.
 */
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { introspectDatabase } from '../../schema/introspect/index.js';
import { createMetadataApi, createMetadataStore, type MetadataApi, type MetadataStore } from '../../gateway/metadata/index.js';
import { createServiceKeyVerifier, generateServiceKey, hashServiceKey, type ServiceKeyRecord, type ServiceKeyVerifier } from '../../gateway/session/service-keys/index.js';
import { createCatalog } from '../metadata/metadata-fixture.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { expectDenied, keyHeaders } from './service-key-helpers.js';

describe('service keys through /v1/metadata', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let store: MetadataStore;
  let api: MetadataApi;
  let verifier: ServiceKeyVerifier;
  let keys: readonly ServiceKeyRecord[] = [];
  const logLines: string[] = [];

  const meta = (type: string, args?: unknown) => api.handleMetadata(args === undefined ? { type } : { type, args });
  const create = async (args: Record<string, unknown>) => {
    const response = await meta('sluice_create_service_key', args);
    expect(response.status).toBe(200);
    return (response.body as { key: string }).key;
  };
  /** Everything the key might have reached: the catalog row and every log line. */
  const leaked = async (key: string) => {
    const { rows } = await db.pool.query<{ text: string }>('SELECT metadata::text AS text FROM sluice.metadata');
    return [rows[0]!.text, ...logLines].some((text) => text.includes(key) || text.includes(key.slice(3)));
  };

  beforeAll(async () => {
    db = await createTestDatabase('sluice_service_keys');
    await createCatalog(db.pool);
    await db.pool.query('CREATE TABLE report (id serial PRIMARY KEY, body text)');
    pool = new pg.Pool({ connectionString: db.url, max: 4, options: '-c default_transaction_read_only=on' });
    store = createMetadataStore(pool);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    api = createMetadataApi({
      pool,
      store,
      introspect: () => introspectDatabase(pool),
      // What the gateway's reload gives the verifier: the keys of the newly stored document.
      reload: async () => {
        keys = (await store.load()).metadata.service_keys ?? [];
      },
      logger: pino({ level: 'trace' }, sink),
    });
    verifier = createServiceKeyVerifier(() => keys);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });
  beforeEach(async () => {
    expect((await meta('clear_metadata', {})).status).toBe(200);
  });

  it('creates a key, shown once, that grants its roles; rotates to a second key; drops the first', async () => {
    const response = await meta('sluice_create_service_key', { name: 'reports-v1', roles: ['reporter', 'ingest'], comment: 'nightly report' });
    expect(response.status).toBe(200);
    const first = (response.body as { name: string; key: string }).key;
    expect(response.body).toEqual({ name: 'reports-v1', key: first });
    expect(first).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(await verifier.verify(keyHeaders(first, 'reporter'))).toEqual({ name: 'reports-v1', roles: ['reporter', 'ingest'], role: 'reporter' });

    // Rotation: a second key with the same roles; both work until the old one is dropped.
    const second = await create({ name: 'reports-v2', roles: ['reporter', 'ingest'] });
    expect(second).not.toBe(first);
    expect(await verifier.verify(keyHeaders(first, 'ingest'))).toMatchObject({ name: 'reports-v1' });
    expect(await verifier.verify(keyHeaders(second, 'ingest', 'bearer'))).toMatchObject({ name: 'reports-v2' });
    expect((await meta('sluice_list_service_keys')).body).toEqual([
      { name: 'reports-v1', roles: ['reporter', 'ingest'], expires_at: null, expired: false, comment: 'nightly report' },
      { name: 'reports-v2', roles: ['reporter', 'ingest'], expires_at: null, expired: false, comment: null },
    ]);

    expect(await meta('sluice_drop_service_key', { name: 'reports-v1' })).toEqual({ status: 200, body: { message: 'success' } });
    await expectDenied(verifier.verify(keyHeaders(first, 'reporter')), 'invalid service key', first, 401);
    expect(await verifier.verify(keyHeaders(second, 'reporter'))).toMatchObject({ name: 'reports-v2' });
    expect((await meta('sluice_list_service_keys', {})).body).toEqual([expect.objectContaining({ name: 'reports-v2' })]);

    expect(await meta('sluice_drop_service_key', { name: 'reports-v2' })).toEqual({ status: 200, body: { message: 'success' } });
    await expectDenied(verifier.verify(keyHeaders(second, 'reporter')), 'invalid service key', second);
    // With its last key gone the document has no service_keys at all.
    expect((await store.load()).metadata).not.toHaveProperty('service_keys');
    expect(await leaked(first)).toBe(false);
    expect(await leaked(second)).toBe(false);
  });

  it('refuses a key after its expiry, and a create whose expiry has passed', async () => {
    const soon = new Date(Date.now() + 60_000).toISOString();
    const key = await create({ name: 'temp', roles: ['reporter'], expires_at: soon });
    expect((await meta('sluice_list_service_keys')).body).toEqual([{ name: 'temp', roles: ['reporter'], expires_at: soon, expired: false, comment: null }]);
    expect(await verifier.verify(keyHeaders(key, 'reporter'))).toMatchObject({ name: 'temp' });
    const later = createServiceKeyVerifier(() => keys, { now: () => new Date(Date.now() + 120_000) });
    await expectDenied(later.verify(keyHeaders(key, 'reporter')), 'service key expired', key, 401);

    expect(await meta('sluice_create_service_key', { name: 'late', roles: ['reporter'], expires_at: '2001-01-01T00:00:00Z' })).toEqual({
      status: 400,
      body: { path: '$.args.expires_at', error: 'expires_at is in the past', code: 'validation-failed', internal: expect.any(Array) },
    });
    expect((await meta('sluice_create_service_key', { name: 'local', roles: ['reporter'], expires_at: '2030-01-01 00:00' })).body).toMatchObject({
      code: 'validation-failed',
      path: '$.args.expires_at',
    });
  });

  it('refuses a wrong key and a role the key does not have', async () => {
    const key = await create({ name: 'ingest', roles: ['ingest'] });
    const wrong = generateServiceKey();
    await expectDenied(verifier.verify(keyHeaders(wrong, 'ingest')), 'invalid service key', wrong);
    await expectDenied(verifier.verify(keyHeaders(key, 'reporter')), 'the service key does not allow role "reporter"', key, 400);
    await expectDenied(verifier.verify(keyHeaders(key)), 'a service key needs an "x-hasura-role" header naming one of its roles', key);
  });

  it('never makes a key for admin, by create, import or replace_metadata', async () => {
    const hash = await hashServiceKey(generateServiceKey());
    const adminError = (path: string) => ({ path, error: 'a service key cannot have the role "admin"', code: 'validation-failed', internal: expect.any(Array) });
    expect(await meta('sluice_create_service_key', { name: 'root', roles: ['user', 'admin'] })).toEqual({ status: 400, body: adminError('$.args.roles[1]') });
    expect(await meta('sluice_import_service_key', { name: 'root', roles: ['admin'], key_hash: hash })).toEqual({ status: 400, body: adminError('$.args.roles[0]') });
    const document = { version: 3, sources: [{ name: 'default', kind: 'postgres', tables: [] }], service_keys: [{ name: 'root', roles: ['admin'], key_hash: hash }] };
    expect(await meta('replace_metadata', document)).toEqual({ status: 400, body: adminError('$.args.service_keys[0].roles[0]') });
    expect((await store.load()).metadata).not.toHaveProperty('service_keys');
    // And a key for another role cannot ask for admin.
    const key = await create({ name: 'user', roles: ['user'] });
    await expectDenied(verifier.verify(keyHeaders(key, 'admin')), 'the service key does not allow role "admin"', key);
  });

  it('keeps names unique and reports a missing key on drop', async () => {
    await create({ name: 'reports', roles: ['reporter'] });
    expect(await meta('sluice_create_service_key', { name: 'reports', roles: ['reporter'] })).toEqual({
      status: 400,
      body: { path: '$.args.name', error: 'service key "reports" already exists', code: 'already-exists' },
    });
    const hash = await hashServiceKey(generateServiceKey());
    expect((await meta('sluice_import_service_key', { name: 'reports', roles: ['reporter'], key_hash: hash })).body).toMatchObject({ code: 'already-exists' });
    expect(await meta('sluice_drop_service_key', { name: 'nope' })).toEqual({
      status: 400,
      body: { path: '$.args.name', error: 'service key "nope" does not exist', code: 'not-exists' },
    });
  });

  it('reports malformed arguments and every problem of a request at once', async () => {
    expect((await meta('sluice_create_service_key', { roles: ['x'] })).body).toMatchObject({ code: 'parse-failed', error: 'key "name" not found' });
    expect((await meta('sluice_create_service_key', { name: 'x', roles: 'reporter' })).body).toMatchObject({ code: 'parse-failed', path: '$.args.roles' });
    const response = await meta('sluice_create_service_key', { name: 'bad name', roles: [], expires_at: 'tomorrow' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'validation-failed', path: '$.args', error: expect.stringMatching(/^3 problems in service keys/) });
    expect((response.body as { internal: { path: string }[] }).internal.map((p) => p.path)).toEqual(['$.args.name', '$.args.roles', '$.args.expires_at']);
  });

  it('refuses a key where a hash belongs, without echoing it', async () => {
    const key = generateServiceKey();
    const asHash = await meta('sluice_import_service_key', { name: 'oops', roles: ['reporter'], key_hash: key });
    expect(asHash.body).toMatchObject({ code: 'validation-failed', path: '$.args.key_hash', error: 'key_hash holds a service key, not its hash; never put the key itself in metadata' });
    const asKey = await meta('sluice_import_service_key', { name: 'oops', roles: ['reporter'], key });
    expect(asKey.body).toMatchObject({ code: 'parse-failed', path: '$.args.key' });
    expect(JSON.stringify([asHash, asKey])).not.toContain(key.slice(3));
    expect(await leaked(key)).toBe(false);
  });

  it('exports hashes, never keys, and lists neither', async () => {
    const key = await create({ name: 'reports', roles: ['reporter'], expires_at: '2099-01-01T00:00:00Z' });
    const exported = (await meta('export_metadata', {})).body as { service_keys: ServiceKeyRecord[] };
    expect(exported.service_keys).toEqual([{ name: 'reports', roles: ['reporter'], key_hash: expect.stringMatching(/^scrypt\$[\w-]+\$[\w-]+$/), expires_at: '2099-01-01T00:00:00Z' }]);
    expect(JSON.stringify(exported)).not.toContain(key.slice(3));
    const listed = JSON.stringify((await meta('sluice_list_service_keys')).body);
    expect(listed).not.toContain('key_hash');
    expect(listed).not.toContain(exported.service_keys[0]!.key_hash.split('$')[2]);
  });

  it('applies a document with imported hashes (metadata-as-code), and a key survives export and replace', async () => {
    const key = await create({ name: 'reports', roles: ['reporter'] });
    const exported = (await meta('export_metadata', {})).body as Record<string, unknown>;
    expect((await meta('clear_metadata', {})).status).toBe(200);
    await expectDenied(verifier.verify(keyHeaders(key, 'reporter')), 'invalid service key', key);

    // The key made outside Sluice, its hash committed with the rest of the metadata.
    const outside = generateServiceKey();
    const document = {
      ...exported,
      sources: [{ name: 'default', kind: 'postgres', tables: [{ table: { schema: 'public', name: 'report' } }] }],
      service_keys: [...(exported.service_keys as ServiceKeyRecord[]), { name: 'etl', roles: ['ingest'], key_hash: await hashServiceKey(outside), comment: 'from git' }],
    };
    expect(await meta('replace_metadata', document)).toEqual({ status: 200, body: { message: 'success' } });
    expect(await verifier.verify(keyHeaders(key, 'reporter'))).toMatchObject({ name: 'reports' });
    expect(await verifier.verify(keyHeaders(outside, 'ingest'))).toEqual({ name: 'etl', roles: ['ingest'], role: 'ingest' });
    expect((await meta('export_metadata', {})).body).toEqual(document);

    // The v2 envelope and the legacy document shape carry them as well.
    const legacy = { tables: [{ table: 'report' }], service_keys: document.service_keys };
    expect((await meta('replace_metadata', legacy)).status).toBe(200);
    expect(await verifier.verify(keyHeaders(outside, 'ingest'))).toMatchObject({ name: 'etl' });
    expect(await api.handleMetadata({ type: 'replace_metadata', version: 2, args: { metadata: document } })).toMatchObject({ status: 200 });
  });

  it('imports a single hash, expired or not', async () => {
    const key = generateServiceKey();
    const args = { name: 'old-etl', roles: ['ingest'], key_hash: await hashServiceKey(key), expires_at: '2001-01-01T00:00:00Z', comment: 'kept for audit' };
    expect(await meta('sluice_import_service_key', args)).toEqual({ status: 200, body: { message: 'success' } });
    expect((await meta('sluice_list_service_keys')).body).toEqual([{ name: 'old-etl', roles: ['ingest'], expires_at: '2001-01-01T00:00:00Z', expired: true, comment: 'kept for audit' }]);
    await expectDenied(verifier.verify(keyHeaders(key, 'ingest')), 'service key expired', key);
  });

  it('refuses a document whose service keys are wrong, reporting all of them', async () => {
    const hash = await hashServiceKey(generateServiceKey());
    const document = {
      version: 3,
      sources: [{ name: 'default', kind: 'postgres', tables: [] }],
      service_keys: [
        { name: 'a', roles: ['reporter'], key_hash: hash },
        { name: 'a', roles: ['reporter'], key_hash: 'sha1$nope' },
        { name: 'b', roles: ['reporter', 'reporter'], key_hash: hash, expires_at: 'soon' },
      ],
    };
    const response = await meta('replace_metadata', document);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'validation-failed', path: '$.args.service_keys' });
    expect((response.body as { internal: { path: string }[] }).internal.map((p) => p.path)).toEqual([
      '$.args.service_keys[1].key_hash',
      '$.args.service_keys[2].roles[1]',
      '$.args.service_keys[2].expires_at',
      '$.args.service_keys[1].name',
    ]);
    expect((await meta('replace_metadata', { ...document, service_keys: [{ name: 'a', roles: ['r'], key_hash: hash, key: 'sk_x' }] })).body).toMatchObject({
      code: 'parse-failed',
      path: '$.args.service_keys[0].key',
    });
  });

  it('is a /v1/metadata operation only', async () => {
    expect(await api.handleQueryV1({ type: 'sluice_list_service_keys', args: {} })).toMatchObject({ status: 400, body: { code: 'bad-request' } });
  });
});
