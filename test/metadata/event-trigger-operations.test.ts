import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetadataFixture, resetMetadata, type MetadataFixture } from './metadata-fixture.js';

describe('event trigger operations', () => {
  let f: MetadataFixture;
  const v1 = (type: string, args: unknown) => f.api.handleQueryV1({ type, args });
  const meta = (type: string, args: unknown) => f.api.handleMetadata({ type, args });
  const table = { schema: 'hge_tests', name: 'test_t1' };
  const triggers = async () => (await f.store.load()).metadata.sources[0]!.tables.find((t) => t.table.name === 'test_t1')?.event_triggers;

  beforeAll(async () => {
    f = await createMetadataFixture();
    await f.sql('CREATE SCHEMA hge_tests; CREATE TABLE hge_tests.test_t1 (c1 int, c2 text); CREATE TABLE hge_tests.test_t2 (c1 int);');
  });
  afterAll(async () => {
    await f.close();
  });
  beforeEach(async () => {
    await resetMetadata(f);
    await v1('track_table', table);
  });

  it('stores a trigger in the table metadata in the shape Hasura exports, with the default retry_conf', async () => {
    const response = await v1('create_event_trigger', {
      name: 't1_cols',
      table,
      insert: { columns: '*' },
      update: { columns: ['c1'] },
      delete: { columns: '*' },
      webhook: '{{EVENT_WEBHOOK_HANDLER}}',
      headers: [
        { name: 'X-Header-From-Value', value: 'MyValue' },
        { name: 'X-Header-From-Env', value_from_env: 'EVENT_WEBHOOK_HEADER' },
      ],
    });
    expect(response).toEqual({ status: 200, body: { message: 'success' } });
    expect(await triggers()).toEqual([
      {
        name: 't1_cols',
        definition: { enable_manual: false, insert: { columns: '*' }, update: { columns: ['c1'] }, delete: { columns: '*' } },
        retry_conf: { num_retries: 0, interval_sec: 10, timeout_sec: 60 },
        webhook: '{{EVENT_WEBHOOK_HANDLER}}',
        headers: [
          { name: 'X-Header-From-Value', value: 'MyValue' },
          { name: 'X-Header-From-Env', value_from_env: 'EVENT_WEBHOOK_HEADER' },
        ],
      },
    ]);
    const exported = (await meta('export_metadata', {})).body as { sources: { tables: { event_triggers?: unknown[] }[] }[] };
    expect(exported.sources[0]!.tables[0]!.event_triggers).toHaveLength(1);
  });

  it('refuses a trigger without any operation with Hasura\'s parse error at the request', async () => {
    expect(await v1('create_event_trigger', { name: 't1_1', table })).toEqual({
      status: 400,
      body: { path: '$', code: 'parse-failed', error: 'atleast one amongst insert/update/delete/enable_manual spec must be provided' },
    });
  });

  it('checks the webhook, the name and empty column lists', async () => {
    const base = { name: 't1', table, enable_manual: true };
    expect((await v1('create_event_trigger', base)).body).toMatchObject({ code: 'parse-failed', error: 'must provide webhook or webhook_from_env' });
    expect((await v1('create_event_trigger', { ...base, webhook: 'http://x', webhook_from_env: 'X' })).body).toMatchObject({
      error: 'only one of webhook or webhook_from_env should be given',
    });
    expect((await v1('create_event_trigger', { ...base, name: 'bad name', webhook: 'http://x' })).body).toMatchObject({
      error: 'only alphanumeric and underscore and hyphens allowed for name',
    });
    expect((await v1('create_event_trigger', { ...base, insert: { columns: [] }, webhook: 'http://x' })).body).toMatchObject({
      error: 'found empty column specification',
    });
    expect((await meta('pg_create_event_trigger', { ...base, insert: { columns: 42 }, webhook: 'http://x' })).body).toMatchObject({
      code: 'parse-failed',
      path: '$.args.insert.columns',
    });
  });

  it('refuses unknown columns, untracked tables and duplicate names', async () => {
    const trigger = { name: 't1', table, insert: { columns: ['c1', 'nope'] }, webhook: 'http://x' };
    expect(await v1('create_event_trigger', trigger)).toEqual({
      status: 400,
      body: { path: '$.args', code: 'not-exists', error: 'column "nope" does not exist' },
    });
    expect((await v1('create_event_trigger', { ...trigger, table: { schema: 'hge_tests', name: 'test_t2' }, insert: { columns: '*' } })).body).toMatchObject({
      code: 'not-exists',
    });
    expect((await v1('create_event_trigger', { ...trigger, insert: { columns: '*' } })).status).toBe(200);
    await v1('track_table', { schema: 'hge_tests', name: 'test_t2' });
    expect(await meta('pg_create_event_trigger', { ...trigger, table: { schema: 'hge_tests', name: 'test_t2' }, insert: { columns: '*' } })).toEqual({
      status: 400,
      body: { path: '$.args', code: 'already-exists', error: 'Event trigger with name "t1" already exists' },
    });
  });

  it('replaces a trigger on the same table and deletes it by name', async () => {
    await v1('create_event_trigger', { name: 't1', table, insert: { columns: '*' }, webhook: 'http://x' });
    expect((await v1('create_event_trigger', { name: 't1', table, delete: { columns: '*' }, webhook_from_env: 'HOOK', replace: true })).status).toBe(200);
    expect(await triggers()).toEqual([
      { name: 't1', definition: { enable_manual: false, delete: { columns: '*' } }, retry_conf: { num_retries: 0, interval_sec: 10, timeout_sec: 60 }, webhook_from_env: 'HOOK' },
    ]);
    expect((await v1('delete_event_trigger', { name: 't1' })).status).toBe(200);
    expect(await triggers()).toBeUndefined();
    expect(await v1('delete_event_trigger', { name: 't1' })).toEqual({
      status: 400,
      body: { path: '$.args', code: 'not-exists', error: 'event trigger "t1" does not exist' },
    });
  });

  it('installs one Postgres trigger per operation it listens to', async () => {
    await v1('create_event_trigger', { name: 't1', table, insert: { columns: '*' }, webhook: 'http://x' });
    const { rows } = await f.db.pool.query(`SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid = 'hge_tests.test_t1'::regclass AND NOT tgisinternal`);
    expect(rows[0].n).toBe(1);
  });
});
