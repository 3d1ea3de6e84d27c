import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config/index.js';
import { ByteRowsClient, createPool, queryRowBytes } from '../../gateway/database/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * For the describe block it is called in: a test database, a pool of one connection made by
 * `createPool`, its client checked out, and `listener` on each `event` message of its connection.
 */
function checkedOutClient<M>(event: string, listener: (message: M) => void): { readonly db: TestDatabase; readonly client: pg.PoolClient } {
  let db: TestDatabase;
  let pool: pg.Pool;
  let client: pg.PoolClient;
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(loadConfig({ DATABASE_URL: db.url, SLUICE_POOL_MAX: '1' }), createLogger('silent'));
    client = await pool.connect();
    // Let the pool's own first statement (the heap prime) answer before listening.
    await client.query('SELECT 1');
    (client as unknown as { connection: pg.Connection }).connection.on(event, listener as (...args: unknown[]) => void);
  });
  afterAll(async () => {
    client.release();
    await pool.end();
    await db.drop();
  });
  return {
    get db() {
      return db;
    },
    get client() {
      return client;
    },
  };
}

describe('ByteRowsClient (the pool client class)', () => {
  /** The column values pg's connection handed to the query, as they were emitted. */
  const emitted: unknown[] = [];
  const setup = checkedOutClient('dataRow', (row: { fields: unknown[] }) => emitted.push(...row.fields));

  // 1.9 MB of JSON with two- and three-byte characters: many socket chunks.
  const big = `SELECT json_agg(json_build_object('i', i, 'name', 'Ångström ✓ ' || i))::text AS a, NULL::text AS b FROM generate_series(1, 40000) AS i`;

  it('is the class the pool makes', () => {
    expect(setup.client).toBeInstanceOf(ByteRowsClient);
  });

  it('reads a large row as undecoded bytes, equal to the text Postgres sends', async () => {
    emitted.length = 0;
    const row = await queryRowBytes(setup.client, 'sluice_test_big', big, []);
    expect(emitted.length).toBe(2);
    expect(Buffer.isBuffer(emitted[0])).toBe(true);
    expect(row[1]).toBeNull();
    const { rows } = await setup.db.pool.query<{ a: string }>(big);
    expect(row[0]!.length).toBeGreaterThan(1_500_000);
    expect(row[0]!.equals(Buffer.from(rows[0]!.a))).toBe(true);
  });

  it('reads text as usual before and after, on the same connection', async () => {
    emitted.length = 0;
    const before = await setup.client.query<{ t: string }>(`SELECT 'ü'::text AS t`);
    await queryRowBytes(setup.client, 'sluice_test_small', `SELECT $1::text`, ['ü']);
    const after = await setup.client.query<{ t: string; n: number }>(`SELECT 'ü'::text AS t, 2::int AS n`);
    expect(before.rows).toEqual([{ t: 'ü' }]);
    expect(after.rows).toEqual([{ t: 'ü', n: 2 }]);
    expect(emitted.map((value) => typeof value)).toEqual(['string', 'object', 'string', 'string']);
  });

  it('reads the columns in binary format, which for json and text is their text', async () => {
    const row = await queryRowBytes(setup.client, 'sluice_test_binary', `SELECT '{"ü": [1, 2]}'::json, 'Ångström'::text, 1::int4`, []);
    expect(row[0]!.toString('utf8')).toBe('{"ü": [1, 2]}');
    expect(row[1]!.toString('utf8')).toBe('Ångström');
    // An int4 in binary: four bytes, big-endian (its text would be the one byte "1").
    expect([...row[2]!]).toEqual([0, 0, 0, 1]);
  });

  it('stays usable after a statement fails while reading bytes', async () => {
    await expect(queryRowBytes(setup.client, 'sluice_test_fail', `SELECT 1 / $1::int`, [0])).rejects.toMatchObject({ code: '22012' });
    const after = await setup.client.query<{ t: string }>(`SELECT 'ok' AS t`);
    expect(after.rows).toEqual([{ t: 'ok' }]);
  });

  it('gives the same bytes through a client of another class', async () => {
    const other = await setup.db.pool.connect();
    try {
      const [value] = await queryRowBytes(other, 'sluice_test_other', `SELECT 'Ångström'::text`, []);
      expect(value!.toString('utf8')).toBe('Ångström');
      // A json column (an answer) comes back as Postgres's text, spacing and all, not parsed by pg.
      const [json] = await queryRowBytes(other, 'sluice_test_other_json', `SELECT '{"a": [1, 2]}'::json`, []);
      expect(json!.toString('utf8')).toBe('{"a": [1, 2]}');
    } finally {
      other.release();
    }
  });
});

describe('queryRowBytes on the pool client (its own pg Query)', () => {
  const descriptions: unknown[] = [];
  const setup = checkedOutClient('rowDescription', (message: unknown) => descriptions.push(message));

  it('sends values as pg does: arrays, objects as JSON, dates, numbers, null', async () => {
    const text = 'SELECT $1::int[]::text, $2::jsonb::text, ($3::timestamptz = $4::timestamptz)::text, $5::numeric::text, ($6::text IS NULL)::text';
    const values = [[1, 2, 3], { a: [1, 'x'] }, new Date('2026-11-23T12:00:00Z'), '2026-11-23T12:00:00Z', 1.5, null];
    const row = await queryRowBytes(setup.client, 'sluice_test_values', text, values);
    const { rows } = await setup.client.query<string[]>({ text, values, rowMode: 'array' });
    expect(row.map((value) => value?.toString())).toEqual(rows[0]);
    expect(rows[0]).toEqual(['{1,2,3}', '{"a": [1, "x"]}', 'true', '1.5', 'true']);
  });

  it('asks for no row description: the columns stay bytes', async () => {
    descriptions.length = 0;
    const row = await queryRowBytes(setup.client, 'sluice_test_nodescribe', 'SELECT 1::text, 2::text', []);
    expect(row.map((value) => value?.toString())).toEqual(['1', '2']);
    expect(descriptions).toHaveLength(0);
  });

  it('answers [] for a statement without rows', async () => {
    expect(await queryRowBytes(setup.client, 'sluice_test_none', 'SELECT 1::text WHERE false', [])).toEqual([]);
  });

  it('fails a value pg cannot send before sending the statement, once, and stays usable', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(queryRowBytes(setup.client, 'sluice_test_cyclic', 'SELECT $1::text', [cyclic])).rejects.toThrow(/circular/i);
    // Its statement was never parsed, so the same name still prepares and runs.
    const [value] = await queryRowBytes(setup.client, 'sluice_test_cyclic', 'SELECT $1::text', ['fine']);
    expect(value!.toString()).toBe('fine');
    // Reads as bytes still (a second answer to the failed run would have upset the count of byte reads).
    const pipelined = await Promise.all([queryRowBytes(setup.client, 'sluice_test_cyclic', 'SELECT $1::text', ['a']), setup.client.query<{ t: string }>("SELECT 'b' AS t")]);
    expect(Buffer.isBuffer(pipelined[0][0])).toBe(true);
    expect(pipelined[1].rows).toEqual([{ t: 'b' }]);
  });
});
