import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';

interface EventRow {
  trigger_name: string;
  schema_name: string;
  table_name: string;
  op: string;
  data: { old: Record<string, unknown> | null; new: Record<string, unknown> | null };
  session_variables: Record<string, string> | null;
  status: string;
}

/** Capture's part of a row; `status` moves on as soon as the gateway's delivery worker sees it. */
const captured = ({ status: _status, ...rest }: EventRow) => rest;

describe('event capture', () => {
  let g: TestGateway;
  const meta = (type: string, args: unknown) => g.post('/v1/metadata', { type, args });
  const events = async (trigger?: string) =>
    (
      await g.db.pool.query<EventRow>(
        'SELECT trigger_name, schema_name, table_name, op, data, session_variables, status FROM sluice.event_log WHERE $1::text IS NULL OR trigger_name = $1 ORDER BY created_at, id',
        [trigger ?? null],
      )
    ).rows;
  const sqlTriggers = async () =>
    (
      await g.db.pool.query<{ tgname: string; relname: string }>(
        "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal ORDER BY 1",
      )
    ).rows;

  beforeAll(async () => {
    g = await startTestGateway({
      example: false,
      setupSql: `CREATE TABLE public.item (id int PRIMARY KEY, name text, price numeric, note text);
                 CREATE TABLE public.other (id int PRIMARY KEY);`,
    });
    expect((await meta('pg_track_table', { table: 'item' })).status).toBe(200);
    expect((await meta('pg_track_table', { table: 'other' })).status).toBe(200);
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(async () => {
    await meta('replace_metadata', {
      version: 3,
      sources: [{ name: 'default', kind: 'postgres', tables: [{ table: { schema: 'public', name: 'item' } }, { table: { schema: 'public', name: 'other' } }] }],
    });
    await g.db.pool.query('TRUNCATE public.item, public.other; DELETE FROM sluice.event_log; DELETE FROM sluice.event_trigger_state');
  });

  const createAll = (extra: Record<string, unknown> = {}) =>
    meta('pg_create_event_trigger', {
      name: 'item_all',
      table: 'item',
      insert: { columns: '*' },
      update: { columns: '*' },
      delete: { columns: '*' },
      webhook: 'http://localhost:1/hook',
      ...extra,
    });

  it('installs one SQL trigger per operation and captures plain SQL writes with null session variables', async () => {
    expect((await createAll()).body).toEqual({ message: 'success' });
    expect(await sqlTriggers()).toEqual([
      { tgname: 'notify_item_all_DELETE', relname: 'item' },
      { tgname: 'notify_item_all_INSERT', relname: 'item' },
      { tgname: 'notify_item_all_UPDATE', relname: 'item' },
    ]);
    await g.db.pool.query("INSERT INTO item VALUES (1, 'a', 2.5, null)");
    await g.db.pool.query("UPDATE item SET name = 'b' WHERE id = 1");
    await g.db.pool.query('DELETE FROM item WHERE id = 1');
    const rows = (await events()).map(captured);
    expect(rows).toEqual([
      { trigger_name: 'item_all', schema_name: 'public', table_name: 'item', op: 'INSERT', session_variables: null,
        data: { old: null, new: { id: 1, name: 'a', price: 2.5, note: null } } },
      { trigger_name: 'item_all', schema_name: 'public', table_name: 'item', op: 'UPDATE', session_variables: null,
        data: { old: { id: 1, name: 'a', price: 2.5, note: null }, new: { id: 1, name: 'b', price: 2.5, note: null } } },
      { trigger_name: 'item_all', schema_name: 'public', table_name: 'item', op: 'DELETE', session_variables: null,
        data: { old: { id: 1, name: 'b', price: 2.5, note: null }, new: null } },
    ]);
  });

  it('captures GraphQL mutations with the writer\'s session variables, one event per row change', async () => {
    await createAll();
    const headers = { 'x-hasura-role': 'admin', 'x-hasura-user-id': '42' };
    const insert = await g.graphql('mutation { insert_item_one(object: {id: 5, name: "x", price: 1}) { id } }', undefined, headers);
    expect(insert.body).toEqual({ data: { insert_item_one: { id: 5 } } });
    await g.graphql('mutation { update_item_by_pk(pk_columns: {id: 5}, _set: {name: "y"}) { id } }', undefined, headers);
    await g.graphql('mutation { delete_item_by_pk(id: 5) { id } }', undefined, headers);
    const rows = await events();
    expect(rows.map((r) => r.op)).toEqual(['INSERT', 'UPDATE', 'DELETE']);
    for (const row of rows) expect(row.session_variables).toMatchObject({ 'x-hasura-role': 'admin', 'x-hasura-user-id': '42' });
    expect(rows[0]!.data).toEqual({ old: null, new: { id: 5, name: 'x', price: 1, note: null } });
    expect(rows[1]!.data).toEqual({ old: { id: 5, name: 'x', price: 1, note: null }, new: { id: 5, name: 'y', price: 1, note: null } });
    expect(rows[2]!.data).toEqual({ old: { id: 5, name: 'y', price: 1, note: null }, new: null });
  });

  it('makes no event for a write that rolls back, in SQL or in a failed GraphQL mutation', async () => {
    await createAll();
    const client = await g.db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("INSERT INTO item VALUES (1, 'a', 1, null)");
      expect((await client.query('SELECT count(*)::int AS n FROM sluice.event_log')).rows[0].n).toBe(1);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    // The second root field violates the primary key: the whole mutation rolls back.
    const result = await g.graphql('mutation { a: insert_item_one(object: {id: 2}) { id } b: insert_item_one(object: {id: 2}) { id } }');
    expect(result.body).toMatchObject({ errors: [expect.anything()] });
    expect(await events()).toEqual([]);
  });

  it('fires an update trigger only when a listened column changed', async () => {
    await createAll({ insert: undefined, delete: undefined, update: { columns: ['name', 'price'] } });
    await g.db.pool.query("INSERT INTO item VALUES (1, 'a', 1, 'n')");
    await g.db.pool.query("UPDATE item SET note = 'changed'");
    await g.db.pool.query("UPDATE item SET name = 'a'"); // same value: no change
    expect(await events()).toEqual([]);
    await g.db.pool.query('UPDATE item SET price = 2');
    await g.db.pool.query('UPDATE item SET name = NULL');
    expect((await events()).map((e) => [e.data.old?.price, e.data.new?.price, e.data.new?.name])).toEqual([
      [1, 2, 'a'],
      [2, 2, null],
    ]);
  });

  it('ignores updates that change nothing when listening to all columns', async () => {
    await createAll();
    await g.db.pool.query("INSERT INTO item VALUES (1, 'a', 1, 'n')");
    await g.db.pool.query("UPDATE item SET name = 'a'");
    expect((await events()).map((e) => e.op)).toEqual(['INSERT']);
  });

  it('restricts old and new to the payload columns', async () => {
    await createAll({
      insert: { columns: '*', payload: ['id', 'name'] },
      update: { columns: ['price'], payload: ['id', 'price'] },
      delete: { columns: '*', payload: ['id'] },
    });
    await g.db.pool.query("INSERT INTO item VALUES (1, 'a', 1, 'secret')");
    await g.db.pool.query('UPDATE item SET price = 3');
    await g.db.pool.query('DELETE FROM item');
    expect((await events()).map((e) => e.data)).toEqual([
      { old: null, new: { id: 1, name: 'a' } },
      { old: { id: 1, price: 1 }, new: { id: 1, price: 3 } },
      { old: { id: 1 }, new: null },
    ]);
  });

  it('replaces the SQL trigger when the event trigger is replaced', async () => {
    await createAll();
    expect((await createAll({ replace: true, insert: undefined, delete: undefined })).status).toBe(200);
    expect((await sqlTriggers()).map((t) => t.tgname)).toEqual(['notify_item_all_UPDATE']);
    await g.db.pool.query("INSERT INTO item VALUES (1, 'a', 1, null)");
    expect(await events()).toEqual([]);
  });

  it('delete_event_trigger removes the SQL trigger and archives pending events, leaving others\' triggers alone', async () => {
    await g.db.pool.query(`CREATE FUNCTION public.mine() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
      CREATE TRIGGER "notify_mine_INSERT" AFTER INSERT ON public.other FOR EACH ROW EXECUTE FUNCTION public.mine()`);
    try {
      await createAll();
      // Not due for an hour, so the delivery worker leaves it pending.
      await g.db.pool.query(`BEGIN; INSERT INTO item VALUES (1, 'a', 1, null);
        UPDATE sluice.event_log SET next_retry_at = now() + interval '1 hour'; COMMIT`);
      expect((await meta('pg_delete_event_trigger', { name: 'item_all' })).body).toEqual({ message: 'success' });
      expect(await sqlTriggers()).toEqual([{ tgname: 'notify_mine_INSERT', relname: 'other' }]);
      const functions = await g.db.pool.query("SELECT proname FROM pg_proc WHERE proname LIKE 'notify_item%' ORDER BY 1");
      expect(functions.rows).toEqual([]);
      expect((await events()).map((e) => e.status)).toEqual(['archived']);
      await g.db.pool.query("INSERT INTO item VALUES (2, 'b', 1, null)");
      expect(await events()).toHaveLength(1);
    } finally {
      await g.db.pool.query('DROP TRIGGER "notify_mine_INSERT" ON public.other; DROP FUNCTION public.mine()');
    }
  });

  it('replace_metadata and clear_metadata keep the SQL triggers in sync', async () => {
    const exported = (await meta('export_metadata', {})).body as { sources: { tables: unknown[] }[] };
    const withTrigger = {
      version: 3,
      sources: [
        {
          name: 'default',
          kind: 'postgres',
          tables: [
            { table: { schema: 'public', name: 'item' } },
            {
              table: { schema: 'public', name: 'other' },
              event_triggers: [{ name: 'other_ins', definition: { enable_manual: false, insert: { columns: '*' } }, retry_conf: { num_retries: 0, interval_sec: 10, timeout_sec: 60 }, webhook: 'http://x' }],
            },
          ],
        },
      ],
    };
    expect(exported.sources[0]!.tables).toHaveLength(2);
    expect((await meta('replace_metadata', withTrigger)).status).toBe(200);
    expect(await sqlTriggers()).toEqual([{ tgname: 'notify_other_ins_INSERT', relname: 'other' }]);
    // Idempotent: replacing with the same document reinstalls nothing.
    const oid = async () => (await g.db.pool.query("SELECT oid FROM pg_trigger WHERE tgname = 'notify_other_ins_INSERT'")).rows[0]?.oid;
    const before = await oid();
    expect((await meta('replace_metadata', withTrigger)).status).toBe(200);
    expect(await oid()).toBe(before);
    expect((await meta('clear_metadata', {})).status).toBe(200);
    expect(await sqlTriggers()).toEqual([]);
  });

  it('untracking a table removes its SQL triggers', async () => {
    await createAll();
    expect((await meta('pg_untrack_table', { table: 'item', cascade: true })).status).toBe(200);
    expect(await sqlTriggers()).toEqual([]);
    await meta('pg_track_table', { table: 'item' });
  });

  it('reports a trigger whose table was dropped as inconsistent, and removes its function', async () => {
    await g.db.pool.query('CREATE TABLE public.doomed (id int PRIMARY KEY)');
    await meta('pg_track_table', { table: 'doomed' });
    expect((await meta('pg_create_event_trigger', { name: 'doomed_ins', table: 'doomed', insert: { columns: '*' }, webhook: 'http://x' })).status).toBe(200);
    await g.db.pool.query('DROP TABLE public.doomed');
    const report = await meta('get_inconsistent_metadata', {});
    expect(report.body).toMatchObject({
      is_consistent: false,
      inconsistent_objects: expect.arrayContaining([
        expect.objectContaining({ type: 'table' }),
        expect.objectContaining({ type: 'event_trigger', name: 'event_trigger doomed_ins in table doomed in source default', reason: 'Inconsistent object: in event trigger "doomed_ins": table "doomed" does not exist' }),
      ]),
    });
    expect((await meta('reload_metadata', {})).status).toBe(200);
    expect((await g.db.pool.query("SELECT proname FROM pg_proc WHERE proname = 'notify_doomed_ins_INSERT'")).rows).toEqual([]);
    // The gateway keeps serving; its health check says so (500 with ?strict=true, for a deploy gate).
    expect(await g.request('/healthz')).toMatchObject({ status: 200, text: 'WARN: inconsistent objects in schema' });
    expect(await g.request('/healthz?strict=true')).toMatchObject({ status: 500, text: 'ERROR: inconsistent objects in schema' });
    expect((await meta('drop_inconsistent_metadata', {})).status).toBe(200);
    expect((await meta('get_inconsistent_metadata', {})).body).toMatchObject({ is_consistent: true });
    expect(await g.request('/healthz')).toMatchObject({ status: 200, text: 'OK' });
  });

  it('refuses a trigger on a view', async () => {
    await g.db.pool.query('CREATE VIEW public.item_view AS SELECT * FROM public.item');
    await meta('pg_track_table', { table: 'item_view' });
    const result = await meta('pg_create_event_trigger', { name: 'on_view', table: 'item_view', insert: { columns: '*' }, webhook: 'http://x' });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: expect.stringContaining('only supported on tables') });
  });

  it('makes dropping a listened column a dependency error rather than breaking writes', async () => {
    await createAll({ insert: undefined, delete: undefined, update: { columns: ['note'] } });
    await expect(g.db.pool.query('ALTER TABLE item DROP COLUMN note')).rejects.toThrow(/depend/);
  });

  it('reports a trigger whose listened column was dropped with CASCADE on /healthz, as get_inconsistent_metadata does', async () => {
    await meta('pg_delete_event_trigger', { name: 'item_all' });
    await g.db.pool.query('ALTER TABLE item ADD COLUMN gone text');
    expect((await meta('pg_create_event_trigger', { name: 'item_gone', table: 'item', update: { columns: ['gone'] }, webhook: 'http://x' })).status).toBe(200);
    expect(await g.request('/healthz')).toMatchObject({ status: 200, text: 'OK' });
    await g.db.pool.query('ALTER TABLE item DROP COLUMN gone CASCADE');
    expect((await meta('reload_metadata', {})).status).toBe(200);
    const report = await meta('get_inconsistent_metadata', {});
    expect(report.body).toMatchObject({ is_consistent: false, inconsistent_objects: [expect.objectContaining({ type: 'event_trigger' })] });
    expect(await g.request('/healthz')).toMatchObject({ status: 200, text: 'WARN: inconsistent objects in schema' });
    expect(await g.request('/healthz?strict=true')).toMatchObject({ status: 500 });
    expect((await meta('pg_delete_event_trigger', { name: 'item_gone' })).status).toBe(200);
    expect(await g.request('/healthz')).toMatchObject({ status: 200, text: 'OK' });
  });

  it('makes dropping a payload column a dependency error too, for every operation', async () => {
    // The capture function selects the payload columns; without the dependency the drop would
    // succeed and every later write to the table would fail with `record "new" has no field`.
    for (const op of ['insert', 'update', 'delete'] as const) {
      await meta('pg_delete_event_trigger', { name: 'item_all' });
      await createAll({ insert: undefined, update: undefined, delete: undefined, [op]: { columns: '*', payload: ['id', 'note'] } });
      await expect(g.db.pool.query('ALTER TABLE item DROP COLUMN note')).rejects.toThrow(/other objects depend on it/);
    }
    // Columns outside the payload can still go.
    await g.db.pool.query('ALTER TABLE item ADD COLUMN spare text; ALTER TABLE item DROP COLUMN spare');
    await g.db.pool.query("INSERT INTO item VALUES (1, 'a', 1, 'n'); UPDATE item SET note = 'm'; DELETE FROM item");
    expect((await events()).map((e) => [e.op, e.data])).toEqual([['DELETE', { old: { id: 1, note: 'm' }, new: null }]]);
  });

  it('names the partitioned table, not the partition, in events of a partitioned table (as Hasura)', async () => {
    // Upstream's TestCreateEventQueryPostgres.test_partitioned_table_basic_insert, whose webhook
    // assertions the conformance runner cannot express.
    await g.db.pool.query(`CREATE TABLE public.measurement (city_id int NOT NULL, logdate date NOT NULL, peaktemp int) PARTITION BY RANGE (logdate);
      CREATE TABLE public.measurement_y2006m02 PARTITION OF public.measurement FOR VALUES FROM ('2006-02-01') TO ('2006-03-01')`);
    try {
      await meta('pg_track_table', { table: 'measurement' });
      const created = await meta('pg_create_event_trigger', {
        name: 'measurement_all', table: 'measurement', insert: { columns: '*' }, update: { columns: '*' }, delete: { columns: '*' }, webhook: 'http://x',
      });
      expect(created.status).toBe(200);
      // A partition attached after the trigger was created gets it too.
      await g.db.pool.query(`CREATE TABLE public.measurement_y2006m03 PARTITION OF public.measurement FOR VALUES FROM ('2006-03-01') TO ('2006-04-01')`);
      await g.db.pool.query(`INSERT INTO measurement VALUES (1, '2006-02-10', 30), (2, '2006-03-10', 31)`);
      await g.db.pool.query(`UPDATE measurement SET peaktemp = 32 WHERE city_id = 2`);
      // The two inserts share one created_at (one statement): compare them in city order.
      const rows = (await events('measurement_all')).toSorted((a, b) => a.op.localeCompare(b.op) || Number(a.data.new?.city_id) - Number(b.data.new?.city_id));
      expect(rows.map((e) => [e.schema_name, e.table_name, e.op, e.data.new?.city_id ?? null])).toEqual([
        ['public', 'measurement', 'INSERT', 1],
        ['public', 'measurement', 'INSERT', 2],
        ['public', 'measurement', 'UPDATE', 2],
      ]);
    } finally {
      await meta('pg_untrack_table', { table: 'measurement', cascade: true });
      await g.db.pool.query('DROP TABLE public.measurement');
    }
  });
});
