/**
 * What the delivery tests share: a fresh database with Sluice's catalog and an `orders` table,
 * the gateway's read-only pool, a real webhook receiver on port 0, metadata with event triggers,
 * and helpers to insert events the way captured writes do (`sluice.capture_event`).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type pg from 'pg';
import { loadConfig } from '../../../gateway/config/index.js';
import { createPool, runMigrations } from '../../../gateway/database/index.js';
import { startDeliveryWorker, type DeliverySchema, type DeliveryTuning, type DeliveryWorker } from '../../../gateway/events/delivery/index.js';
import { createLogger } from '../../../gateway/logging/index.js';
import type { Metadata } from '../../../schema/metadata/metadata.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

export const quietLogger = () =>
  createLogger('error', new Writable({ write: (_chunk, _encoding, done) => done() }));

export interface DeliveryDatabase {
  readonly db: TestDatabase;
  /** The gateway's kind of pool: read-only by default. */
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

export async function startDeliveryDatabase(setupSql = ''): Promise<DeliveryDatabase> {
  const db = await createTestDatabase('sluice_events');
  await runMigrations(db.url, { example: false }, quietLogger());
  await db.pool.query(`CREATE TABLE public.orders (id int PRIMARY KEY, note text); ${setupSql}`);
  const pool = createPool(loadConfig({ DATABASE_URL: db.url, SLUICE_POOL_MAX: '8' }), quietLogger());
  return {
    db,
    pool,
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}

export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
  readonly at: number;
}

export interface Reply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Answer after this long (ms). */
  readonly delayMs?: number;
}

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Most requests ever open at once. */
  readonly maxInFlight: () => number;
  /** Decides the answer per request (default 200). */
  reply: (request: ReceivedRequest, index: number) => Reply;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let inFlight = 0;
  let maxInFlight = 0;
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const receiver: Receiver = {
    url: '',
    requests,
    maxInFlight: () => maxInFlight,
    reply: () => ({ status: 200, body: 'ok' }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>, at: performance.now() };
      requests.push(request);
      const reply = receiver.reply(request, requests.length - 1);
      const send = () => {
        inFlight -= 1;
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, reply.headers ?? {});
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (receiver as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

/** Metadata with the given triggers on `public.orders`. */
export function schemaWith(...triggers: Record<string, unknown>[]): DeliverySchema {
  const metadata: Metadata = {
    version: 3,
    sources: [{ name: 'default', kind: 'postgres', tables: [{ table: { schema: 'public', name: 'orders' }, event_triggers: triggers }] }],
  };
  return { metadata, tablesByKey: new Map() };
}

export function trigger(name: string, webhook: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, definition: { enable_manual: false, insert: { columns: '*' } }, retry_conf: { num_retries: 0, interval_sec: 0, timeout_sec: 5 }, webhook, ...extra };
}

/** Inserts `count` INSERT events for `triggerName` in one committed transaction; ids start at `from`. */
export async function insertEvents(db: TestDatabase, triggerName: string, count: number, from = 1): Promise<void> {
  await db.pool.query(
    `SELECT sluice.capture_event($1, 'public', 'orders', 'INSERT', NULL, jsonb_build_object('id', g)) FROM generate_series($2::int, $3::int) g`,
    [triggerName, from, from + count - 1],
  );
}

export function startWorker(
  database: DeliveryDatabase,
  schema: DeliverySchema,
  instanceId: string,
  options: DeliveryTuning = {},
  extra: { env?: Record<string, string> } = {},
): DeliveryWorker {
  return startDeliveryWorker({
    pool: database.pool,
    databaseUrl: database.db.url,
    getSchema: () => schema,
    logger: quietLogger(),
    instanceId,
    env: extra.env,
    options: { cleanupIntervalMs: 0, ...options },
  });
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function statusCounts(db: TestDatabase): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM sluice.event_log GROUP BY status`);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
