import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config/index.js';
import { createPool } from '../../gateway/database/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const logger = createLogger('silent');

describe('createPool', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query('CREATE TABLE note (id int PRIMARY KEY, body text)');
    pool = createPool({ ...loadConfig({ DATABASE_URL: db.url, SLUICE_POOL_MAX: '3', SLUICE_STATEMENT_TIMEOUT_MS: '1234' }) }, logger);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('opens read-only connections: a write outside BEGIN READ WRITE fails with 25006', async () => {
    await expect(pool.query(`INSERT INTO note VALUES (1, 'nope')`)).rejects.toMatchObject({ code: '25006' });
  });

  it('allows writes inside BEGIN READ WRITE', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN READ WRITE');
      await client.query(`INSERT INTO note VALUES (2, 'yes')`);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const { rows } = await db.pool.query('SELECT body FROM note WHERE id = 2');
    expect(rows).toEqual([{ body: 'yes' }]);
  });

  it('sets the statement timeout and application name on every connection', async () => {
    const { rows } = await pool.query(
      `SELECT current_setting('statement_timeout') AS timeout, current_setting('application_name') AS app,
              current_setting('default_transaction_read_only') AS ro`,
    );
    expect(rows[0]).toEqual({ timeout: '1234ms', app: 'sluice', ro: 'on' });
  });

  it('never opens more connections than poolMax', async () => {
    await Promise.all(Array.from({ length: 10 }, () => pool.query('SELECT pg_sleep(0.05)')));
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'sluice' AND datname = current_database()`,
    );
    expect(rows[0]!.n).toBeLessThanOrEqual(3);
    expect(pool.totalCount).toBeLessThanOrEqual(3);
  });
});

describe('createPool with options in the connection string', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    const url = new URL(db.url);
    url.searchParams.set('options', '-c search_path=pg_catalog');
    pool = createPool(loadConfig({ DATABASE_URL: url.toString(), SLUICE_STATEMENT_TIMEOUT_MS: '0' }), logger);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('keeps the user options and still makes connections read-only', async () => {
    const { rows } = await pool.query(
      `SELECT current_setting('search_path') AS path, current_setting('default_transaction_read_only') AS ro,
              current_setting('statement_timeout') AS timeout`,
    );
    expect(rows[0]).toEqual({ path: 'pg_catalog', ro: 'on', timeout: '0' });
  });
});
