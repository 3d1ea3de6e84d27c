import { expect } from 'vitest';
import { introspectDatabase } from '../../schema/introspect/index.js';
import { tableKey, type DatabaseModel, type PgType, type TableInfo } from '../../schema/model/database-model.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { FIXTURE_SQL } from './fixture-schema.js';

/** A test database holding `FIXTURE_SQL`, and the model introspection made of it. */
export interface IntrospectedFixture {
  readonly db: TestDatabase;
  readonly model: DatabaseModel;
  /** The table, failing the test if the model lacks it. */
  table(schema: string, name: string): TableInfo;
  /** The oid Postgres gave a type of the fixture, for exact comparisons. */
  oidOf(regtype: string): Promise<number>;
  /** The oid Postgres gave a relation of the fixture. */
  relationOid(regclass: string): Promise<number>;
}

export async function introspectFixture(): Promise<IntrospectedFixture> {
  const db = await createTestDatabase('sluice_introspect');
  await db.pool.query(FIXTURE_SQL);
  const model = await introspectDatabase(db.pool);
  return {
    db,
    model,
    table(schema, name) {
      const table = model.tables.get(tableKey({ schema, name }));
      expect(table, `${schema}.${name}`).toBeDefined();
      return table!;
    },
    async oidOf(regtype) {
      const { rows } = await db.pool.query<{ oid: number }>('SELECT to_regtype($1)::oid::int8 AS oid', [regtype]);
      return Number(rows[0]!.oid);
    },
    async relationOid(regclass) {
      const { rows } = await db.pool.query<{ oid: number }>('SELECT to_regclass($1)::oid::int8 AS oid', [regclass]);
      return Number(rows[0]!.oid);
    },
  };
}

/** Built-in types as the model describes them; their oids are fixed in every Postgres. */
export const builtin = {
  int4: { oid: 23, schema: 'pg_catalog', name: 'int4', kind: 'base', category: 'N', displayName: 'integer' },
  int8: { oid: 20, schema: 'pg_catalog', name: 'int8', kind: 'base', category: 'N', displayName: 'bigint' },
  text: { oid: 25, schema: 'pg_catalog', name: 'text', kind: 'base', category: 'S', displayName: 'text' },
  date: { oid: 1082, schema: 'pg_catalog', name: 'date', kind: 'base', category: 'D', displayName: 'date' },
} satisfies Record<string, PgType>;
