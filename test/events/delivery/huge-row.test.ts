/**
 * A huge row (a 20 MB text column): captured, and then either delivered in full or refused by the
 * function with a clear error in the attempt log — never a stuck worker: other events keep flowing,
 * and a claim never loads more event data than the worker's in-flight budget.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../../gateway/events/delivery/index.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import {
  schemaWith, startDeliveryDatabase, startReceiver, startWorker, statusCounts, trigger, waitFor,
  type DeliveryDatabase, type Receiver,
} from './delivery-fixture.js';

/** `mib` MiB of hex that does not compress well (md5 of a counter). */
const hexText = (mib: number) => `(SELECT string_agg(md5(g::text), '') FROM generate_series(1, ${32768 * mib}) g)`;
const hugeLength = 20 * 1024 * 1024;

interface Invocation {
  readonly http_status: number | null;
  readonly request: { readonly payload: unknown; readonly truncated?: boolean; readonly size?: number };
  readonly response: { readonly type: string; readonly data: Record<string, unknown> };
  readonly error: string | null;
}

describe('a huge row through the gateway', () => {
  let g: TestGateway;
  let receiver: Receiver;
  const meta = (type: string, args: unknown) => g.post('/v1/metadata', { type, args });

  beforeAll(async () => {
    g = await startTestGateway({ example: false, setupSql: 'CREATE TABLE public.docs (id int PRIMARY KEY, body text NOT NULL)' });
    receiver = await startReceiver();
    expect((await meta('pg_track_table', { table: 'docs' })).status).toBe(200);
    const created = await meta('pg_create_event_trigger', {
      name: 'doc_saved', table: 'docs', insert: { columns: '*' }, webhook: receiver.url, retry_conf: { num_retries: 1, interval_sec: 0, timeout_sec: 30 },
    });
    expect(created.status).toBe(200);
  });
  afterAll(async () => {
    await g?.close();
    await receiver?.close();
  });

  const attemptsOf = async (eventId: string) =>
    ((await meta('pg_get_event_invocation_logs', { event_id: eventId })).body as Invocation[]).toReversed();
  /** Inserts with `sql` and returns the id of the one event it captured (the newest). */
  const capture = async (sql: string) => {
    await g.db.pool.query(sql);
    return (await g.db.pool.query<{ id: string }>('SELECT id FROM sluice.event_log ORDER BY created_at DESC, id LIMIT 1')).rows[0]!.id;
  };
  // By id only: reading data->'new' of a 20 MB event on every poll would be the slow part.
  const statusOf = async (eventId: string) => (await g.db.pool.query<{ status: string }>('SELECT status FROM sluice.event_log WHERE id = $1', [eventId])).rows[0]!.status;

  it('delivers the whole row, and logs the attempt without keeping the 20 MB payload', async () => {
    const eventId = await capture(`INSERT INTO docs VALUES (1, ${hexText(20)})`);
    await waitFor(async () => (await statusOf(eventId)) === 'delivered', 90_000, 'the huge delivery');
    const request = receiver.requests.find((r) => (r.body.event as { data: { new: { id: number } } }).data.new.id === 1)!;
    const row = (request.body.event as { data: { new: { id: number; body: string } } }).data.new;
    expect(row.body).toHaveLength(hugeLength);
    expect(row.body.slice(0, 32)).toBe('c4ca4238a0b923820dcc509a6f75849b'); // md5('1')
    const [attempt] = await attemptsOf(eventId);
    expect(attempt).toMatchObject({ http_status: 200, request: { payload: null, truncated: true }, error: null });
    expect(attempt!.request.size).toBeGreaterThan(hugeLength);
  }, 120_000);

  it('records a clear error when the function refuses it, retries, gives up, and keeps delivering the rest', async () => {
    // A function platform with a 1 MB body limit.
    receiver.reply = (request) => (JSON.stringify(request.body).length > 1024 * 1024 ? { status: 413, body: 'Payload Too Large' } : { status: 200 });
    const huge = await capture(`INSERT INTO docs VALUES (2, ${hexText(4)})`);
    await g.db.pool.query(`INSERT INTO docs SELECT g, 'small' FROM generate_series(3, 32) g`);
    await waitFor(async () => (await statusOf(huge)) === 'dead', 90_000, 'the refused event given up');
    const smallDelivered = async () =>
      (await g.db.pool.query(`SELECT count(*)::int AS n FROM sluice.event_log WHERE status = 'delivered' AND pg_column_size(data) < 1000`)).rows[0].n as number;
    await waitFor(async () => (await smallDelivered()) === 30, 90_000, 'the small events');
    const attempts = await attemptsOf(huge);
    expect(attempts.map((a) => [a.http_status, a.error, a.response])).toEqual(
      Array(2).fill([413, 'webhook answered 413', { type: 'client_error', data: { message: 'Payload Too Large' }, version: '2' }]),
    );
    for (const attempt of attempts) expect(attempt.request).toMatchObject({ payload: null, truncated: true });
    // The worker is not stuck: a new event right after is delivered as usual.
    const later = await capture(`INSERT INTO docs VALUES (100, 'after')`);
    await waitFor(async () => (await statusOf(later)) === 'delivered', 30_000, 'a later event');
  }, 120_000);
});

describe('the in-flight byte budget', () => {
  let database: DeliveryDatabase;
  let receiver: Receiver | undefined;
  let worker: DeliveryWorker | undefined;

  beforeAll(async () => {
    database = await startDeliveryDatabase();
  });
  afterAll(async () => {
    await database.close();
  });
  afterEach(async () => {
    await worker?.stop();
    await receiver?.close();
  });

  it('claims huge events only up to maxInFlightBytes at once, but always one', async () => {
    receiver = await startReceiver();
    receiver.reply = () => ({ status: 200, delayMs: 300 });
    // Six events of 2 MiB each (stored uncompressed: md5 hex does not compress).
    await database.db.pool.query(
      `SELECT sluice.capture_event('blobs', 'public', 'orders', 'INSERT', NULL,
         jsonb_build_object('id', n, 'blob', (SELECT string_agg(md5((n * 100000 + g)::text), '') FROM generate_series(1, 65536) g)))
       FROM generate_series(1, 6) n`,
    );
    const { rows } = await database.db.pool.query<{ size: number }>(`SELECT pg_column_size(data) AS size FROM sluice.event_log`);
    for (const { size } of rows) expect(size).toBeGreaterThan(2_000_000);
    // 5 MB: the third event starts below the budget (4 MB before it), the fourth would not.
    worker = startWorker(database, schemaWith(trigger('blobs', receiver.url)), 'budget', { maxInFlightBytes: 5_000_000, pollIntervalMs: 100 });
    await waitFor(async () => (await statusCounts(database.db)).delivered === 6, 60_000, 'all six');
    expect(receiver.maxInFlight()).toBe(3);

    // A budget smaller than one event still delivers, one at a time.
    await database.db.pool.query(`UPDATE sluice.event_log SET status = 'pending', delivered_at = NULL`);
    await worker.stop();
    const before = receiver.requests.length;
    worker = startWorker(database, schemaWith(trigger('blobs', receiver.url)), 'tiny', { maxInFlightBytes: 1000, pollIntervalMs: 100 });
    await waitFor(async () => (await statusCounts(database.db)).delivered === 6, 60_000, 'all six again');
    expect(receiver.requests.length - before).toBe(6);
  }, 120_000);
});
