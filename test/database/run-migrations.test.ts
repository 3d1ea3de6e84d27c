import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../gateway/database/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const logger = createLogger('silent');

async function count(db: TestDatabase, table: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

describe('runMigrations with the example', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('applies the catalog and the example (Chinook, the order workflow) into a fresh database', async () => {
    const applied = await runMigrations(db.url, { example: true }, logger);
    expect(applied).toEqual(['catalog/0001_catalog.sql', 'catalog/0002_ddl_notify.sql', 'catalog/0003_events.sql', 'catalog/0004_event_workers.sql', 'example/0001_chinook.sql', 'example/0002_orders.sql']);
    const { rows } = await db.pool.query('SELECT name FROM sluice.schema_migrations ORDER BY name');
    expect(rows.map((row) => row.name)).toEqual(applied);
  });

  it('seeds the catalog with empty version 3 metadata', async () => {
    const { rows } = await db.pool.query('SELECT id, metadata, resource_version FROM sluice.metadata');
    expect(rows).toEqual([
      { id: 1, metadata: { version: 3, sources: [{ name: 'default', kind: 'postgres', tables: [] }] }, resource_version: 1 },
    ]);
  });

  it('loads the Chinook data under its snake_case names', async () => {
    expect(await count(db, 'artist')).toBe(275);
    expect(await count(db, 'album')).toBe(347);
    expect(await count(db, 'track')).toBe(3503);
    expect(await count(db, 'invoice_line')).toBe(2240);
    const { rows } = await db.pool.query(
      `SELECT t.name AS track, a.title AS album FROM track t JOIN album a USING (album_id) WHERE t.track_id = 3435`,
    );
    // A backslash in the data survives loading through node-pg (standard_conforming_strings).
    expect(rows[0]).toEqual({ track: 'Cavalleria Rusticana \\ Act \\ Intermezzo Sinfonico', album: expect.any(String) });
  });

  it('applies nothing when run a second time', async () => {
    expect(await runMigrations(db.url, { example: true }, logger)).toEqual([]);
    expect(await count(db, 'artist')).toBe(275);
  });
});

describe('runMigrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('applies only the catalog without the example', async () => {
    expect(await runMigrations(db.url, { example: false }, logger)).toEqual(['catalog/0001_catalog.sql', 'catalog/0002_ddl_notify.sql', 'catalog/0003_events.sql', 'catalog/0004_event_workers.sql']);
    const { rows } = await db.pool.query(`SELECT to_regclass('public.artist') AS artist`);
    expect(rows[0].artist).toBeNull();
  });

  it('lets concurrent runs apply each file exactly once', async () => {
    const runs = await Promise.all([1, 2, 3].map(() => runMigrations(db.url, { example: true }, logger)));
    expect(runs.flat()).toEqual(['example/0001_chinook.sql', 'example/0002_orders.sql']);
    expect(await count(db, 'track')).toBe(3503);
  });
});

describe('runMigrations on a fresh database, concurrently', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('does not fail when two instances start at the same time', async () => {
    const [first, second] = await Promise.all([
      runMigrations(db.url, { example: true }, logger),
      runMigrations(db.url, { example: true }, logger),
    ]);
    expect([...first!, ...second!].sort()).toEqual(['catalog/0001_catalog.sql', 'catalog/0002_ddl_notify.sql', 'catalog/0003_events.sql', 'catalog/0004_event_workers.sql', 'example/0001_chinook.sql', 'example/0002_orders.sql']);
    expect(await count(db, 'sluice.schema_migrations')).toBe(6);
  });
});
