import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createMetadataApi } from '../../gateway/metadata/index.js';
import { createMetadataFixture, resetMetadata, type MetadataFixture } from './metadata-fixture.js';

describe('bulk', () => {
  let f: MetadataFixture;
  const tracked = async () => (await f.store.load()).metadata.sources[0]!.tables.map((t) => t.table.name);

  beforeAll(async () => {
    f = await createMetadataFixture();
  });
  afterAll(async () => {
    await f.close();
  });
  beforeEach(async () => {
    await resetMetadata(f);
  });

  it('runs SQL and metadata operations in order and answers the list of results, as test setups use it', async () => {
    const response = await f.api.handleQueryV1({
      type: 'bulk',
      args: [
        { type: 'run_sql', args: { sql: 'CREATE TABLE author (id serial PRIMARY KEY, name text UNIQUE, is_registered boolean);' } },
        { type: 'track_table', args: { schema: 'public', name: 'author' } },
        { type: 'insert', args: { table: 'author', objects: [{ name: 'author1', is_registered: true }, { name: 'author2', is_registered: false }] } },
        { type: 'run_sql', args: { sql: 'select * from author' } },
      ],
    });
    expect(response).toEqual({
      status: 200,
      body: [
        { result_type: 'CommandOk', result: null },
        { message: 'success' },
        { affected_rows: 2 },
        { result_type: 'TuplesOk', result: [['id', 'name', 'is_registered'], ['1', 'author1', 't'], ['2', 'author2', 'f']] },
      ],
    });
    expect(await tracked()).toEqual(['author']);
  });

  it('stops at the first error, pointing into the bulk, and keeps what ran before it', async () => {
    const before = (await f.store.load()).resourceVersion;
    const response = await f.api.handleMetadata({
      type: 'bulk',
      args: [
        { type: 'pg_track_table', args: { table: 'author' } },
        { type: 'pg_track_table', args: { table: 'missing' } },
        { type: 'pg_track_table', args: { table: 'never' } },
      ],
    });
    expect(response).toEqual({ status: 400, body: { path: '$.args[1].args', error: 'table "missing" does not exist', code: 'not-exists' } });
    expect(await tracked()).toEqual(['author']);
    // One save for the whole request.
    expect((await f.store.load()).resourceVersion).toBe(before + 1);
  });

  it('rejects a stale resource_version for the whole bulk', async () => {
    const { resourceVersion } = await f.store.load();
    const response = await f.api.handleMetadata({ type: 'bulk', resource_version: resourceVersion + 5, args: [{ type: 'clear_metadata', args: {} }] });
    expect(response.status).toBe(409);
  });

  it('answers parse-failed when bulk args are not a list', async () => {
    expect((await f.api.handleMetadata({ type: 'bulk', args: { type: 'x' } })).body).toMatchObject({ code: 'parse-failed', path: '$.args' });
  });

  it('does not accept run_sql or DML on /v1/metadata', async () => {
    expect((await f.api.handleMetadata({ type: 'run_sql', args: { sql: 'select 1' } })).body).toMatchObject({ code: 'bad-request' });
    expect((await f.api.handleQueryV2({ type: 'track_table', args: { table: 'x' } })).body).toMatchObject({ code: 'bad-request' });
  });

  it('answers 500 unexpected, hiding the message, when something fails that was not raised on purpose', async () => {
    const api = createMetadataApi({
      pool: f.pool,
      store: f.store,
      introspect: () => Promise.reject(new Error('secret internals')),
      reload: async () => {},
      logger: pino({ level: 'silent' }),
    });
    expect(await api.handleMetadata({ type: 'pg_track_table', args: { table: 'x' } })).toEqual({
      status: 500,
      body: { path: '$', error: 'unexpected error', code: 'unexpected' },
    });
  });
});
