/**
 * At-least-once across a gateway kill: `sluice serve` runs as a child process, its delivery is
 * cut off by SIGKILL while the webhook holds the request open, and a new gateway delivers the same
 * event (same id, same Idempotency-Key) — at once, not after the 30-minute lock timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../../gateway/database/index.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { quietLogger, waitFor } from './delivery-fixture.js';

const bin = fileURLToPath(new URL('../../../bin/sluice.mjs', import.meta.url));

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  readonly output: () => string;
}

/** `sluice serve` on a free port; resolves once it says it is listening. */
function serve(databaseUrl: string): Promise<Child> {
  const child = spawn(process.execPath, [bin, 'serve'], {
    cwd: tmpdir(),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: databaseUrl,
      PORT: '0',
      SLUICE_LOG_LEVEL: 'info',
      SLUICE_AUTO_TRACK: 'false',
      SLUICE_EVENT_POLL_INTERVAL_MS: '200',
      // The default, spelled out: the new gateway must not be waiting for this.
      SLUICE_EVENT_LOCK_TIMEOUT_SEC: '1800',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const check = setInterval(() => {
      if (output.includes('Sluice is listening')) {
        clearInterval(check);
        resolve({ process: child, exited, output: () => output });
      }
    }, 20);
    void exited.then(() => {
      clearInterval(check);
      reject(new Error(`sluice exited before listening:\n${output}`));
    });
  });
}

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: { id: string; delivery_info: { current_retry: number } };
}

/** A webhook that accepts the first request and never answers it; later ones get 200. */
async function startHangingReceiver(): Promise<{ url: string; requests: Received[]; close(): Promise<void> }> {
  const requests: Received[] = [];
  const held: ServerResponse[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'] });
      if (requests.length === 1) held.push(res);
      else res.writeHead(200).end('ok');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a gateway killed in the middle of a delivery', () => {
  let db: TestDatabase;
  const children: Child[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('sluice_events_kill');
    await runMigrations(db.url, { example: false }, quietLogger());
    await db.pool.query('CREATE TABLE public.orders (id int PRIMARY KEY, status text NOT NULL)');
  });
  afterAll(async () => {
    for (const child of children) {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
      await child.exited;
    }
    await db?.drop();
  });

  it('delivers the event after a restart, with the same id and Idempotency-Key', async () => {
    const receiver = await startHangingReceiver();
    try {
      await db.pool.query('UPDATE sluice.metadata SET metadata = $1 WHERE id = 1', [
        JSON.stringify({
          version: 3,
          sources: [{
            name: 'default', kind: 'postgres',
            tables: [{
              table: { schema: 'public', name: 'orders' },
              event_triggers: [{
                name: 'order_placed', definition: { enable_manual: false, insert: { columns: '*' } },
                // One try and a long timeout: only the restart can explain a second request.
                retry_conf: { num_retries: 0, interval_sec: 10, timeout_sec: 600 }, webhook: receiver.url,
              }],
            }],
          }],
        }),
      ]);
      const first = await serve(db.url);
      children.push(first);
      // The gateway installs the capture trigger itself at startup (metadata written without the API).
      await waitFor(async () => (await db.pool.query(`SELECT 1 FROM pg_trigger WHERE tgname = 'notify_order_placed_INSERT'`)).rowCount === 1, 60_000, 'the capture trigger');
      await db.pool.query(`INSERT INTO orders VALUES (1, 'placed')`);
      await waitFor(() => receiver.requests.length === 1, 60_000, `the first delivery; gateway output:\n${first.output()}`);
      const { rows: [claimed] } = await db.pool.query<{ id: string; locked_by: string; tries: number }>(`SELECT id, locked_by, tries FROM sluice.event_log`);
      expect(claimed!.locked_by).toMatch(/:\d+:/); // host:pid:random of the first gateway
      expect(claimed!.tries).toBe(0);

      first.process.kill('SIGKILL');
      await first.exited;
      const restarted = Date.now();
      const second = await serve(db.url);
      children.push(second);
      await waitFor(() => receiver.requests.length === 2, 90_000, `the delivery after restart; gateway output:\n${second.output()}`);
      const seconds = (Date.now() - restarted) / 1000;

      const [before, after] = receiver.requests;
      expect(after!.body.id).toBe(claimed!.id);
      expect(before!.body.id).toBe(claimed!.id);
      expect(after!.headers['idempotency-key']).toBe(claimed!.id);
      expect(before!.headers['idempotency-key']).toBe(claimed!.id);
      // The killed gateway never recorded its attempt: for the log this is the first one.
      expect(after!.body.delivery_info.current_retry).toBe(0);
      await waitFor(async () => (await db.pool.query(`SELECT 1 FROM sluice.event_log WHERE status = 'delivered'`)).rowCount === 1, 10_000, 'delivered');
      const { rows: attempts } = await db.pool.query('SELECT status, error FROM sluice.event_invocation_log');
      expect(attempts).toEqual([{ status: 200, error: null }]);
      // Only the live gateway is still registered; the gone one's registration went with its events.
      const { rows: workers } = await db.pool.query<{ instance_id: string }>('SELECT instance_id FROM sluice.event_workers');
      expect(workers).toHaveLength(1);
      expect(workers[0]!.instance_id).not.toBe(claimed!.locked_by);
      expect(seconds).toBeLessThan(120); // generous; the lock timeout is 1,800 s
      second.process.kill('SIGTERM');
      await second.exited;
    } finally {
      await receiver.close();
    }
  }, 180_000);
});
