/**
 * The admission gate on its own, over a real pool: per-role limits (listed, default, none),
 * FIFO hand-over of a role's slots, bounded waiting, and the 503s it answers with.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmission, type Admission, type AdmissionOptions } from '../../gateway/admission/index.js';
import { WaiterQueue } from '../../gateway/admission/waiter-queue.js';
import { failure } from '../support/failure.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('sluice_admission');
  pool = new pg.Pool({ connectionString: db.url, max: 2, connectionTimeoutMillis: 300 });
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

function admission(options: Partial<AdmissionOptions> = {}): Admission {
  return createAdmission({ pool, poolMax: 2, timeoutMs: 300, queueMax: 10, ...options });
}

function loadOf(gate: Admission, role: string) {
  return [...gate.roles()].find((r) => r.role === role);
}


const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('createAdmission', () => {
  it('hands a role at its limit its slots in arrival order', async () => {
    const gate = admission({ roleLimits: new Map([['payments', 1]]) });
    const order: string[] = [];
    const first = await gate.connect('payments');
    const second = gate.connect('payments').then((client) => (order.push('second'), client));
    const third = gate.connect('payments').then((client) => (order.push('third'), client));
    await tick();
    expect(loadOf(gate, 'payments')).toEqual({ role: 'payments', inFlight: 1, waiting: 2 });
    gate.release('payments', first);
    const secondClient = await second;
    expect(order).toEqual(['second']);
    gate.release('payments', secondClient);
    gate.release('payments', await third);
    expect(order).toEqual(['second', 'third']);
    expect(loadOf(gate, 'payments')).toEqual({ role: 'payments', inFlight: 0, waiting: 0 });
  });

  it('applies the default limit to roles not listed, and none without one', async () => {
    const gate = admission({ roleLimits: new Map([['wide', 2]]), defaultRoleLimit: 1 });
    const a = await gate.connect('other');
    const refused = await failure(gate.connect('other'));
    expect(refused).toMatchObject({ code: 'postgres-max-connections-error', status: 503, retryAfterSeconds: 1 });
    expect(refused.message).toBe('too many concurrent requests for role "other" (no slot became free within 300 ms); try again later');
    gate.release('other', a);
    const b = await gate.connect('wide');
    const c = await gate.connect('wide');
    gate.release('wide', b);
    gate.release('wide', c);
    const unlimited = admission();
    const d = await unlimited.connect('anyone');
    const e = await unlimited.connect('anyone');
    expect(loadOf(unlimited, 'anyone')?.inFlight).toBe(2);
    unlimited.release('anyone', d);
    unlimited.release('anyone', e);
    expect(gate.counters().timeouts).toBe(1);
  });

  it('counts a wait for the role and for a connection against one deadline', async () => {
    const gate = admission({ roleLimits: new Map([['a', 1]]), timeoutMs: 300 });
    // Both connections are taken outside admission, and role a's one slot by work that takes none.
    const clients = [await pool.connect(), await pool.connect()];
    const holding = gate.admit('a', () => new Promise((resolve) => setTimeout(resolve, 200)));
    const started = performance.now();
    const error = await failure(gate.connect('a'));
    const waited = performance.now() - started;
    await holding;
    for (const client of clients) client.release();
    // 200 ms for the slot, then only the rest of the 300 ms for a connection (pg alone would wait 300 more).
    expect(error.message).toBe('no database connection became free within 300 ms; try again later');
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(450);
    expect(gate.counters()).toMatchObject({ timeouts: 1, poolWaiting: 0, roleWaiting: 0 });
    expect(loadOf(gate, 'a')).toEqual({ role: 'a', inFlight: 0, waiting: 0 });
  });

  it('refuses at once when the wait queue is full', async () => {
    const gate = admission({ roleLimits: new Map([['a', 1]]), queueMax: 1 });
    const held = await gate.connect('a');
    const waiting = gate.connect('a');
    const started = performance.now();
    const refused = await failure(gate.connect('a'));
    expect(performance.now() - started).toBeLessThan(100);
    expect(refused.message).toBe('too many requests are waiting for a database connection; try again later');
    gate.release('a', held);
    gate.release('a', await waiting);
    expect(gate.counters()).toMatchObject({ queueRejections: 1, timeouts: 0 });
  });

  it('turns a pool timeout inside admitted work into the same 503', async () => {
    const gate = admission();
    const a = await pool.connect();
    const b = await pool.connect();
    const error = await failure(gate.admit('admin', async () => (await pool.query('SELECT 1')).rows));
    a.release();
    b.release();
    expect(error).toMatchObject({ code: 'postgres-max-connections-error', status: 503, retryAfterSeconds: 1 });
    expect(await gate.admit('admin', async () => (await pool.query<{ one: number }>('SELECT 1 AS one')).rows)).toEqual([{ one: 1 }]);
    expect(loadOf(gate, 'admin')).toEqual({ role: 'admin', inFlight: 0, waiting: 0 });
  });
});

describe('WaiterQueue', () => {
  interface Item {
    readonly name: string;
    prev: Item | undefined;
    next: Item | undefined;
  }
  const item = (name: string): Item => ({ name, prev: undefined, next: undefined });

  it('is first in, first out, and removes a waiter from anywhere', () => {
    const queue = new WaiterQueue<Item>();
    const [a, b, c] = [item('a'), item('b'), item('c')];
    queue.push(a);
    queue.push(b);
    queue.push(c);
    queue.remove(b);
    queue.remove(b);
    expect(queue.size).toBe(2);
    expect(queue.shift()?.name).toBe('a');
    queue.remove(a);
    expect(queue.shift()?.name).toBe('c');
    expect(queue.shift()).toBeUndefined();
    expect(queue.size).toBe(0);
  });
});
