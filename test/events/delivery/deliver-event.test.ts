import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../../gateway/events/delivery/index.js';
import {
  insertEvents, schemaWith, startDeliveryDatabase, startReceiver, startWorker, statusCounts, trigger, waitFor,
  type DeliveryDatabase, type Receiver,
} from './delivery-fixture.js';

let database: DeliveryDatabase;
let receiver: Receiver;
let worker: DeliveryWorker | undefined;

beforeAll(async () => {
  database = await startDeliveryDatabase();
});
afterAll(async () => {
  await database.close();
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await receiver?.close();
  await database.db.pool.query('TRUNCATE sluice.event_log CASCADE; TRUNCATE sluice.event_trigger_state');
});

async function invocations(eventId?: string) {
  const { rows } = await database.db.pool.query<{ event_id: string; status: number | null; error: string | null; response: string | null; duration_ms: number; request: { payload: Record<string, unknown>; headers: string[] } }>(
    `SELECT event_id, status, error, response, duration_ms, request FROM sluice.event_invocation_log ${eventId ? 'WHERE event_id = $1' : ''} ORDER BY id`,
    eventId ? [eventId] : [],
  );
  return rows;
}

describe('event delivery', () => {
  it("POSTs Hasura's payload with the configured headers and the event id as Idempotency-Key", async () => {
    receiver = await startReceiver();
    receiver.reply = () => ({ status: 200, body: 'x'.repeat(10_000) });
    const url = new URL(receiver.url);
    const schema = schemaWith(
      trigger('order_created', `http://{{HOOK_HOST}}:${url.port}/hook`, {
        headers: [{ name: 'X-Static', value: 'static' }, { name: 'X-Secret', value_from_env: 'HOOK_SECRET' }],
        retry_conf: { num_retries: 3, interval_sec: 10, timeout_sec: 5 },
      }),
    );
    await database.db.pool.query(`BEGIN; SET LOCAL "hasura.user" = '{"x-hasura-role":"user","x-hasura-user-id":"7"}';
      SELECT sluice.capture_event('order_created', 'public', 'orders', 'INSERT', NULL, '{"id":1,"note":"hi"}'::jsonb); COMMIT`);
    worker = startWorker(database, schema, 'w1', {}, { env: { HOOK_HOST: '127.0.0.1', HOOK_SECRET: 's3cret' } });
    await waitFor(() => receiver.requests.length === 1, 10_000, 'the delivery');
    const { rows: [event] } = await database.db.pool.query<{ id: string; created_at: Date }>(`SELECT id, created_at FROM sluice.event_log`);
    const request = receiver.requests[0]!;
    expect(request.body).toEqual({
      id: event!.id,
      created_at: event!.created_at.toISOString(),
      trigger: { name: 'order_created' },
      table: { schema: 'public', name: 'orders' },
      event: {
        op: 'INSERT',
        data: { old: null, new: { id: 1, note: 'hi' } },
        session_variables: { 'x-hasura-role': 'user', 'x-hasura-user-id': '7' },
        trace_context: null,
      },
      delivery_info: { current_retry: 0, max_retries: 3 },
    });
    expect(request.headers['idempotency-key']).toBe(event!.id);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-static']).toBe('static');
    expect(request.headers['x-secret']).toBe('s3cret');
    await waitFor(async () => (await statusCounts(database.db)).delivered === 1, 5000, 'delivered');
    const [attempt] = await invocations();
    expect(attempt).toMatchObject({ event_id: event!.id, status: 200, error: null });
    expect(attempt!.response!.length).toBe(4096);
    expect(attempt!.request.headers).toContain('X-Secret');
    expect(JSON.stringify(attempt!.request)).not.toContain('s3cret');
    const { rows: [row] } = await database.db.pool.query(`SELECT tries, locked_at, locked_by, delivered_at FROM sluice.event_log`);
    expect(row).toMatchObject({ tries: 1, locked_at: null, locked_by: null });
    expect(row.delivered_at).not.toBeNull();
  });

  it('retries a timed-out webhook and marks the event dead after num_retries, logging every attempt', async () => {
    receiver = await startReceiver();
    receiver.reply = () => ({ status: 200, delayMs: 2000 });
    worker = startWorker(database, schemaWith(trigger('slow', receiver.url, { retry_conf: { num_retries: 2, interval_sec: 0, timeout_sec: 0.3 } })), 'w1');
    await insertEvents(database.db, 'slow', 1);
    await waitFor(async () => (await statusCounts(database.db)).dead === 1, 15_000, 'dead');
    const attempts = await invocations();
    expect(attempts).toHaveLength(3);
    for (const attempt of attempts) {
      expect(attempt.status).toBeNull();
      expect(attempt.error).toMatch(/^timeout/);
      expect(attempt.duration_ms).toBeGreaterThanOrEqual(290);
    }
    expect(receiver.requests.map((r) => (r.body.delivery_info as { current_retry: number }).current_retry)).toEqual([0, 1, 2]);
    const { rows: [row] } = await database.db.pool.query(`SELECT tries, next_retry_at, locked_by FROM sluice.event_log`);
    expect(row).toMatchObject({ tries: 3, next_retry_at: null, locked_by: null });
  });

  it('delivers after a retry when the webhook answers 500 then 200', async () => {
    receiver = await startReceiver();
    receiver.reply = (_r, i) => (i === 0 ? { status: 500, body: 'boom' } : { status: 200, body: 'ok' });
    worker = startWorker(database, schemaWith(trigger('flaky', receiver.url, { retry_conf: { num_retries: 1, interval_sec: 0, timeout_sec: 5 } })), 'w1');
    await insertEvents(database.db, 'flaky', 1);
    await waitFor(async () => (await statusCounts(database.db)).delivered === 1, 10_000, 'delivered');
    const attempts = await invocations();
    expect(attempts.map((a) => [a.status, a.response, a.error])).toEqual([
      [500, 'boom', 'webhook answered 500'],
      [200, 'ok', null],
    ]);
    expect(receiver.requests[0]!.headers['idempotency-key']).toBe(receiver.requests[1]!.headers['idempotency-key']);
  });

  it('waits as long as Retry-After says before retrying', async () => {
    receiver = await startReceiver();
    receiver.reply = (_r, i) => (i === 0 ? { status: 503, headers: { 'Retry-After': '1' } } : { status: 200 });
    // interval_sec 60: without Retry-After the retry would not come during the test.
    worker = startWorker(database, schemaWith(trigger('busy', receiver.url, { retry_conf: { num_retries: 1, interval_sec: 60, timeout_sec: 5 } })), 'w1', { pollIntervalMs: 200 });
    await insertEvents(database.db, 'busy', 1);
    await waitFor(async () => (await statusCounts(database.db)).delivered === 1, 10_000, 'delivered');
    const gap = receiver.requests[1]!.at - receiver.requests[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(2500);
  });

  it('retries on a connection error and when a header needs an unset variable', async () => {
    receiver = await startReceiver();
    worker = startWorker(
      database,
      schemaWith(
        trigger('refused', 'http://127.0.0.1:1/hook', { retry_conf: { num_retries: 1, interval_sec: 0, timeout_sec: 2 } }),
        trigger('no_env', receiver.url, { headers: [{ name: 'X-Key', value_from_env: 'SLUICE_TEST_UNSET_VARIABLE' }] }),
      ),
      'w1',
    );
    await insertEvents(database.db, 'refused', 1);
    await insertEvents(database.db, 'no_env', 1, 2);
    await waitFor(async () => (await statusCounts(database.db)).dead === 2, 10_000, 'dead');
    const errors = (await invocations()).map((a) => a.error);
    expect(errors.filter((e) => /fetch failed|ECONNREFUSED/.test(e ?? ''))).toHaveLength(2);
    expect(errors).toContain('environment variable SLUICE_TEST_UNSET_VARIABLE is not set');
    expect(receiver.requests).toHaveLength(0);
  });

  it('delivers nothing for a paused trigger and catches up on resume', async () => {
    receiver = await startReceiver();
    await database.db.pool.query(`INSERT INTO sluice.event_trigger_state (trigger_name, paused) VALUES ('held', true)`);
    worker = startWorker(database, schemaWith(trigger('held', receiver.url), trigger('free', receiver.url)), 'w1', { pollIntervalMs: 100 });
    await insertEvents(database.db, 'held', 5);
    await insertEvents(database.db, 'free', 1, 6);
    await waitFor(() => receiver.requests.length === 1, 5000, 'the unpaused trigger');
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(receiver.requests.map((r) => (r.body.trigger as { name: string }).name)).toEqual(['free']);
    await database.db.pool.query(`UPDATE sluice.event_trigger_state SET paused = false WHERE trigger_name = 'held'`);
    await waitFor(async () => (await statusCounts(database.db)).delivered === 6, 5000, 'resumed deliveries');
    expect(receiver.requests).toHaveLength(6);
  });

  it('starts delivering within milliseconds of the commit (NOTIFY), not at the next poll', async () => {
    receiver = await startReceiver();
    // Polling every minute: only the notification can explain a fast delivery.
    worker = startWorker(database, schemaWith(trigger('fast', receiver.url)), 'w1', { pollIntervalMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 300)); // LISTEN established
    const latencies: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const committed = performance.now();
      await insertEvents(database.db, 'fast', 1, i);
      await waitFor(() => receiver.requests.length === i, 5000, `event ${i}`);
      latencies.push(receiver.requests[i - 1]!.at - committed);
    }
    latencies.sort((a, b) => a - b);
    const median = latencies[10]!;
    const max = latencies[19]!;
    console.log(`NOTIFY → webhook latency over 20 events: median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
    expect(max).toBeLessThan(500);
  });
});
