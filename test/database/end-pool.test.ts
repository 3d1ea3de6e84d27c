import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config/index.js';
import { createPool, endPool } from '../../gateway/database/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('endPool', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  /** A pool with `count` open connections (idle), and their backends' process ids. */
  async function poolWith(count: number): Promise<{ pool: pg.Pool; pids: number[] }> {
    const pool = createPool(loadConfig({ DATABASE_URL: db.url, SLUICE_POOL_MAX: String(count) }), createLogger('silent'));
    const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
    const pids = await Promise.all(clients.map(async (client) => (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid));
    for (const client of clients) client.release();
    return { pool, pids };
  }

  async function backendsAlive(pids: number[]): Promise<number> {
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1)', [pids]);
    return rows[0]!.n;
  }

  it('returns once every connection has closed, so stopping the database next cuts none', async () => {
    for (let round = 0; round < 3; round++) {
      const { pool, pids } = await poolWith(6);
      expect(await backendsAlive(pids)).toBe(6);
      await endPool(pool);
      // The backend of a closed connection is gone (pg-pool's own end() returns before that).
      expect(await backendsAlive(pids)).toBe(0);
    }
  });

  it('waits for a connection still in use to come back and close', async () => {
    const { pool, pids } = await poolWith(2);
    const busy = await pool.connect();
    let ended = false;
    const ending = endPool(pool).then(() => (ended = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBe(false);
    busy.release();
    await ending;
    expect(await backendsAlive(pids)).toBe(0);
  });

  it('returns at once for a pool that never connected', async () => {
    const pool = createPool(loadConfig({ DATABASE_URL: db.url }), createLogger('silent'));
    await endPool(pool, 60_000);
    expect(pool.totalCount).toBe(0);
  });
});
