import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config/index.js';
import { ByteRowsClient, createPool, queryRowBytes } from '../../gateway/database/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('ByteRowsClient (the pool client class)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let client: pg.PoolClient;
  /** The column values pg's connection handed to the query, as they were emitted. */
  const emitted: unknown[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(loadConfig({ DATABASE_URL: db.url, SLUICE_POOL_MAX: '1' }), createLogger('silent'));
    client = await pool.connect();
    (client as unknown as { connection: pg.Connection }).connection.on('dataRow', (row: { fields: unknown[] }) => emitted.push(...row.fields));
  });
  afterAll(async () => {
    client.release();
    await pool.end();
    await db.drop();
  });

  // 1.9 MB of JSON with two- and three-byte characters: many socket chunks.
  const big = `SELECT json_agg(json_build_object('i', i, 'name', 'Ångström ✓ ' || i))::text AS a, NULL::text AS b FROM generate_series(1, 40000) AS i`;

  it('is the class the pool makes', () => {
    expect(client).toBeInstanceOf(ByteRowsClient);
  });

  it('reads a large row as undecoded bytes, equal to the text Postgres sends', async () => {
    emitted.length = 0;
    const row = await queryRowBytes(client, 'sluice_test_big', big, []);
    expect(emitted.length).toBe(2);
    expect(Buffer.isBuffer(emitted[0])).toBe(true);
    expect(row[1]).toBeNull();
    const { rows } = await db.pool.query<{ a: string }>(big);
    expect(row[0]!.length).toBeGreaterThan(1_500_000);
    expect(row[0]!.equals(Buffer.from(rows[0]!.a))).toBe(true);
  });

  it('reads text as usual before and after, on the same connection', async () => {
    emitted.length = 0;
    const before = await client.query<{ t: string }>(`SELECT 'ü'::text AS t`);
    await queryRowBytes(client, 'sluice_test_small', `SELECT $1::text`, ['ü']);
    const after = await client.query<{ t: string; n: number }>(`SELECT 'ü'::text AS t, 2::int AS n`);
    expect(before.rows).toEqual([{ t: 'ü' }]);
    expect(after.rows).toEqual([{ t: 'ü', n: 2 }]);
    expect(emitted.map((value) => typeof value)).toEqual(['string', 'object', 'string', 'string']);
  });

  it('stays usable after a statement fails while reading bytes', async () => {
    await expect(queryRowBytes(client, 'sluice_test_fail', `SELECT 1 / $1::int`, [0])).rejects.toMatchObject({ code: '22012' });
    const after = await client.query<{ t: string }>(`SELECT 'ok' AS t`);
    expect(after.rows).toEqual([{ t: 'ok' }]);
  });

  it('gives the same bytes through a client of another class', async () => {
    const other = await db.pool.connect();
    try {
      const [value] = await queryRowBytes(other, 'sluice_test_other', `SELECT 'Ångström'::text`, []);
      expect(value!.toString('utf8')).toBe('Ångström');
    } finally {
      other.release();
    }
  });
});
