import type { ColumnInfo, KeyConstraint, TableInfo, TableKind } from '../model/database-model.js';
import type { PgTypeLookup } from './build-pg-types.js';
import type { ColumnRow, RelationRow } from './catalog-row.js';

const tableKinds: Record<string, TableKind> = {
  r: 'table',
  p: 'partitioned_table',
  v: 'view',
  m: 'materialized_view',
  f: 'foreign_table',
};

// Bits of pg_relation_is_updatable: 1 << CMD_UPDATE, 1 << CMD_INSERT, 1 << CMD_DELETE.
const UPDATE = 4;
const INSERT = 8;
const DELETE = 16;

/** Turns one catalog relation row into the model's `TableInfo`. */
export function buildTableInfo(row: RelationRow, typeOf: PgTypeLookup): TableInfo {
  const kind = tableKinds[row.relkind];
  if (!kind) throw new Error(`relation ${row.schema}.${row.name} has unexpected relkind '${row.relkind}'`);
  const primary = row.uniqueKeys.find((key) => key.primary);
  return {
    oid: row.oid,
    schema: row.schema,
    name: row.name,
    kind,
    comment: row.comment,
    columns: row.columns.map((column) => buildColumn(column, row, typeOf)),
    primaryKey: primary ? { name: primary.name, columns: primary.columns, source: 'constraint' } : null,
    uniqueConstraints: row.uniqueKeys
      .filter((key) => !key.primary)
      .map((key): KeyConstraint => ({ name: key.name, columns: key.columns, source: key.constraint ? 'constraint' : 'index' })),
    foreignKeys: row.foreignKeys.map((key) => ({
      name: key.name,
      columns: key.pairs.map(([column]) => column),
      references: { schema: key.referencedSchema, name: key.referencedName },
      referencedColumns: key.pairs.map(([, referenced]) => referenced),
    })),
    insertable: (row.events & INSERT) !== 0,
    updatable: (row.events & UPDATE) !== 0,
    deletable: (row.events & DELETE) !== 0,
  };
}

function buildColumn(column: ColumnRow, relation: RelationRow, typeOf: PgTypeLookup): ColumnInfo {
  const identity = column.identity === 'a' ? 'always' : column.identity === 'd' ? 'by default' : null;
  const generated = column.generated === 's';
  // Postgres rejects values for generated columns, and for identity ALWAYS columns unless the
  // statement says OVERRIDING SYSTEM VALUE, which Hasura never does.
  const computed = generated || identity === 'always';
  return {
    name: column.name,
    position: column.position,
    type: typeOf(column.typeOid, column.typmod),
    arrayDimensions: column.dimensions,
    nullable: !column.notNull,
    defaultExpression: column.defaultExpression,
    identity,
    generated,
    comment: column.comment,
    insertable: !computed && columnWritable(INSERT, relation, column),
    updatable: !computed && columnWritable(UPDATE, relation, column),
  };
}

/**
 * Whether a statement of kind `event` may set the column. An automatically updatable view only
 * writes columns that are plain references to a base column; when an INSTEAD OF trigger (or
 * rule) handles the event instead, the trigger receives every column, so all of them count.
 * (A view that is auto-updatable *and* has such a trigger is judged as auto-updatable: the
 * catalog functions cannot tell the two apart, and erring towards "read-only" is the safe side.)
 */
function columnWritable(event: number, relation: RelationRow, column: ColumnRow): boolean {
  if ((relation.events & event) === 0) return false;
  if ((relation.autoEvents & event) !== 0) return column.autoUpdatable;
  return true;
}
