/**
 * Backpressure through the HTTP surface: a saturated pool answers 503 with `Retry-After` in
 * Hasura's error shapes after `SLUICE_POOL_TIMEOUT_MS` (queries, mutations, admin APIs alike), a
 * full wait queue answers at once, a role at its concurrency limit does not block other roles,
 * and the gateway serves normally afterwards. Slow requests select from a view that sleeps.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestGateway, type HttpResult, type TestGateway } from '../support/test-gateway.js';

const secret = 'backpressure-secret';
const admin = { 'x-hasura-admin-secret': secret };

const setupSql = `
  CREATE TABLE item (id integer PRIMARY KEY, name text NOT NULL);
  INSERT INTO item VALUES (1, 'one'), (2, 'two');
  -- Holds its connection for 2 s (pg_sleep is allowed in a read-only transaction).
  CREATE VIEW slow AS SELECT 1 AS id, pg_sleep(2)::text AS slept;
`;

function env(extra: Record<string, string>): Record<string, string> {
  // No event delivery worker: its polling would take pool connections of its own.
  return { SLUICE_ADMIN_SECRET: secret, SLUICE_POOL_MAX: '2', SLUICE_EVENT_DELIVERY: 'false', ...extra };
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Statements of the gateway's database sleeping in the slow view now. */
async function sleeping(g: TestGateway): Promise<number> {
  const { rows } = await g.db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE '%\"slow\"%' AND pid <> pg_backend_pid()",
  );
  return rows[0]!.n;
}

/**
 * Starts the gateway and lets its start-up work in the background (the reload listener's
 * catch-up reload) finish: it takes pool connections too.
 */
async function start(extraEnv: Record<string, string>): Promise<TestGateway> {
  const g = await startTestGateway({ example: false, setupSql, env: env(extraEnv) });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await until(() => g.pool.waitingCount === 0 && g.pool.idleCount === g.pool.totalCount, 'the pool is idle');
  return g;
}

/** Starts two slow requests and waits until both are sleeping on the two connections. */
async function saturate(g: TestGateway, headers: Record<string, string> = admin): Promise<Promise<HttpResult>[]> {
  const slow = [g.graphql('{ slow { id slept } }', undefined, headers), g.graphql('{ slow { id slept } }', undefined, headers)];
  await until(async () => (await sleeping(g)) === 2, 'both connections are busy');
  return slow;
}

async function timed<T>(task: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await task;
  return { result, ms: performance.now() - started };
}

describe('a saturated pool', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await start({ SLUICE_POOL_TIMEOUT_MS: '500', SLUICE_POOL_SATURATION_WARN_MS: '200' });
  });
  afterAll(async () => g?.close());

  it('answers queries, mutations and admin APIs with 503 and Retry-After after the pool timeout, then serves again', async () => {
    const slow = await saturate(g);
    const [query, mutation, adminApi] = await Promise.all([
      timed(g.graphql('{ item { id } }', undefined, admin)),
      timed(g.graphql('mutation { insert_item_one(object: {id: 3, name: "three"}) { id } }', undefined, admin)),
      timed(g.post('/v2/query', { type: 'run_sql', args: { sql: 'SELECT 1' } }, admin)),
    ]);
    const message = 'no database connection became free within 500 ms; try again later';
    for (const { result, ms } of [query, mutation]) {
      expect(result.status).toBe(503);
      expect(result.headers.get('retry-after')).toBe('1');
      expect(result.body).toEqual({ errors: [{ message, extensions: { path: '$', code: 'postgres-max-connections-error' } }] });
      // Waited about the pool timeout, not until a slow request finished (2 s).
      expect(ms).toBeGreaterThanOrEqual(400);
      expect(ms).toBeLessThan(1900);
    }
    expect(adminApi.result.status).toBe(503);
    expect(adminApi.result.headers.get('retry-after')).toBe('1');
    expect(adminApi.result.body).toEqual({ path: '$', error: message, code: 'postgres-max-connections-error' });
    expect(adminApi.ms).toBeLessThan(1900);

    for (const result of await Promise.all(slow)) expect(dataOf(result)).toEqual({ slow: [{ id: 1, slept: '' }] });
    expect(dataOf(await g.graphql('{ item(order_by: {id: asc}) { id } }', undefined, admin))).toEqual({ item: [{ id: 1 }, { id: 2 }] });
    const count = await g.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM item');
    expect(count.rows[0]!.n).toBe('2');
  });

  it('warns once that the pool stayed saturated', async () => {
    const warnings = g.logs.filter((line) => line.msg.startsWith('connection pool saturated'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, size: 2, idle: 0 });
  });

  it('reports a saturated pool on /healthz as a warning, without queueing for a connection', async () => {
    const slow = await saturate(g);
    const waiting = g.graphql('{ item { id } }', undefined, admin);
    await until(() => g.pool.waitingCount > 0, 'a request waits');
    const { result, ms } = await timed(g.request('/healthz'));
    expect(result.status).toBe(200);
    expect(result.text).toBe('WARN: connection pool saturated');
    expect(ms).toBeLessThan(400);
    expect((await waiting).status).toBe(503);
    await Promise.all(slow);
  });
});

describe('the wait queue', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await start({ SLUICE_POOL_TIMEOUT_MS: '1000', SLUICE_POOL_QUEUE_MAX: '1' });
  });
  afterAll(async () => g?.close());

  it('turns a request away at once when the queue is full', async () => {
    const slow = await saturate(g);
    const queued = timed(g.graphql('{ item { id } }', undefined, admin));
    await until(() => g.pool.waitingCount === 1, 'one request waits');
    const { result, ms } = await timed(g.graphql('{ item { id } }', undefined, admin));
    expect(result.status).toBe(503);
    expect(result.headers.get('retry-after')).toBe('1');
    expect(result.body).toEqual({
      errors: [{ message: 'too many requests are waiting for a database connection; try again later', extensions: { path: '$', code: 'postgres-max-connections-error' } }],
    });
    expect(ms).toBeLessThan(500);
    const waited = await queued;
    expect(waited.result.status).toBe(503);
    expect(waited.ms).toBeGreaterThanOrEqual(900);
    await Promise.all(slow);
    expect(g.gateway.admission.counters()).toEqual({ queueRejections: 1, timeouts: 1, roleWaiting: 0, poolWaiting: 0 });
    expect(dataOf(await g.graphql('{ item(limit: 1) { id } }', undefined, admin))).toEqual({ item: [{ id: 1 }] });
  });
});

describe('per-role concurrency', () => {
  let g: TestGateway;
  const slowpoke = { ...admin, 'x-hasura-role': 'slowpoke' };
  const reader = { ...admin, 'x-hasura-role': 'reader' };
  beforeAll(async () => {
    g = await start({ SLUICE_POOL_TIMEOUT_MS: '500', SLUICE_ROLE_CONCURRENCY: 'slowpoke=1' });
    const granted = await g.post(
      '/v1/metadata',
      {
        type: 'bulk',
        args: [
          { type: 'pg_create_select_permission', args: { table: 'slow', role: 'slowpoke', permission: { columns: ['id', 'slept'], filter: {} } } },
          { type: 'pg_create_select_permission', args: { table: 'item', role: 'reader', permission: { columns: ['id'], filter: {} } } },
        ],
      },
      admin,
    );
    expect(granted.status).toBe(200);
  });
  afterAll(async () => g?.close());

  it('keeps a role at its limit from taking the connections other roles need', async () => {
    const first = g.graphql('{ slow { id } }', undefined, slowpoke);
    const second = timed(g.graphql('{ slow { id } }', undefined, slowpoke));
    await until(() => [...g.gateway.admission.roles()].some((r) => r.role === 'slowpoke' && r.inFlight === 1 && r.waiting === 1), 'slowpoke waits for its slot');
    // Without the limit both slow requests would hold both connections and this would time out.
    const { result, ms } = await timed(g.graphql('{ item(order_by: {id: asc}) { id } }', undefined, reader));
    expect(dataOf(result)).toEqual({ item: [{ id: 1 }, { id: 2 }] });
    expect(ms).toBeLessThan(1500);
    const refused = await second;
    expect(refused.result.status).toBe(503);
    expect(refused.result.headers.get('retry-after')).toBe('1');
    expect(refused.result.body).toEqual({
      errors: [
        {
          message: 'too many concurrent requests for role "slowpoke" (no slot became free within 500 ms); try again later',
          extensions: { path: '$', code: 'postgres-max-connections-error' },
        },
      ],
    });
    expect(dataOf(await first)).toEqual({ slow: [{ id: 1 }] });
    expect([...g.gateway.admission.roles()].find((r) => r.role === 'slowpoke')).toEqual({ role: 'slowpoke', inFlight: 0, waiting: 0 });
  });
});
