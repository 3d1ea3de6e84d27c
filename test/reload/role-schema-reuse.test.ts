/**
 * A reload rebuilds only the role schemas whose inputs changed: the others are carried over as
 * the same objects, so the plans cached for them stay warm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { loadConfig } from '../../gateway/config/index.js';
import { createPool, runMigrations } from '../../gateway/database/index.js';
import { SchemaRegistry } from '../../gateway/http/schema-registry.js';
import { createLogger } from '../../gateway/logging/index.js';
import { createMetadataStore, type MetadataStore } from '../../gateway/metadata/index.js';
import type { Metadata, TableMetadata } from '../../schema/metadata/metadata.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

function metadataWith(tables: TableMetadata[]): Metadata {
  return { version: 3, sources: [{ name: 'default', kind: 'postgres', tables }] };
}

const author = (readerFilter: Record<string, unknown>, extra: Partial<TableMetadata> = {}): TableMetadata => ({
  table: { schema: 'public', name: 'author' },
  array_relationships: [{ name: 'books', using: { foreign_key_constraint_on: { table: { schema: 'public', name: 'book' }, column: 'author_id' } } }],
  select_permissions: [
    { role: 'reader', permission: { columns: ['id', 'name'], filter: readerFilter } },
    { role: 'editor', permission: { columns: ['id', 'name'], filter: {} } },
  ],
  ...extra,
});
const book: TableMetadata = {
  table: { schema: 'public', name: 'book' },
  select_permissions: [
    { role: 'reader', permission: { columns: ['id', 'title'], filter: {} } },
    { role: 'editor', permission: { columns: ['id', 'title'], filter: {} } },
  ],
};

describe('role schemas across reloads', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let store: MetadataStore;
  let registry: SchemaRegistry;
  let version = 0;

  const save = async (metadata: Metadata) => {
    version = await store.save(metadata, version);
    await registry.reload();
  };
  const schemas = () => {
    const state = registry.current();
    return { admin: state.schemaFor('admin'), reader: state.schemaFor('reader'), editor: state.schemaFor('editor') };
  };

  beforeAll(async () => {
    db = await createTestDatabase('sluice_role_reuse');
    await runMigrations(db.url, { example: false }, createLogger('silent'));
    await db.pool.query(`
      CREATE TABLE author (id int PRIMARY KEY, name text);
      CREATE TABLE book (id int PRIMARY KEY, title text, author_id int REFERENCES author(id));`);
    const config = loadConfig({ DATABASE_URL: db.url, SLUICE_POOL_MAX: '2' });
    pool = createPool(config, createLogger('silent'));
    store = createMetadataStore(pool);
    version = (await store.load()).resourceVersion;
    registry = new SchemaRegistry(pool, store, config, createLogger('silent'));
    await registry.reload();
    await save(metadataWith([author({}), book]));
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it("changing one role's permission rebuilds that role only", async () => {
    const before = schemas();
    await save(metadataWith([author({ id: { _eq: 'X-Hasura-User-Id' } }), book]));
    const after = schemas();
    expect(after.reader).not.toBe(before.reader);
    expect(after.editor).toBe(before.editor);
    expect(after.admin).toBe(before.admin);
    expect(registry.current().roleOf(after.editor)).toBe('editor');
  });

  it('an event trigger change rebuilds no schema', async () => {
    const before = schemas();
    const trigger = { name: 'author_changed', definition: { enable_manual: true }, webhook: 'http://127.0.0.1:9/hook' };
    await save(metadataWith([author({ id: { _eq: 'X-Hasura-User-Id' } }, { event_triggers: [trigger] }), book]));
    const after = schemas();
    expect(after).toEqual(before);
    expect(after.reader).toBe(before.reader);
  });

  it('a new table no permission reaches rebuilds admin only; a new column of a reached table rebuilds the roles that reach it', async () => {
    const before = schemas();
    await db.pool.query('CREATE TABLE unrelated (id int PRIMARY KEY)');
    await registry.reload();
    const afterTable = schemas();
    expect(afterTable.admin).not.toBe(before.admin);
    expect(afterTable.reader).toBe(before.reader);
    expect(afterTable.editor).toBe(before.editor);

    // book is reached by both roles (a permission, and a relationship from author).
    await db.pool.query('ALTER TABLE book ADD COLUMN pages int');
    await registry.reload();
    const afterColumn = schemas();
    expect(afterColumn.reader).not.toBe(afterTable.reader);
    expect(afterColumn.editor).not.toBe(afterTable.editor);
    expect(afterColumn.admin).not.toBe(afterTable.admin);
  });

  it('a kept schema still answers with the current data', async () => {
    const state = registry.current();
    const fields = Object.keys(state.schemaFor('editor').getQueryType()?.getFields() ?? {});
    expect(fields).toEqual(expect.arrayContaining(['author', 'book', 'author_by_pk']));
    expect(fields).not.toContain('unrelated');
  });
});
