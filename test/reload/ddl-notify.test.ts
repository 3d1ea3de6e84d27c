/**
 * The catalog's DDL event trigger (migrations/catalog/0002_ddl_notify.sql), its graceful absence
 * without superuser, and the catalog fingerprint the gateway polls instead.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../gateway/database/index.js';
import { createLogger } from '../../gateway/logging/index.js';
import { readCatalogFingerprint, readDdlNotify } from '../../gateway/reload/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { queryFields, startInstance, typeFields, waitFor, waitForLog } from './reload-fixture.js';

const silent = createLogger('silent');

/** Notifications on `sluice_ddl` received while `run` runs (and 300 ms after). */
async function ddlNotifications(url: string, run: () => Promise<unknown>): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const received: string[] = [];
  client.on('notification', (message) => received.push(message.payload ?? ''));
  try {
    await client.query('LISTEN sluice_ddl');
    await run();
    await new Promise((resolve) => setTimeout(resolve, 300));
    return received;
  } finally {
    await client.end();
  }
}

describe('DDL notifications as superuser', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sluice_ddl');
    await runMigrations(db.url, { example: false }, silent);
  });
  afterAll(async () => db?.drop());

  it('installs the event triggers and records the capability', async () => {
    expect(await readDdlNotify(db.pool)).toEqual({ available: true, detail: null });
    const { rows } = await db.pool.query("SELECT available FROM sluice.capabilities WHERE name = 'ddl_notify'");
    expect(rows).toEqual([{ available: true }]);
  });

  it('notifies new tables, columns, foreign keys, views, and drops, on commit', async () => {
    const received = await ddlNotifications(db.url, async () => {
      await db.pool.query('CREATE TABLE author (id int PRIMARY KEY)');
      await db.pool.query('CREATE TABLE book (id int PRIMARY KEY, author_id int)');
      await db.pool.query('ALTER TABLE book ADD COLUMN title text');
      await db.pool.query('ALTER TABLE book ADD FOREIGN KEY (author_id) REFERENCES author');
      await db.pool.query('CREATE VIEW book_titles AS SELECT title FROM book');
      await db.pool.query('DROP VIEW book_titles');
      await db.pool.query('ALTER TABLE book DROP COLUMN title');
      await db.pool.query('CREATE SCHEMA shop; CREATE TABLE shop.cart (id int)');
    });
    expect(received).toEqual(['CREATE TABLE', 'CREATE TABLE', 'ALTER TABLE', 'ALTER TABLE', 'CREATE VIEW', 'DROP VIEW', 'ALTER TABLE', 'CREATE SCHEMA', 'CREATE TABLE']);
  });

  it('stays quiet for Sluice’s own schema, temporary tables and rolled-back DDL', async () => {
    const received = await ddlNotifications(db.url, async () => {
      await db.pool.query('CREATE TABLE sluice.scratch (id int); DROP TABLE sluice.scratch');
      const client = await db.pool.connect();
      try {
        await client.query('CREATE TEMP TABLE scratch (id int)');
        await client.query('DROP TABLE scratch');
        await client.query('BEGIN');
        await client.query('CREATE TABLE never (id int)');
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
    });
    expect(received).toEqual([]);
  });
});

describe('the catalog fingerprint', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sluice_ddl');
    await runMigrations(db.url, { example: false }, silent);
    await db.pool.query("CREATE TABLE item (id int PRIMARY KEY, name text); CREATE TYPE mood AS ENUM ('ok')");
  });
  afterAll(async () => db?.drop());

  const changes: [string, string][] = [
    ['a new table', 'CREATE TABLE other (id int)'],
    ['a new column', 'ALTER TABLE item ADD COLUMN size int'],
    ['a new foreign key', 'ALTER TABLE other ADD COLUMN item_id int REFERENCES item'],
    ['a dropped column', 'ALTER TABLE item DROP COLUMN size'],
    ['a changed column type', 'ALTER TABLE item ALTER COLUMN name TYPE varchar(20)'],
    ['a new NOT NULL', 'ALTER TABLE item ALTER COLUMN name SET NOT NULL'],
    ['a new view', 'CREATE VIEW item_names AS SELECT name FROM item'],
    ['a new unique index', 'CREATE UNIQUE INDEX ON item (name)'],
    ['a new enum label', "ALTER TYPE mood ADD VALUE 'great'"],
    ['a table comment', "COMMENT ON TABLE item IS 'things'"],
    ['a new function', 'CREATE FUNCTION item_label(i item) RETURNS text LANGUAGE sql STABLE AS $$ SELECT i.name $$'],
    ['a renamed table', 'ALTER TABLE other RENAME TO another'],
    ['a dropped table', 'DROP TABLE another'],
  ];
  for (const [what, sql] of changes) {
    it(`changes with ${what}`, async () => {
      const before = await readCatalogFingerprint(db.pool);
      await db.pool.query(sql);
      expect(await readCatalogFingerprint(db.pool)).not.toBe(before);
    });
  }

  it('does not change with data, statistics, vacuum, or Sluice’s own tables', async () => {
    const before = await readCatalogFingerprint(db.pool);
    await db.pool.query("INSERT INTO item (id, name) VALUES (1, 'a'), (2, 'b')");
    await db.pool.query('ANALYZE item');
    await db.pool.query('VACUUM (FREEZE) item');
    await db.pool.query('CREATE TABLE sluice.scratch (id int)');
    await db.pool.query('CREATE TEMP TABLE scratch (id int)');
    expect(await readCatalogFingerprint(db.pool)).toBe(before);
  });
});

describe('without superuser', () => {
  let db: TestDatabase;
  let ownerUrl: string;
  const owner = `sluice_owner_${Math.random().toString(36).slice(2, 10)}`;

  beforeAll(async () => {
    db = await createTestDatabase('sluice_ddl');
    const url = new URL(db.url);
    const database = url.pathname.slice(1);
    await db.pool.query(`CREATE ROLE ${owner} LOGIN PASSWORD 'owner-pw' NOSUPERUSER`);
    await db.pool.query(`ALTER DATABASE "${database}" OWNER TO ${owner}`);
    url.username = owner;
    url.password = 'owner-pw';
    ownerUrl = url.toString();
  });
  afterAll(async () => {
    await db?.drop();
    const admin = new pg.Client({ connectionString: db.url.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${owner}`);
    await admin.end();
  });

  it('applies the catalog migration, leaving out the event trigger and saying why', async () => {
    expect(await runMigrations(ownerUrl, { example: false }, silent)).toContain('catalog/0002_ddl_notify.sql');
    const { rows } = await db.pool.query("SELECT available, detail FROM sluice.capabilities WHERE name = 'ddl_notify'");
    expect(rows).toEqual([{ available: false, detail: expect.stringContaining('needs superuser') }]);
    const triggers = await db.pool.query("SELECT evtname FROM pg_event_trigger WHERE evtname LIKE 'sluice%'");
    expect(triggers.rows).toEqual([]);
    expect(await readDdlNotify(db.pool)).toEqual({ available: false, detail: expect.stringContaining('permission denied') });
  });

  it('says so at startup and picks up DDL by polling the catalog', async () => {
    const ownerPool = new pg.Pool({ connectionString: ownerUrl, max: 1 });
    const g = await startInstance(ownerUrl, { reload: { pollIntervalMs: 200 } });
    try {
      const warning = await waitForLog(g.logs, /^DDL auto-reload unavailable/);
      expect(warning.msg).toBe('DDL auto-reload unavailable (needs superuser); falling back to polling the catalog every 0.2 s');
      expect(warning.level).toBe(40);
      await ownerPool.query('CREATE TABLE polled (id int PRIMARY KEY)');
      await waitFor(async () => (await queryFields(g)).includes('polled'), 5_000, 'the polled table');
      await ownerPool.query('ALTER TABLE polled ADD COLUMN size int');
      await waitFor(async () => (await typeFields(g, 'polled')).includes('size'), 5_000, 'the polled column');
      expect(g.logs.filter((line) => line.msg === 'schema reloaded after a change').at(-1)?.reasons).toEqual(['catalog changed (polled)']);
    } finally {
      await g.close();
      await ownerPool.end();
    }
  });
});
