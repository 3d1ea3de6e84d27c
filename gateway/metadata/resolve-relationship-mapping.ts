/**
 * Checks one relationship definition against the live database and the tracked tables, and
 * yields its column mapping. The same check serves creation, `replace_metadata`,
 * `get_inconsistent_metadata` and the legacy JSON `select` (which follows relationships).
 */
import { tableKey, type DatabaseModel, type TableInfo } from '../../schema/model/database-model.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { isJsonObject } from './parse-args.js';
import { displayTableName, findTable, toQualifiedName } from './metadata-tables.js';

export type RelationshipKind = 'object' | 'array';

export type RelationshipMapping =
  | { readonly ok: true; readonly remote: TableInfo; readonly mapping: readonly (readonly [string, string])[] }
  /**
   * `contextFree`: Hasura reports this reason as is, not under "in table …: in relationship …"
   * (an untracked remote table is found while resolving the target, outside that context).
   */
  | { readonly ok: false; readonly reason: string; readonly contextFree?: boolean };

function fail(reason: string, contextFree = false): RelationshipMapping {
  return contextFree ? { ok: false, reason, contextFree } : { ok: false, reason };
}

function sameColumnSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

function columnList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

/** Hasura requires the far side of a relationship to be tracked, not merely to exist. */
function trackedRemote(model: DatabaseModel, metadata: Metadata, table: unknown): TableInfo | string {
  if (typeof table !== 'string' && !isJsonObject(table)) return 'invalid remote table';
  const name = toQualifiedName(table as never);
  if (typeof name.name !== 'string') return 'invalid remote table';
  const info = model.tables.get(tableKey(name));
  if (!info || !findTable(metadata, name)) return `table "${displayTableName(name)}" is not tracked`;
  return info;
}

export function resolveRelationshipMapping(
  model: DatabaseModel,
  metadata: Metadata,
  table: TableInfo,
  kind: RelationshipKind,
  using: unknown,
): RelationshipMapping {
  if (!isJsonObject(using)) return fail('"using" must be an object');
  if (isJsonObject(using.manual_configuration)) {
    const manual = using.manual_configuration;
    const remote = trackedRemote(model, metadata, manual.remote_table);
    if (typeof remote === 'string') return fail(remote, remote.endsWith('is not tracked'));
    if (!isJsonObject(manual.column_mapping)) return fail('column_mapping must be an object');
    const pairs = Object.entries(manual.column_mapping);
    if (pairs.length === 0) return fail('column_mapping must not be empty');
    for (const [from, to] of pairs) {
      if (!table.columns.some((c) => c.name === from)) return fail(`no such column exists: "${from}"`);
      if (typeof to !== 'string' || !remote.columns.some((c) => c.name === to)) {
        return fail(`no such column exists in table "${displayTableName(remote)}": ${JSON.stringify(to)}`);
      }
    }
    return { ok: true, remote, mapping: pairs.map(([from, to]) => [from, to as string] as const) };
  }
  const fk = using.foreign_key_constraint_on;
  const localColumns = columnList(fk);
  if (localColumns) {
    // An FK on this table: only meaningful for object relationships.
    if (kind === 'array') return fail('array relationships need foreign_key_constraint_on: {table, columns}');
    const missing = localColumns.find((c) => !table.columns.some((col) => col.name === c));
    if (missing) return fail(`no such column exists: "${missing}"`);
    const constraint = table.foreignKeys.find((f) => sameColumnSet(f.columns, localColumns));
    if (!constraint) return fail('no foreign constraint exists on the given column(s)');
    const remote = trackedRemote(model, metadata, constraint.references);
    if (typeof remote === 'string') return fail(remote, remote.endsWith('is not tracked'));
    return { ok: true, remote, mapping: constraint.columns.map((c, i) => [c, constraint.referencedColumns[i]!] as const) };
  }
  if (isJsonObject(fk)) {
    // An FK on the other table that points back at this one.
    const remote = trackedRemote(model, metadata, fk.table);
    if (typeof remote === 'string') return fail(remote, remote.endsWith('is not tracked'));
    const remoteColumns = columnList(fk.columns ?? fk.column);
    if (!remoteColumns) return fail('foreign_key_constraint_on needs "column" or "columns"');
    const constraint = remote.foreignKeys.find(
      (f) => sameColumnSet(f.columns, remoteColumns) && tableKey(f.references) === tableKey(table),
    );
    if (!constraint) return fail('no foreign constraint exists on the given column(s)');
    return { ok: true, remote, mapping: constraint.columns.map((c, i) => [constraint.referencedColumns[i]!, c] as const) };
  }
  return fail('relationship must use foreign_key_constraint_on or manual_configuration');
}
