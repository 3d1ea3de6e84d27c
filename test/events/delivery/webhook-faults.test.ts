/**
 * A function that times out, answers 500, answers something that is not HTTP, resets the
 * connection, or is down: each event is retried as configured, then dead, and every attempt is
 * visible through Hasura's API (`pg_get_event_invocation_logs`, `pg_get_event_by_id`) with its
 * status, answer and duration — while other triggers' events keep flowing. Real capture (SQL
 * writes through the installed triggers), the gateway's own worker, real servers on port 0.
 */
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { startReceiver, waitFor, type Receiver } from './delivery-fixture.js';

interface Invocation {
  readonly http_status: number | null;
  readonly request: { readonly payload: { readonly id: string } | null; readonly headers: { name: string }[]; readonly version: string };
  readonly response: { readonly type: string; readonly data: Record<string, unknown>; readonly version: string };
  readonly error: string | null;
  readonly duration_ms: number;
}

/** A TCP server that does something other than answer HTTP with each connection. */
async function startTcp(onData: (socket: Socket) => void): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => onData(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL where nothing listens: a port that was free a moment ago. */
async function closedPortUrl(): Promise<string> {
  const tcp = await startTcp(() => undefined);
  await tcp.close();
  return tcp.url;
}

describe('webhook faults', () => {
  let g: TestGateway;
  let slow: Receiver;
  let failing: Receiver;
  let healthy: Receiver;
  let garbage: Awaited<ReturnType<typeof startTcp>>;
  let reset: Awaited<ReturnType<typeof startTcp>>;
  const meta = (type: string, args: unknown) => g.post('/v1/metadata', { type, args });

  beforeAll(async () => {
    g = await startTestGateway({ example: false, setupSql: 'CREATE TABLE public.jobs (id int PRIMARY KEY, kind text NOT NULL)' });
    slow = await startReceiver();
    slow.reply = () => ({ status: 200, delayMs: 10_000 });
    failing = await startReceiver();
    failing.reply = () => ({ status: 500, body: 'boom' });
    healthy = await startReceiver();
    healthy.reply = () => ({ status: 200, body: 'not json at all {' });
    garbage = await startTcp((socket) => socket.end('this is not HTTP\r\n\r\n'));
    reset = await startTcp((socket) => socket.resetAndDestroy());
    expect((await meta('pg_track_table', { table: 'jobs' })).status).toBe(200);
    const webhooks: Record<string, string> = {
      timeout: slow.url,
      status_500: failing.url,
      garbage: garbage.url,
      reset: reset.url,
      down: await closedPortUrl(),
      healthy: healthy.url,
    };
    for (const [kind, url] of Object.entries(webhooks)) {
      // Hasura's integer retry_conf: two retries (three attempts), at once. The timeout case has
      // 3 s (so its event cannot be dead within 9 s), the healthy one a generous 60 s.
      const timeout = kind === 'timeout' ? 3 : kind === 'healthy' ? 60 : 2;
      const created = await meta('pg_create_event_trigger', {
        name: `job_${kind}`, table: 'jobs', insert: { columns: '*' }, webhook: url,
        retry_conf: { num_retries: 2, interval_sec: 0, timeout_sec: timeout },
      });
      expect(created.status).toBe(200);
    }
  });
  afterAll(async () => {
    await g?.close();
    for (const server of [slow, failing, healthy, garbage, reset]) await server?.close();
  });

  /** The one event of a trigger, through Hasura's API. */
  async function eventOf(trigger: string) {
    const logs = await meta('pg_get_event_logs', { name: trigger });
    expect(logs.status).toBe(200);
    const [event] = logs.body as { id: string; delivered: boolean; error: boolean; tries: number }[];
    return event!;
  }

  async function attemptsOf(eventId: string): Promise<Invocation[]> {
    const result = await meta('pg_get_event_invocation_logs', { event_id: eventId });
    expect(result.status).toBe(200);
    return (result.body as Invocation[]).toReversed(); // oldest first
  }

  it('retries each fault as configured, marks the event dead, and shows every attempt, while other events flow', async () => {
    // Every trigger listens to inserts into jobs: one row is one event per trigger.
    await g.db.pool.query(`INSERT INTO jobs VALUES (1, 'first')`);
    // Healthy deliveries go on while the faulty ones are being retried.
    await g.db.pool.query(`INSERT INTO jobs SELECT g, 'more' FROM generate_series(2, 21) g`);
    await waitFor(() => healthy.requests.length === 21, 20_000, 'the healthy deliveries');
    expect((await eventOf('job_timeout')).error).toBe(false); // still retrying: ≥ 9 s of timeouts
    const deadOnes = ['job_timeout', 'job_status_500', 'job_garbage', 'job_reset', 'job_down'];
    const isDead = async (trigger: string) =>
      ((await meta('pg_get_event_logs', { name: trigger, status: 'processed' })).body as { error: boolean }[]).filter((e) => e.error).length === 21;
    await waitFor(async () => (await Promise.all(deadOnes.map(isDead))).every(Boolean), 100_000, 'every faulty event dead');

    for (const trigger of deadOnes) {
      const event = await eventOf(trigger);
      expect(event).toMatchObject({ delivered: false, error: true, tries: 3 });
      const attempts = await attemptsOf(event.id);
      expect(attempts).toHaveLength(3);
      for (const attempt of attempts) {
        // What was sent (Hasura's request log) and why it failed (its client_error).
        expect(attempt.request).toMatchObject({ payload: { id: event.id }, version: '2' });
        expect(attempt.request.headers).toContainEqual({ name: 'Idempotency-Key' });
        expect(attempt.response.type).toBe('client_error');
        expect(attempt.response.data.message).not.toBe('');
        expect(typeof attempt.duration_ms).toBe('number');
      }
      const errors = attempts.map((a) => a.error ?? '');
      switch (trigger) {
        case 'job_timeout':
          expect(errors).toEqual(Array(3).fill('timeout: no response within 3 s'));
          expect(attempts.map((a) => a.http_status)).toEqual([null, null, null]);
          for (const attempt of attempts) expect(attempt.duration_ms).toBeGreaterThanOrEqual(2900);
          break;
        case 'job_status_500':
          expect(attempts.map((a) => [a.http_status, a.response.data.message, a.error])).toEqual(Array(3).fill([500, 'boom', 'webhook answered 500']));
          break;
        case 'job_garbage':
          for (const attempt of attempts) expect(attempt.http_status).toBeNull();
          for (const error of errors) expect(error).toMatch(/fetch failed/);
          break;
        case 'job_reset':
          for (const error of errors) expect(error).toMatch(/fetch failed.*(ECONNRESET|other side closed|socket)/i);
          break;
        case 'job_down':
          for (const error of errors) expect(error).toMatch(/ECONNREFUSED/);
          break;
      }
    }
    // The receivers that answered saw every attempt, with the retry count Hasura sends.
    const oneEvent = (await eventOf('job_status_500')).id;
    expect(failing.requests.filter((r) => r.body.id === oneEvent).map((r) => (r.body.delivery_info as { current_retry: number }).current_retry)).toEqual([0, 1, 2]);

    // A 2xx answer is a delivery whatever its body (Hasura does not read it); the body is logged.
    const delivered = await eventOf('job_healthy');
    expect(delivered).toMatchObject({ delivered: true, error: false, tries: 1 });
    const byId = await meta('pg_get_event_by_id', { event_id: delivered.id });
    expect(byId.body).toMatchObject({
      event: { id: delivered.id, trigger_name: 'job_healthy', delivered: true },
      invocations: [{ http_status: 200, response: { type: 'webhook_response', data: { body: 'not json at all {', status: 200 } } }],
    });
  });

  it('redelivers a dead event on request, and it fails again visibly', async () => {
    const event = await eventOf('job_status_500');
    expect((await meta('pg_redeliver_event', { event_id: event.id })).body).toEqual({ message: 'success' });
    await waitFor(async () => (await attemptsOf(event.id)).length === 6, 20_000, 'three more attempts');
    expect(await eventOf('job_status_500')).toMatchObject({ error: true, tries: 3 });
  });
});
