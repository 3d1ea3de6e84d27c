import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectDatabase } from '../../schema/introspect/index.js';
import { tableKey } from '../../schema/model/database-model.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('introspectDatabase: types from extensions', () => {
  let db: TestDatabase;
  let available = false;
  beforeAll(async () => {
    db = await createTestDatabase('sluice_introspect');
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = ANY ('{citext,ltree}')",
    );
    available = rows[0]!.n === 2;
  });
  afterAll(async () => {
    await db.drop();
  });

  it('describes citext and ltree columns like any other base type', async (context) => {
    // A server built without contrib cannot run this; the embedded one ships both extensions.
    if (!available) context.skip('citext or ltree is not installable on this server');
    await db.pool.query(`
      CREATE EXTENSION citext;
      CREATE EXTENSION ltree;
      CREATE DOMAIN handle AS citext;
      CREATE TABLE member (login citext PRIMARY KEY, aliases citext[], nick handle, path ltree);
    `);
    const model = await introspectDatabase(db.pool);
    const { rows } = await db.pool.query<{ name: string; oid: string }>(
      "SELECT typname AS name, oid::int8 AS oid FROM pg_type WHERE typname IN ('citext', '_citext', 'handle', 'ltree')",
    );
    const oid = Object.fromEntries(rows.map((r) => [r.name, Number(r.oid)]));
    const citext = { oid: oid.citext, schema: 'public', name: 'citext', kind: 'base', category: 'S', displayName: 'citext' };
    const member = model.tables.get(tableKey({ schema: 'public', name: 'member' }))!;
    expect(member.columns.map((c) => c.type)).toEqual([
      citext,
      { oid: oid._citext, schema: 'public', name: '_citext', kind: 'array', category: 'A', displayName: 'citext[]', elementType: citext },
      { oid: oid.handle, schema: 'public', name: 'handle', kind: 'domain', category: 'S', displayName: 'handle', elementType: citext },
      { oid: oid.ltree, schema: 'public', name: 'ltree', kind: 'base', category: 'U', displayName: 'ltree' },
    ]);
    expect(member.primaryKey).toEqual({ name: 'member_pkey', columns: ['login'], source: 'constraint' });
  });
});
