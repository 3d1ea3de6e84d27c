/**
 * Reads sharing a connection (admission's `connectRead`): which reads share, what they share
 * (one connection, one socket write, Postgres running them one after another), and that each
 * still gets its own answer, its own error, its own 503 — over a real Postgres and real pools.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmission, sharedReadBudgetMs, type Admission } from '../../gateway/admission/index.js';
import { loadConfig } from '../../gateway/config/index.js';
import { createPool } from '../../gateway/database/index.js';
import { GatewayError } from '../../gateway/errors/index.js';
import { runStatement, StatementTiming } from '../../gateway/execute/run-statement.js';
import { createLogger } from '../../gateway/logging/index.js';
import { failure } from '../support/failure.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('sluice_shared_reads');
});

afterAll(async () => {
  await db?.drop();
});


describe('connectRead: who shares', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: db.url, max: 2, connectionTimeoutMillis: 300 });
  });
  afterAll(async () => {
    await pool.end();
  });
  const gate = (sharedReads = 8): Admission => createAdmission({ pool, poolMax: 2, timeoutMs: 300, queueMax: 10, sharedReads });

  it('gives cheap reads asking in one turn the same connection, returned to the pool after the last', async () => {
    const admission = gate();
    const clients = await Promise.all([admission.connectRead('a', 0.05), admission.connectRead('a', 0.05), admission.connectRead('b', 0.05)]);
    expect(new Set(clients).size).toBe(1);
    expect(pool.totalCount - pool.idleCount).toBe(1);
    expect([...admission.roles()].map((r) => [r.role, r.inFlight])).toEqual([['a', 2], ['b', 1]]);
    admission.release('a', clients[0]!);
    admission.release('b', clients[2]!);
    expect(pool.totalCount - pool.idleCount).toBe(1);
    admission.release('a', clients[1]!);
    expect(pool.totalCount - pool.idleCount).toBe(0);
    expect([...admission.roles()].map((r) => r.inFlight)).toEqual([0, 0]);
  });

  it('gives costly and not yet measured reads a connection each', async () => {
    const admission = gate();
    for (const expectedMs of [sharedReadBudgetMs, Number.POSITIVE_INFINITY]) {
      const clients = await Promise.all([admission.connectRead('a', expectedMs), admission.connectRead('a', expectedMs)]);
      expect(clients[0]).not.toBe(clients[1]);
      for (const client of clients) admission.release('a', client);
    }
  });

  it('puts at most the budget of expected time, and at most `sharedReads` reads, on one connection', async () => {
    const admission = gate();
    const third = sharedReadBudgetMs * 0.4;
    // 0.4 + 0.4 fit the budget, a third 0.4 does not: it gets the other connection.
    const byBudget = await Promise.all([admission.connectRead('a', third), admission.connectRead('a', third), admission.connectRead('a', third)]);
    expect(byBudget[0]).toBe(byBudget[1]);
    expect(byBudget[2]).not.toBe(byBudget[0]);
    for (const client of byBudget) admission.release('a', client);

    const two = gate(2);
    const byCount = await Promise.all([two.connectRead('a', 0.01), two.connectRead('a', 0.01), two.connectRead('a', 0.01)]);
    expect(byCount[0]).toBe(byCount[1]);
    expect(byCount[2]).not.toBe(byCount[0]);
    for (const client of byCount) two.release('a', client);

    const none = gate(1);
    const alone = await Promise.all([none.connectRead('a', 0.01), none.connectRead('a', 0.01)]);
    expect(alone[0]).not.toBe(alone[1]);
    for (const client of alone) none.release('a', client);
  });

  it('lets reads that wait for a busy pool share the next free connection, counted as waiting', async () => {
    const admission = gate();
    const held = await Promise.all([admission.connect('writer'), admission.connect('writer')]);
    const reads = [admission.connectRead('a', 0.01), admission.connectRead('a', 0.01), admission.connectRead('a', 0.01)];
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(admission.counters().poolWaiting).toBe(3);
    admission.release('writer', held[0]!);
    const clients = await Promise.all(reads);
    expect(new Set(clients).size).toBe(1);
    expect(admission.counters().poolWaiting).toBe(0);
    for (const client of clients) admission.release('a', client);
    admission.release('writer', held[1]!);
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });

  it('answers every read of a batch that finds no connection in time a 503, and counts each', async () => {
    const admission = gate();
    const held = await Promise.all([admission.connect('writer'), admission.connect('writer')]);
    const errors = await Promise.all([failure(admission.connectRead('a', 0.01)), failure(admission.connectRead('a', 0.01))]);
    for (const error of errors) {
      expect(error.code).toBe('postgres-max-connections-error');
      expect(error.status).toBe(503);
    }
    expect(admission.counters()).toMatchObject({ timeouts: 2, poolWaiting: 0 });
    expect(loadOf(admission, 'a')?.inFlight).toBe(0);
    for (const client of held) admission.release('writer', client);
  });

  function loadOf(admission: Admission, role: string) {
    return [...admission.roles()].find((r) => r.role === role);
  }
});

describe('runStatement on a shared connection', () => {
  let pool: pg.Pool;
  let admission: Admission;
  beforeAll(() => {
    pool = createPool(loadConfig({ DATABASE_URL: db.url, SLUICE_POOL_MAX: '4' }), createLogger('silent'));
    admission = createAdmission({ pool, poolMax: 4, timeoutMs: 1000, queueMax: 50, sharedReads: 8 });
  });
  afterAll(async () => {
    await pool.end();
  });

  // Column 0: the backend that ran it and the parameter; column 1: Postgres's own microseconds.
  const text =
    `SELECT pg_backend_pid() || ':' || (10 / $1::int)::text AS "0", ` +
    `(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000000)::bigint::text AS "1"`;
  const statement = (timing: StatementTiming) => ({ name: 'sluice_test_shared', text, timing, timingColumn: 1 });
  const run = (timing: StatementTiming, divisor: number) => runStatement(admission, 'user', statement(timing), [divisor], '$');

  it('learns a statement’s cost from the time Postgres reports', async () => {
    const timing = new StatementTiming();
    expect(timing.expectedMs).toBe(Number.POSITIVE_INFINITY);
    const row = await run(timing, 1);
    // Exactly the microseconds the statement reported, not a guess of how fast this machine is.
    expect(timing.expectedMs).toBe(Number(row[1]!.toString()) / 1000);
    expect(timing.expectedMs).toBeGreaterThanOrEqual(0);
  });

  it('sends cheap reads of one turn in one write on one backend, each with its own answer or error', async () => {
    const timing = new StatementTiming();
    // Known cheap, whatever one run measures on a busy machine.
    timing.record(0.05);
    // Count the socket writes of whichever pool connection the batch gets.
    const writes = new Map<pg.PoolClient, number>();
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect(), pool.connect()]);
    for (const client of clients) {
      const stream = (client as unknown as { connection: { stream: { _writev: Function; _write: Function } } }).connection.stream;
      const count = (original: Function) =>
        function (this: unknown, ...args: unknown[]) {
          writes.set(client, (writes.get(client) ?? 0) + 1);
          return original.apply(this, args);
        };
      stream._writev = count(stream._writev);
      stream._write = count(stream._write);
      client.release();
    }
    const answers = await Promise.allSettled([run(timing, 1), run(timing, 2), run(timing, 0), run(timing, 5)]);
    const values = answers.map((a) => (a.status === 'fulfilled' ? a.value[0]!.toString() : a.reason));
    const backends = new Set(values.filter((v) => typeof v === 'string').map((v) => (v as string).split(':')[0]));
    expect(backends.size).toBe(1);
    expect(values.filter((v) => typeof v === 'string').map((v) => (v as string).split(':')[1])).toEqual(['10', '5', '2']);
    // The division by zero is that read's error alone.
    expect(values[2]).toBeInstanceOf(GatewayError);
    expect((values[2] as GatewayError).message).toMatch(/division by zero/);
    expect([...writes.values()].reduce((a, b) => a + b, 0)).toBe(1);
    // The connection went back to the pool usable.
    expect(pool.totalCount - pool.idleCount).toBe(0);
    expect((await run(timing, 10))[0]!.toString()).toMatch(/:1$/);
  });

  it('gives reads of a costly statement a backend each', async () => {
    const timing = new StatementTiming();
    timing.record(50);
    const rows = await Promise.all([run(timing, 1), run(timing, 1), run(timing, 1)]);
    expect(new Set(rows.map((r) => r[0]!.toString().split(':')[0])).size).toBe(3);
  });
});

describe('StatementTiming', () => {
  it('settles near the 90th percentile: rare slow runs (a busy CPU) leave a cheap statement cheap', () => {
    const timing = new StatementTiming();
    timing.record(5); // a cold backend's first run
    let highest = 0;
    for (let i = 0; i < 2000; i++) {
      timing.record(i % 20 === 0 ? 2 : 0.05);
      if (i >= 1000) highest = Math.max(highest, timing.expectedMs);
    }
    expect(highest).toBeLessThan(0.1);
  });

  it('marks a statement costly when a fair share of its runs are (its cost depends on its parameters)', () => {
    const timing = new StatementTiming();
    let lowest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 2000; i++) {
      timing.record(i % 4 === 0 ? 2 : 0.05);
      if (i >= 1000) lowest = Math.min(lowest, timing.expectedMs);
    }
    expect(lowest).toBeGreaterThan(sharedReadBudgetMs / 2);
  });

  it('sees a statement that became slower within a few dozen runs', () => {
    const timing = new StatementTiming();
    for (let i = 0; i < 500; i++) timing.record(0.05);
    for (let i = 0; i < 50; i++) timing.record(3);
    expect(timing.expectedMs).toBeGreaterThan(sharedReadBudgetMs);
  });
});
