/**
 * Capture triggers follow the metadata a gateway serves, however the metadata or the database got
 * there: a catalog restored or written without the API, objects of an older Sluice, a table
 * dropped and created again, several instances starting at once.
 */
import { Writable } from 'node:stream';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../gateway/config/index.js';
import { createPool, runMigrations } from '../../../gateway/database/index.js';
import { createGateway, type Gateway } from '../../../gateway/http/index.js';
import { createLogger } from '../../../gateway/logging/index.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { quietLogger, waitFor } from '../delivery/delivery-fixture.js';

const trigger = (name: string, table: string) => ({
  table: { schema: 'public', name: table },
  event_triggers: [{ name, definition: { enable_manual: false, insert: { columns: '*' } }, retry_conf: { num_retries: 0, interval_sec: 10, timeout_sec: 60 }, webhook: 'http://127.0.0.1:1/hook' }],
});

/** Writes the document straight into the catalog, as a restore or another tool would. */
async function storeMetadata(db: TestDatabase, tables: unknown[]): Promise<void> {
  await db.pool.query('UPDATE sluice.metadata SET metadata = $1, resource_version = resource_version + 1 WHERE id = 1', [
    JSON.stringify({ version: 3, sources: [{ name: 'default', kind: 'postgres', tables }] }),
  ]);
}

interface Running {
  readonly gateway: Gateway;
  readonly pool: pg.Pool;
  readonly warnings: string[];
}

let db: TestDatabase;
let running: Running[] = [];

/** A gateway on the test database; delivery is off, the sync does not depend on it. */
async function startGateway(): Promise<Running> {
  const warnings: string[] = [];
  const logger = createLogger('warn', new Writable({ write: (chunk: Buffer, _e, done) => (warnings.push(chunk.toString()), done()) }));
  const config = loadConfig({ DATABASE_URL: db.url, SLUICE_POOL_MAX: '3', SLUICE_EVENT_DELIVERY: 'off' });
  const pool = createPool(config, quietLogger());
  const gateway = createGateway({ config, pool, logger, reload: { debounceMs: 20 } });
  const entry = { gateway, pool, warnings };
  running.push(entry);
  await gateway.ready;
  return entry;
}

const installed = async () =>
  (
    await db.pool.query<{ name: string; table: string; oid: number }>(
      `SELECT t.tgname AS name, c.relname AS table, t.tgfoid::int AS oid FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE NOT t.tgisinternal AND t.tgname LIKE 'notify_%' ORDER BY 1`,
    )
  ).rows;

const events = async () => (await db.pool.query<{ trigger_name: string; table_name: string }>('SELECT trigger_name, table_name FROM sluice.event_log ORDER BY created_at')).rows;

beforeAll(async () => {
  db = await createTestDatabase('sluice_trigger_sync');
  await runMigrations(db.url, { example: false }, quietLogger());
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query(`DROP TABLE IF EXISTS public.orders, public.items; CREATE TABLE public.orders (id int PRIMARY KEY); CREATE TABLE public.items (id int PRIMARY KEY)`);
  await storeMetadata(db, []);
  for (const { name } of await installed()) await db.pool.query(`DROP FUNCTION IF EXISTS sluice."${name}"() CASCADE`);
  await db.pool.query('TRUNCATE sluice.event_log CASCADE');
});
afterEach(async () => {
  for (const { gateway, pool } of running) {
    await gateway.close();
    await pool.end();
  }
  running = [];
});

describe('event trigger sync at startup', () => {
  it('installs the triggers of metadata written without the API when a gateway starts', async () => {
    await storeMetadata(db, [trigger('order_created', 'orders'), { table: { schema: 'public', name: 'items' } }]);
    expect(await installed()).toEqual([]);
    await startGateway();
    await waitFor(async () => (await installed()).length === 1, 10_000, 'the installed trigger');
    expect((await installed()).map((t) => [t.name, t.table])).toEqual([['notify_order_created_INSERT', 'orders']]);
    await db.pool.query('INSERT INTO orders VALUES (1)');
    expect(await events()).toEqual([{ trigger_name: 'order_created', table_name: 'orders' }]);
  });

  it('replaces capture objects another Sluice version installed, removes those of dropped triggers, and leaves current ones alone', async () => {
    await storeMetadata(db, [trigger('order_created', 'orders'), trigger('item_created', 'items')]);
    const first = await startGateway();
    await waitFor(async () => (await installed()).length === 2, 10_000, 'the first install');
    await first.gateway.close();
    const before = new Map((await installed()).map((t) => [t.name, t.oid]));
    // As an older Sluice left them: a different body (the hash in the comment says so), and a
    // trigger the metadata no longer has.
    await db.pool.query(`COMMENT ON FUNCTION sluice."notify_order_created_INSERT"() IS 'sluice event trigger 000000000000000000000000'`);
    await db.pool.query(`CREATE FUNCTION sluice."notify_gone_INSERT"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
      COMMENT ON FUNCTION sluice."notify_gone_INSERT"() IS 'sluice event trigger 111111111111111111111111';
      CREATE TRIGGER "notify_gone_INSERT" AFTER INSERT ON public.items FOR EACH ROW EXECUTE FUNCTION sluice."notify_gone_INSERT"()`);
    await startGateway();
    await waitFor(async () => (await installed()).length === 2 && (await installed())[1]!.oid !== before.get('notify_order_created_INSERT'), 10_000, 'the sync');
    const after = new Map((await installed()).map((t) => [t.name, t.oid]));
    expect([...after.keys()]).toEqual(['notify_item_created_INSERT', 'notify_order_created_INSERT']);
    expect(after.get('notify_item_created_INSERT')).toBe(before.get('notify_item_created_INSERT'));
    expect(after.get('notify_order_created_INSERT')).not.toBe(before.get('notify_order_created_INSERT'));
  });

  it('installs nothing twice when several instances start at once', async () => {
    await storeMetadata(db, [trigger('order_created', 'orders'), trigger('item_created', 'items')]);
    const gateways = await Promise.all([startGateway(), startGateway(), startGateway()]);
    await waitFor(async () => (await installed()).length === 2, 10_000, 'the install');
    // Every instance has checked by now; none failed on another's DDL.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(gateways.flatMap((g) => g.warnings).filter((line) => line.includes('event trigger'))).toEqual([]);
    expect(await installed()).toHaveLength(2);
    await db.pool.query('INSERT INTO orders VALUES (1); INSERT INTO items VALUES (1)');
    expect((await events()).map((e) => e.trigger_name).sort()).toEqual(['item_created', 'order_created']);
  });

  it('puts the triggers back on a table that was dropped and created again', async () => {
    await storeMetadata(db, [trigger('order_created', 'orders')]);
    await startGateway();
    await waitFor(async () => (await installed()).length === 1, 10_000, 'the install');
    // A migration rebuilds the table: its triggers go with it. The DDL notification reloads the
    // gateway's schema, and the changed schema brings the trigger back.
    await db.pool.query('DROP TABLE public.orders; CREATE TABLE public.orders (id int PRIMARY KEY, note text)');
    expect(await installed()).toEqual([]);
    await waitFor(async () => (await installed()).length === 1, 15_000, 'the trigger back');
    await db.pool.query(`INSERT INTO orders VALUES (2, 'x')`);
    expect(await events()).toEqual([{ trigger_name: 'order_created', table_name: 'orders' }]);
  });
});
