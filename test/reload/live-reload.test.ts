/**
 * One instance in this process, changed from outside (SQL, other writers): what a reload does to
 * requests in flight, how bursts and lost connections are handled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../gateway/database/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { queryFields, startInstance, typeFields, waitFor, waitForLog, type Instance } from './reload-fixture.js';

const asUser = { 'x-hasura-role': 'user' };

function metadataWith(tables: unknown[]): string {
  return JSON.stringify({ version: 3, sources: [{ name: 'default', kind: 'postgres', tables }] });
}

describe('live reload of one instance', () => {
  let db: TestDatabase;
  let g: Instance;

  const reloadsLogged = () => g.logs.filter((line) => line.msg === 'schema reloaded after a change');

  /** Waits until no reload has been logged for `quietMs` (the startup catch-up included). */
  const settle = async (quietMs = 400) => {
    let seen = -1;
    await waitFor(
      async () => {
        const now = reloadsLogged().length;
        if (now === seen) return true;
        seen = now;
        await new Promise((resolve) => setTimeout(resolve, quietMs));
        return false;
      },
      10_000,
      'reloads to settle',
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase('sluice_reload');
    await runMigrations(db.url, { example: false }, createLogger('silent'));
    await db.pool.query(`
      CREATE TABLE gadget (id int PRIMARY KEY, label text);
      INSERT INTO gadget VALUES (1, 'one'), (2, 'two');
      CREATE VIEW slow_gadget AS SELECT g.id FROM gadget g, pg_sleep(0.8);`);
    g = await startInstance(db.url);
    await waitForLog(g.logs, 'listening for metadata and schema changes');
    const created = await g.post('/v1/metadata', {
      type: 'pg_create_select_permission',
      args: { table: 'slow_gadget', role: 'user', permission: { columns: ['id'], filter: {} } },
    });
    expect(created.status, created.text).toBe(200);
  });

  afterAll(async () => {
    await g?.close();
    await db?.drop();
  });

  it('lets a request in flight finish on the schema it started with', async () => {
    let finished = false;
    const inFlight = g.graphql('{ slow_gadget(order_by: {id: asc}) { id } }', asUser).finally(() => (finished = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Another writer takes the permission away while the query sleeps in Postgres.
    await db.pool.query('UPDATE sluice.metadata SET metadata = $1::jsonb, resource_version = resource_version + 1', [metadataWith([])]);
    await db.pool.query("SELECT pg_notify('sluice_metadata', 'other writer')");
    await waitFor(async () => !(await queryFields(g, asUser)).includes('slow_gadget'), 5_000, 'the permission to disappear');
    expect(finished).toBe(false);
    expect((await inFlight).body).toEqual({ data: { slow_gadget: [{ id: 1 }, { id: 2 }] } });
    // A request that starts now sees the new schema.
    expect(JSON.stringify((await g.graphql('{ slow_gadget { id } }', asUser)).body)).toContain('validation-failed');
  });

  it('does not fail concurrent requests while the schema is reloaded again and again', async () => {
    let stop = false;
    const failures: string[] = [];
    let served = 0;
    const worker = async () => {
      while (!stop) {
        const result = await g.graphql('{ gadget(order_by: {id: asc}) { id } }');
        if (JSON.stringify(result.body) !== JSON.stringify({ data: { gadget: [{ id: 1 }, { id: 2 }] } })) failures.push(result.text);
        served += 1;
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    for (let i = 0; i < 8; i += 1) {
      await db.pool.query(`ALTER TABLE gadget ADD COLUMN extra_${i} int`);
      await waitFor(async () => (await typeFields(g, 'gadget')).includes(`extra_${i}`), 5_000, `column extra_${i}`);
    }
    stop = true;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(served).toBeGreaterThan(8);
  });

  it('turns a burst of DDL notifications into one reload', async () => {
    await settle();
    const before = reloadsLogged().length;
    // One transaction: its notifications (one per distinct command tag) are delivered together at COMMIT.
    await db.pool.query(`
      CREATE TABLE burst_a (id int PRIMARY KEY);
      CREATE TABLE burst_b (id int PRIMARY KEY, a_id int REFERENCES burst_a);
      ALTER TABLE burst_b ADD COLUMN note text;
      CREATE INDEX ON burst_b (note);
      CREATE VIEW burst_v AS SELECT id FROM burst_a;
      COMMENT ON TABLE burst_a IS 'burst';`);
    await waitFor(async () => (await queryFields(g)).includes('burst_v'), 5_000, 'the burst to be picked up');
    await settle();
    const burst = reloadsLogged().slice(before);
    expect(burst).toHaveLength(1);
    expect(burst[0]!.reasons).toEqual(expect.arrayContaining(['DDL notification (CREATE TABLE)', 'DDL notification (CREATE VIEW)']));
  });

  it('does not rebuild the schema when a notification changes nothing it is built from', async () => {
    await settle();
    const built = () => g.logs.filter((line) => line.msg === 'schema built').length;
    const reloads = reloadsLogged().length;
    const before = built();
    // Its own change: reloaded (and rebuilt) before the API answers, then notified back to it.
    const created = await g.post('/v1/metadata', {
      type: 'pg_create_select_permission',
      args: { table: 'gadget', role: 'guest', permission: { columns: ['id'], filter: {} } },
    });
    expect(created.status, created.text).toBe(200);
    expect(built()).toBe(before + 1);
    // DDL that introspection does not see: a plain index.
    await db.pool.query('CREATE INDEX gadget_label ON gadget (label)');
    const handled = (reason: string) => reloadsLogged().slice(reloads).some((line) => (line.reasons as string[]).includes(reason));
    await waitFor(() => handled('metadata notification') && handled('DDL notification (CREATE INDEX)'), 5_000, 'both notifications');
    await settle();
    expect(built()).toBe(before + 1);
  });

  it('reconnects after losing its connection and catches up on what it missed', async () => {
    await settle();
    const { rows } = await db.pool.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE application_name = 'sluice-reload' AND datname = current_database()",
    );
    expect(rows).toHaveLength(1);
    await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    // Changed while nobody listens: this notification reaches no instance.
    await db.pool.query('UPDATE sluice.metadata SET metadata = $1::jsonb, resource_version = resource_version + 1', [
      metadataWith([{ table: { schema: 'public', name: 'gadget' }, select_permissions: [{ role: 'user', permission: { columns: ['id', 'label'], filter: {} } }] }]),
    ]);
    await db.pool.query("SELECT pg_notify('sluice_metadata', 'missed')");
    await waitForLog(g.logs, 'reload listener connection failed; reconnecting');
    await waitFor(async () => (await queryFields(g, asUser)).includes('gadget'), 5_000, 'the missed change after reconnecting');
    expect(reloadsLogged().some((line) => (line.reasons as string[]).includes('reconnected'))).toBe(true);
    const again = await db.pool.query("SELECT pid FROM pg_stat_activity WHERE application_name = 'sluice-reload' AND datname = current_database()");
    expect(again.rows).toHaveLength(1);
  });
});

describe('live reload without LISTEN', () => {
  let db: TestDatabase;
  let g: Instance;
  beforeAll(async () => {
    db = await createTestDatabase('sluice_reload');
    await runMigrations(db.url, { example: false }, createLogger('silent'));
    await db.pool.query('CREATE TABLE gadget (id int PRIMARY KEY, label text)');
    g = await startInstance(db.url, { reload: { listen: false, pollIntervalMs: 200 } });
  });
  afterAll(async () => {
    await g?.close();
    await db?.drop();
  });

  it('polls the metadata version and the catalog instead', async () => {
    const warning = await waitForLog(g.logs, /^LISTEN unavailable/);
    expect(warning.msg).toBe('LISTEN unavailable; polling sluice.metadata and the catalog every 0.2 s for changes');
    // Its catch-up reload after connecting would pick up anything changed before polling began.
    await waitForLog(g.logs, 'schema reloaded after a change');
    await db.pool.query('UPDATE sluice.metadata SET metadata = $1::jsonb, resource_version = resource_version + 1', [
      metadataWith([{ table: { schema: 'public', name: 'gadget' }, select_permissions: [{ role: 'user', permission: { columns: ['id'], filter: {} } }] }]),
    ]);
    await waitFor(async () => (await queryFields(g, asUser)).includes('gadget'), 5_000, 'the polled metadata change');
    await db.pool.query('ALTER TABLE gadget ADD COLUMN weight int');
    await waitFor(async () => (await typeFields(g, 'gadget')).includes('weight'), 5_000, 'the polled column');
    const reasons = g.logs.filter((line) => line.msg === 'schema reloaded after a change').flatMap((line) => line.reasons as string[]);
    expect(reasons).toEqual(expect.arrayContaining(['metadata version changed (polled)', 'catalog changed (polled)']));
  });
});
