import { tableKey, type DatabaseModel, type TableInfo } from '../model/database-model.js';
import { buildPgTypes } from './build-pg-types.js';
import { buildTableInfo } from './build-table-info.js';
import { catalogQuery } from './catalog-query.js';
import type { CatalogRow } from './catalog-row.js';

/** Anything that can run a parameterised query: a pg Pool, PoolClient or Client. */
export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: readonly unknown[],
  ): Promise<{ rows: R[] }>;
}

export interface IntrospectOptions {
  /** Read only these schemas. By default every schema except pg_catalog, information_schema,
   * pg_toast*, pg_temp* and the `sluice` and `hdb_catalog` catalogs. */
  readonly schemas?: readonly string[];
}

/**
 * Reads the tables, views, materialized views and foreign tables of the database with their
 * columns, types, keys and writability. Partitions are left out: Hasura tracks the partitioned
 * parent, and rows reach the partitions through it. One round trip, because this runs on every
 * schema reload.
 */
export async function introspectDatabase(db: Queryable, options: IntrospectOptions = {}): Promise<DatabaseModel> {
  const query = catalogQuery(options.schemas);
  const { rows } = await db.query<CatalogRow & Record<string, unknown>>(query.text, query.values);
  const catalog = rows[0];
  if (!catalog) throw new Error('the catalog query returned no row');
  const typeOf = buildPgTypes(catalog.types);
  const tables = new Map<string, TableInfo>();
  for (const relation of catalog.relations) {
    const table = buildTableInfo(relation, typeOf);
    tables.set(tableKey(table), table);
  }
  return { tables, serverVersion: catalog.serverVersion };
}
