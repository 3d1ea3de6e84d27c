import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { deleteExpiredEvents, leaseNamespace, type DeliveryWorker } from '../../../gateway/events/delivery/index.js';
import {
  insertEvents, schemaWith, startDeliveryDatabase, startReceiver, startWorker, statusCounts, trigger, waitFor,
  type DeliveryDatabase, type Receiver,
} from './delivery-fixture.js';

let database: DeliveryDatabase;
let receiver: Receiver | undefined;
let workers: DeliveryWorker[] = [];

beforeAll(async () => {
  database = await startDeliveryDatabase();
});
afterAll(async () => {
  await database.close();
});
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
  await receiver?.close();
  receiver = undefined;
  await database.db.pool.query('TRUNCATE sluice.event_log CASCADE; TRUNCATE sluice.event_trigger_state; TRUNCATE sluice.event_workers');
});

describe('several workers on one queue', () => {
  it('two instances deliver 1,000 events, each attempted exactly once', async () => {
    receiver = await startReceiver();
    // A generous webhook timeout: on a loaded machine the in-process receiver answering 200
    // requests at once can take seconds, and a timed-out attempt (no retries) would be dead.
    const schema = schemaWith(
      trigger('bulk', receiver.url, { definition: { insert: { columns: '*' }, max_concurrency: 1000 }, retry_conf: { num_retries: 0, interval_sec: 0, timeout_sec: 60 } }),
    );
    workers = [startWorker(database, schema, 'instance-a', { batchSize: 50 }), startWorker(database, schema, 'instance-b', { batchSize: 50 })];
    const started = performance.now();
    await insertEvents(database.db, 'bulk', 500);
    await insertEvents(database.db, 'bulk', 500, 501);
    const finished = async () => {
      const counts = await statusCounts(database.db);
      return (counts.delivered ?? 0) + (counts.dead ?? 0) === 1000;
    };
    await waitFor(finished, 110_000, '1,000 attempts');
    expect(await statusCounts(database.db)).toEqual({ delivered: 1000 });
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await database.db.pool.query<{ attempts: number; events: number }>(
      `SELECT attempts, count(*)::int AS events FROM (SELECT e.id, count(i.id)::int AS attempts FROM sluice.event_log e LEFT JOIN sluice.event_invocation_log i ON i.event_id = e.id GROUP BY e.id) s GROUP BY attempts`,
    );
    expect(rows).toEqual([{ attempts: 1, events: 1000 }]);
    const ids = receiver.requests.map((r) => r.body.id);
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
    const { rows: byInstance } = await database.db.pool.query<{ n: number }>(
      // Which instance made each attempt is not stored; the receiver saw both through their share.
      `SELECT count(*)::int AS n FROM sluice.event_log WHERE locked_by IS NOT NULL`,
    );
    expect(byInstance[0]!.n).toBe(0);
    console.log(`1,000 events through two instances: ${seconds.toFixed(2)} s (${Math.round(1000 / seconds)} events/s)`);
  }, 120_000);

  it('never has more requests of a trigger in flight than its max_concurrency, across instances', async () => {
    receiver = await startReceiver();
    receiver.reply = () => ({ status: 200, delayMs: 60 });
    const schema = schemaWith(trigger('capped', receiver.url, { definition: { insert: { columns: '*' }, max_concurrency: 3 } }));
    workers = [startWorker(database, schema, 'a', { pollIntervalMs: 50 }), startWorker(database, schema, 'b', { pollIntervalMs: 50 })];
    await insertEvents(database.db, 'capped', 40);
    await waitFor(async () => (await statusCounts(database.db)).delivered === 40, 30_000, 'deliveries');
    expect(receiver.maxInFlight()).toBe(3);
  });

  it('gives back unstarted events on stop, and another instance delivers the rest', async () => {
    receiver = await startReceiver();
    receiver.reply = () => ({ status: 200, delayMs: 300 });
    const schema = schemaWith(trigger('handover', receiver.url));
    const first = startWorker(database, schema, 'first', { httpConcurrency: 4, batchSize: 4 });
    await insertEvents(database.db, 'handover', 30);
    await waitFor(() => receiver!.requests.length >= 2, 10_000, 'first deliveries');
    await first.stop();
    const { rows: [locks] } = await database.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM sluice.event_log WHERE locked_by IS NOT NULL`);
    expect(locks!.n).toBe(0);
    const deliveredByFirst = (await statusCounts(database.db)).delivered ?? 0;
    expect(deliveredByFirst).toBeGreaterThan(0);
    expect(deliveredByFirst).toBeLessThan(30);
    workers = [startWorker(database, schema, 'second')];
    await waitFor(async () => (await statusCounts(database.db)).delivered === 30, 20_000, 'the rest');
    expect(new Set(receiver.requests.map((r) => r.body.id)).size).toBe(30);
  });

  it('aborts requests still running when stop times out, without counting a try, and they are delivered later', async () => {
    receiver = await startReceiver();
    receiver.reply = (_r, i) => (i < 3 ? { status: 200, delayMs: 5000 } : { status: 200 });
    const schema = schemaWith(trigger('hung', receiver.url, { retry_conf: { num_retries: 0, interval_sec: 0, timeout_sec: 30 } }));
    const first = startWorker(database, schema, 'first', { stopTimeoutMs: 200 });
    await insertEvents(database.db, 'hung', 3);
    await waitFor(() => receiver!.requests.length === 3, 10_000, 'hung requests');
    await first.stop();
    const { rows } = await database.db.pool.query(`SELECT status, tries, locked_by FROM sluice.event_log`);
    expect(rows).toEqual(Array(3).fill({ status: 'pending', tries: 0, locked_by: null }));
    const { rows: logged } = await database.db.pool.query(`SELECT error FROM sluice.event_invocation_log`);
    expect(logged).toEqual(Array(3).fill({ error: 'interrupted: the delivery worker stopped' }));
    workers = [startWorker(database, schema, 'second')];
    // At least once: the receiver saw these three twice.
    await waitFor(async () => (await statusCounts(database.db)).delivered === 3, 10_000, 'redelivery');
    expect(receiver.requests).toHaveLength(6);
  });
});

describe('instances that are gone', () => {
  /** Events locked by `instance` a moment ago, as if it were delivering them right now. */
  async function lockedBy(instance: string, count: number) {
    await insertEvents(database.db, 'gone', count);
    await database.db.pool.query(`UPDATE sluice.event_log SET locked_at = now(), locked_by = $1`, [instance]);
  }
  const lockCounts = async () =>
    Object.fromEntries(
      (await database.db.pool.query<{ by: string; n: number }>(`SELECT coalesce(locked_by, '-') AS by, count(*)::int AS n FROM sluice.event_log WHERE status = 'pending' GROUP BY 1`)).rows.map((r) => [r.by, r.n]),
    );

  it("registers each worker's lease on its LISTEN session and withdraws it on stop", async () => {
    receiver = await startReceiver();
    const worker = startWorker(database, schemaWith(trigger('gone', receiver.url)), 'leased');
    workers = [worker];
    const registered = async () => (await database.db.pool.query<{ instance_id: string; lease_key: number }>('SELECT instance_id, lease_key FROM sluice.event_workers')).rows;
    await waitFor(async () => (await registered()).length === 1, 10_000, 'the registration');
    const [row] = await registered();
    expect(row!.instance_id).toBe('leased');
    // The advisory lock is held by the worker's LISTEN connection, not by a pool connection.
    const { rows: holders } = await database.db.pool.query(
      `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.classid = $1::int::oid AND l.objid = $2::int::oid AND l.objsubid = 2 AND l.granted`,
      [leaseNamespace, row!.lease_key],
    );
    expect(holders).toEqual([{ application_name: 'sluice-events' }]);
    await worker.stop();
    expect(await registered()).toEqual([]);
  });

  it('releases at once the locks of a registered instance whose lease no session holds, and delivers them', async () => {
    receiver = await startReceiver();
    // 'crashed' registered a lease, claimed three events, and died: nobody holds its lock.
    await database.db.pool.query(`INSERT INTO sluice.event_workers (instance_id, lease_key) VALUES ('crashed', 4242)`);
    await lockedBy('crashed', 3);
    workers = [startWorker(database, schemaWith(trigger('gone', receiver.url)), 'survivor')];
    // Far sooner than the 30-minute lock timeout.
    await waitFor(async () => (await statusCounts(database.db)).delivered === 3, 10_000, 'the redelivery');
    expect(new Set(receiver.requests.map((r) => r.body.id)).size).toBe(3);
    expect((await database.db.pool.query(`SELECT instance_id FROM sluice.event_workers`)).rows).toEqual([{ instance_id: 'survivor' }]);
  });

  it("never takes the events of an instance whose lease is held, until that instance's session ends", async () => {
    receiver = await startReceiver();
    const elsewhere = new pg.Client({ connectionString: database.db.url });
    await elsewhere.connect();
    try {
      await elsewhere.query('SELECT pg_advisory_lock($1, 4343)', [leaseNamespace]);
      await database.db.pool.query(`INSERT INTO sluice.event_workers (instance_id, lease_key) VALUES ('elsewhere', 4343)`);
      await lockedBy('elsewhere', 3);
      workers = [startWorker(database, schemaWith(trigger('gone', receiver.url)), 'survivor', { reclaimIntervalMs: 100, pollIntervalMs: 100 })];
      await waitFor(async () => (await database.db.pool.query(`SELECT 1 FROM sluice.event_workers WHERE instance_id = 'survivor'`)).rowCount === 1, 10_000, 'the survivor');
      await new Promise((resolve) => setTimeout(resolve, 1000)); // ten reclaim rounds
      expect(receiver.requests).toHaveLength(0);
      expect(await lockCounts()).toEqual({ elsewhere: 3 });
    } finally {
      await elsewhere.end();
    }
    await waitFor(async () => (await statusCounts(database.db)).delivered === 3, 10_000, 'delivery after the session ended');
    expect(receiver.requests).toHaveLength(3);
  });

  it('records the attempt of an event taken over meanwhile without touching the new claim', async () => {
    receiver = await startReceiver();
    receiver.reply = (_r, i) => (i === 0 ? { status: 500, delayMs: 800 } : { status: 200 });
    workers = [startWorker(database, schemaWith(trigger('gone', receiver.url, { retry_conf: { num_retries: 3, interval_sec: 0, timeout_sec: 5 } })), 'slow')];
    await insertEvents(database.db, 'gone', 1);
    await waitFor(() => receiver!.requests.length === 1, 10_000, 'the first attempt');
    // Meanwhile the event is taken over (as after a lost lease): another instance holds it now.
    await database.db.pool.query(`UPDATE sluice.event_log SET locked_by = 'other', locked_at = now()`);
    await waitFor(async () => (await database.db.pool.query('SELECT 1 FROM sluice.event_invocation_log')).rowCount === 1, 10_000, 'the logged attempt');
    const { rows } = await database.db.pool.query('SELECT status, tries, locked_by, next_retry_at FROM sluice.event_log');
    expect(rows).toEqual([{ status: 'pending', tries: 0, locked_by: 'other', next_retry_at: null }]);
    expect((await database.db.pool.query('SELECT status, error FROM sluice.event_invocation_log')).rows).toEqual([{ status: 500, error: 'webhook answered 500' }]);
  });
});

describe('retention', () => {
  it('deletes delivered events older than the retention age with their logs, and keeps dead ones', async () => {
    await insertEvents(database.db, 'kept', 4);
    await database.db.pool.query(`
      WITH numbered AS (SELECT id, (data->'new'->>'id')::int AS n FROM sluice.event_log)
      UPDATE sluice.event_log e SET
        status = CASE WHEN n IN (1, 2) THEN 'delivered' WHEN n = 3 THEN 'dead' ELSE 'pending' END,
        delivered_at = CASE n WHEN 1 THEN now() - interval '200 hours' WHEN 2 THEN now() - interval '1 hour' END,
        created_at = now() - interval '300 hours'
      FROM numbered WHERE e.id = numbered.id`);
    await database.db.pool.query(`INSERT INTO sluice.event_invocation_log (event_id, trigger_name, status) SELECT id, trigger_name, 200 FROM sluice.event_log`);
    const receiverless = schemaWith(trigger('kept', 'http://127.0.0.1:1/never'));
    await database.db.pool.query(`INSERT INTO sluice.event_trigger_state (trigger_name, paused) VALUES ('kept', true)`);
    // Cleanup runs when a worker starts and then every cleanupIntervalMs.
    workers = [startWorker(database, receiverless, 'cleaner', { retentionHours: 168, cleanupIntervalMs: 60_000 })];
    await waitFor(async () => (await statusCounts(database.db)).delivered === 1, 5000, 'cleanup');
    const { rows } = await database.db.pool.query<{ n: number; status: string; logs: number }>(`
      SELECT (e.data->'new'->>'id')::int AS n, e.status, (SELECT count(*)::int FROM sluice.event_invocation_log i WHERE i.event_id = e.id) AS logs
      FROM sluice.event_log e ORDER BY 1`);
    expect(rows).toEqual([
      { n: 2, status: 'delivered', logs: 1 },
      { n: 3, status: 'dead', logs: 1 },
      { n: 4, status: 'pending', logs: 1 },
    ]);
    expect(Number((await database.db.pool.query(`SELECT count(*) FROM sluice.event_invocation_log`)).rows[0].count)).toBe(3);
    expect(await deleteExpiredEvents(database.pool, 0.5)).toBe(1);
  });
});
