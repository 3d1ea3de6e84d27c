/**
 * One test database per test file, with Sluice's catalog table and the admin API wired as the
 * gateway wires it: a pool whose connections start read-only, the real store, and the real
 * introspection. `reloads` counts how often the API asked the gateway to rebuild.
 */
import pg from 'pg';
import pino from 'pino';
import { introspectDatabase } from '../../schema/introspect/index.js';
import { createMetadataApi, createMetadataStore, type MetadataApi, type MetadataStore } from '../../gateway/metadata/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The catalog table as migrations/catalog/0001_catalog.sql creates it, seeded with the empty metadata. */
export async function createCatalog(pool: pg.Pool): Promise<void> {
  await pool.query(`
    CREATE SCHEMA IF NOT EXISTS sluice;
    CREATE TABLE IF NOT EXISTS sluice.metadata (
      id int primary key default 1 check (id = 1),
      metadata jsonb not null,
      resource_version int not null default 1,
      updated_at timestamptz);
    INSERT INTO sluice.metadata (id, metadata)
    VALUES (1, '{"version":3,"sources":[{"name":"default","kind":"postgres","tables":[]}]}')
    ON CONFLICT (id) DO NOTHING;`);
}

export interface MetadataFixture {
  readonly db: TestDatabase;
  /** Read-only by default, like the gateway's pool. */
  readonly pool: pg.Pool;
  readonly store: MetadataStore;
  readonly api: MetadataApi;
  readonly reloads: { count: number };
  /** Runs SQL as the test's own setup (read-write, outside the API). */
  sql(text: string): Promise<void>;
  close(): Promise<void>;
}

export async function createMetadataFixture(): Promise<MetadataFixture> {
  const db = await createTestDatabase('sluice_metadata');
  await createCatalog(db.pool);
  const pool = new pg.Pool({ connectionString: db.url, max: 4, options: '-c default_transaction_read_only=on' });
  const store = createMetadataStore(pool);
  const reloads = { count: 0 };
  const api = createMetadataApi({
    pool,
    store,
    introspect: () => introspectDatabase(pool),
    reload: async () => {
      reloads.count += 1;
    },
    logger: pino({ level: 'silent' }),
  });
  return {
    db,
    pool,
    store,
    api,
    reloads,
    async sql(text) {
      await db.pool.query(text);
    },
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}

/** Resets the metadata to empty between tests (bypassing the API, so no reload is counted). */
export async function resetMetadata(fixture: MetadataFixture): Promise<void> {
  await fixture.db.pool.query(
    `UPDATE sluice.metadata SET metadata = '{"version":3,"sources":[{"name":"default","kind":"postgres","tables":[]}]}', resource_version = resource_version + 1`,
  );
}
