import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetadataFixture, resetMetadata, type MetadataFixture } from './metadata-fixture.js';

describe('table operations', () => {
  let f: MetadataFixture;
  const meta = (type: string, args: unknown, extra: Record<string, unknown> = {}) => f.api.handleMetadata({ type, args, ...extra });
  const tables = async () => (await f.store.load()).metadata.sources[0]!.tables;

  beforeAll(async () => {
    f = await createMetadataFixture();
    await f.sql(`
      CREATE TABLE author (id serial PRIMARY KEY, name text);
      CREATE TABLE article (id serial PRIMARY KEY, title text, author_id int REFERENCES author(id));
      CREATE SCHEMA hge_tests;
      CREATE TABLE hge_tests.resident (id serial PRIMARY KEY);
      CREATE TABLE "users address" (id serial PRIMARY KEY);`);
  });
  afterAll(async () => {
    await f.close();
  });
  beforeEach(async () => {
    await resetMetadata(f);
  });

  it('tracks a table given as an object, a bare name, or the legacy flat form', async () => {
    expect(await meta('pg_track_table', { table: { schema: 'hge_tests', name: 'resident' } })).toEqual({ status: 200, body: { message: 'success' } });
    expect((await meta('pg_track_table', { table: 'author', source: 'default' })).status).toBe(200);
    expect((await f.api.handleQueryV1({ type: 'track_table', args: { schema: 'public', name: 'users address' } })).status).toBe(200);
    expect((await tables()).map((t) => t.table)).toEqual([
      { schema: 'hge_tests', name: 'resident' },
      { schema: 'public', name: 'author' },
      { schema: 'public', name: 'users address' },
    ]);
  });

  it('tracks a table whose whole argument is its name, as v1 setups send it', async () => {
    expect(await f.api.handleQueryV1({ type: 'bulk', args: [{ type: 'track_table', args: 'author' }] })).toEqual({
      status: 200,
      body: [{ message: 'success' }],
    });
    expect((await tables()).map((t) => t.table)).toEqual([{ schema: 'public', name: 'author' }]);
  });

  it('stores the configuration and asks the gateway to reload once per change', async () => {
    const before = f.reloads.count;
    const configuration = { custom_name: 'Writer', custom_root_fields: { select: 'writers' }, column_config: { id: { custom_name: 'writerId' } } };
    await meta('track_table', { table: 'author', configuration });
    expect(f.reloads.count).toBe(before + 1);
    expect((await tables())[0]).toEqual({ table: { schema: 'public', name: 'author' }, configuration });
  });

  it('refuses to track a table twice with already-tracked', async () => {
    await meta('pg_track_table', { table: 'author' });
    expect(await meta('pg_track_table', { table: 'author' })).toEqual({
      status: 400,
      body: { path: '$.args', error: 'view/table already tracked: "author"', code: 'already-tracked' },
    });
  });

  it('refuses a table that does not exist with not-exists', async () => {
    expect(await meta('pg_track_table', { table: 'nope' })).toEqual({
      status: 400,
      body: { path: '$.args', error: 'table "nope" does not exist', code: 'not-exists' },
    });
  });

  it('answers parse-failed for missing or ill-typed arguments, never 500', async () => {
    expect((await meta('pg_track_table', {})).body).toMatchObject({ code: 'parse-failed', path: '$.args' });
    expect((await meta('pg_track_table', { table: 42 })).body).toMatchObject({ code: 'parse-failed', path: '$.args.table' });
    expect((await meta('pg_track_table', 'author')).body).toMatchObject({ code: 'parse-failed' });
    expect((await f.api.handleMetadata('nonsense')).status).toBe(400);
    expect((await f.api.handleMetadata({ args: {} })).body).toMatchObject({ code: 'parse-failed', path: '$' });
  });

  it('answers bad-request for an unknown command', async () => {
    expect(await meta('frobnicate', {})).toEqual({ status: 400, body: { path: '$', error: 'unknown metadata command "frobnicate"', code: 'bad-request' } });
  });

  it('refuses another source than default', async () => {
    expect((await meta('pg_track_table', { table: 'author', source: 'pg1' })).body).toMatchObject({ code: 'not-exists' });
  });

  it('untracks, and refuses to untrack an untracked table', async () => {
    await meta('pg_track_table', { table: 'author' });
    expect((await meta('pg_untrack_table', { table: 'author' })).status).toBe(200);
    expect(await tables()).toEqual([]);
    expect((await meta('pg_untrack_table', { table: 'author' })).body).toMatchObject({ code: 'already-untracked' });
  });

  it('refuses to untrack a table other relationships point at unless cascade, which drops them', async () => {
    await meta('pg_track_tables', { tables: [{ table: 'author' }, { table: 'article' }] });
    await meta('pg_create_object_relationship', { table: 'article', name: 'author', using: { foreign_key_constraint_on: 'author_id' } });
    const refused = await meta('pg_untrack_table', { table: 'author' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'dependency-error', error: expect.stringContaining('article.author') });
    expect((await meta('pg_untrack_table', { table: 'author', cascade: true })).status).toBe(200);
    expect(await tables()).toEqual([{ table: { schema: 'public', name: 'article' } }]);
  });

  it('tracks a list of tables all or nothing', async () => {
    const failed = await meta('pg_track_tables', { tables: [{ table: 'author' }, { table: 'missing' }] });
    expect(failed.body).toMatchObject({ code: 'not-exists', path: '$.args.tables[1]' });
    expect(await tables()).toEqual([]);
    await meta('pg_track_tables', { tables: [{ table: 'author' }, { table: 'article' }] });
    await meta('pg_untrack_tables', { tables: [{ table: 'author' }, { table: 'article' }] });
    expect(await tables()).toEqual([]);
  });

  it('sets the table customization of a tracked table only', async () => {
    await meta('pg_track_table', { table: 'author' });
    const configuration = { custom_name: 'writer', custom_column_names: { id: 'writerId' } };
    expect((await meta('pg_set_table_customization', { table: 'author', configuration })).status).toBe(200);
    expect((await tables())[0]!.configuration).toEqual(configuration);
    expect((await meta('pg_set_table_customization', { table: 'article', configuration })).body).toMatchObject({ code: 'not-exists' });
  });

  it('exports v1 as the document and v2 with its resource version', async () => {
    await meta('pg_track_table', { table: 'author' });
    const { metadata, resourceVersion } = await f.store.load();
    expect((await meta('export_metadata', {})).body).toEqual(metadata);
    expect((await meta('export_metadata', {}, { version: 2 })).body).toEqual({ resource_version: resourceVersion, metadata });
  });

  it('rejects a stale resource_version with 409 and accepts the current one', async () => {
    const { resourceVersion } = await f.store.load();
    const stale = await meta('pg_track_table', { table: 'author' }, { resource_version: resourceVersion - 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'conflict' });
    expect((await meta('pg_track_table', { table: 'author' }, { resource_version: resourceVersion })).status).toBe(200);
    expect((await f.store.load()).resourceVersion).toBe(resourceVersion + 1);
  });

  it('answers pg_add_source for default as a no-op and refuses other sources', async () => {
    expect(await meta('pg_add_source', { name: 'default', configuration: {} })).toEqual({ status: 200, body: { message: 'success' } });
    expect((await meta('pg_add_source', { name: 'pg1', configuration: {} })).body).toMatchObject({ code: 'not-supported' });
    expect((await meta('pg_drop_source', { name: 'pg1' })).body).toMatchObject({ code: 'not-exists' });
    expect((await meta('pg_drop_source', { name: 'default' })).body).toMatchObject({ code: 'not-supported' });
  });

  it('reloads on reload_metadata and reports consistency', async () => {
    const before = f.reloads.count;
    expect(await meta('reload_metadata', {})).toEqual({ status: 200, body: { message: 'success', is_consistent: true } });
    expect(f.reloads.count).toBe(before + 1);
  });
});
