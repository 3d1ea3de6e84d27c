/**
 * Keeps the metadata in step with DDL that `run_sql` ran. Tracked tables are found again by OID:
 * a table whose OID survived under a new name was renamed, and every reference to it is renamed
 * too; a table whose OID is gone was dropped, and its entry is removed — together with
 * relationships of other tables that point at it when `cascade` is set, otherwise the SQL is
 * refused with `dependency-error` (Hasura's behaviour). Column renames are not followed: they
 * show up in `get_inconsistent_metadata`.
 */
import type { DatabaseModel, QualifiedName } from '../../schema/model/database-model.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import type { Queryable } from '../../schema/introspect/introspect-database.js';
import { isJsonObject } from './parse-args.js';
import { sameTable, toQualifiedName, trackedTables, withTables, type TableEntry } from './metadata-tables.js';
import { dependencyError, dependentsOf, dropDependents } from './table-operations.js';

/** OID (as text) → name, of the tracked tables that exist. */
export type TableLocations = ReadonlyMap<string, QualifiedName>;

export async function locateTrackedTables(db: Queryable, metadata: Metadata): Promise<TableLocations> {
  const tables = trackedTables(metadata).map((t) => t.table);
  const { rows } = await db.query<{ oid: string; schema: string; name: string }>(
    `SELECT c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS name
       FROM unnest($1::text[], $2::text[]) AS u(schema_name, table_name)
       JOIN pg_catalog.pg_namespace n ON n.nspname = u.schema_name
       JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = u.table_name`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  return new Map(rows.map((r) => [r.oid, { schema: r.schema, name: r.name }]));
}

export async function relocateTables(db: Queryable, before: TableLocations): Promise<TableLocations> {
  const { rows } = await db.query<{ oid: string; schema: string; name: string }>(
    `SELECT c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS name
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = ANY($1::oid[])`,
    [[...before.keys()]],
  );
  return new Map(rows.map((r) => [r.oid, { schema: r.schema, name: r.name }]));
}

function renameReference(using: unknown, from: QualifiedName, to: QualifiedName): unknown {
  if (!isJsonObject(using)) return using;
  const manual = using.manual_configuration;
  if (isJsonObject(manual) && (typeof manual.remote_table === 'string' || isJsonObject(manual.remote_table))) {
    if (sameTable(toQualifiedName(manual.remote_table as never), from)) return { ...using, manual_configuration: { ...manual, remote_table: to } };
  }
  const fk = using.foreign_key_constraint_on;
  if (isJsonObject(fk) && (typeof fk.table === 'string' || isJsonObject(fk.table)) && sameTable(toQualifiedName(fk.table as never), from)) {
    return { ...using, foreign_key_constraint_on: { ...fk, table: to } };
  }
  return using;
}

export function renameTable(metadata: Metadata, from: QualifiedName, to: QualifiedName): Metadata {
  const target = { schema: to.schema, name: to.name };
  return withTables(metadata, (tables) =>
    tables.map((entry): TableEntry => {
      const renameRels = <R extends { using: unknown }>(rels: readonly R[] | undefined) =>
        rels?.map((r) => ({ ...r, using: renameReference(r.using, from, to) }) as R);
      return {
        ...entry,
        table: sameTable(entry.table, from) ? target : entry.table,
        ...(entry.object_relationships ? { object_relationships: renameRels(entry.object_relationships) } : {}),
        ...(entry.array_relationships ? { array_relationships: renameRels(entry.array_relationships) } : {}),
      };
    }),
  );
}

/** The metadata after the DDL; throws `dependency-error` for a drop that would leave references without `cascade`. */
export function followSchemaChanges(
  metadata: Metadata,
  before: TableLocations,
  after: TableLocations,
  options: { readonly cascade: boolean; readonly model: DatabaseModel | undefined; readonly path: string },
): Metadata {
  const dropped = [...before].filter(([oid]) => !after.has(oid)).map(([, name]) => name);
  const dependents = dropped
    .flatMap((table) => dependentsOf(metadata, table, options.model))
    .filter((d) => !dropped.some((t) => sameTable(t, d.owner)));
  if (dependents.length > 0 && !options.cascade) throw dependencyError(dependents, options.path);
  let next = withTables(dropDependents(metadata, dependents), (tables) => tables.filter((t) => !dropped.some((d) => sameTable(d, t.table))));
  for (const [oid, oldName] of before) {
    const newName = after.get(oid);
    if (newName && !sameTable(oldName, newName)) next = renameTable(next, oldName, newName);
  }
  return next;
}
