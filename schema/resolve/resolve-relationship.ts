import { tableKey, type DatabaseModel, type QualifiedName, type TableInfo } from '../model/database-model.js';
import type {
  ArrayRelationshipUsing,
  ObjectRelationshipUsing,
  RelationshipMetadata,
} from '../metadata/metadata.js';
import type { ColumnPair, ResolvedRelationship } from './resolved-schema.js';

/** Metadata writes a table either as `"name"` (public) or `{schema, name}`. */
export function qualifiedTableName(table: QualifiedName | string): QualifiedName {
  return typeof table === 'string' ? { schema: 'public', name: table } : { schema: table.schema ?? 'public', name: table.name };
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

function asList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

export type RelationshipResult = { ok: ResolvedRelationship } | { error: string };

/**
 * Turns one relationship of the metadata into a column mapping checked against the database.
 * Forms (Hasura §11): an FK on this table (`foreign_key_constraint_on: "col"`), an FK on the
 * other table pointing here (`{table, columns}`), or a manual column mapping.
 */
export function resolveRelationship(
  model: DatabaseModel,
  table: TableInfo,
  kind: 'object' | 'array',
  rel: RelationshipMetadata<ObjectRelationshipUsing | ArrayRelationshipUsing>,
): RelationshipResult {
  const using = rel.using as Record<string, unknown>;
  const base = { name: rel.name, kind, description: rel.comment ?? null, inferred: false };
  const afterParent = { ...base, insertionOrder: 'after_parent' as const };
  const beforeParent = { ...base, insertionOrder: 'before_parent' as const };
  if ('manual_configuration' in using) {
    const manual = using.manual_configuration as { remote_table: QualifiedName | string; column_mapping: Record<string, string>; insertion_order?: string | null };
    const remote = model.tables.get(tableKey(qualifiedTableName(manual.remote_table)));
    if (!remote) return { error: `table ${JSON.stringify(qualifiedTableName(manual.remote_table).name)} does not exist` };
    const mapping: ColumnPair[] = Object.entries(manual.column_mapping).map(([from, to]) => ({ from, to }));
    for (const pair of mapping) {
      if (!table.columns.some((c) => c.name === pair.from)) return { error: `column "${pair.from}" does not exist` };
      if (!remote.columns.some((c) => c.name === pair.to)) return { error: `column "${pair.to}" does not exist in "${remote.name}"` };
    }
    const order = kind === 'array' || manual.insertion_order === 'after_parent' ? afterParent : beforeParent;
    return { ok: { ...order, target: tableKey(remote), mapping, nullable: true } };
  }
  const fk = using.foreign_key_constraint_on;
  if (typeof fk === 'string' || Array.isArray(fk)) {
    const columns = asList(fk as string | string[]);
    const constraint = table.foreignKeys.find((f) => sameColumns(f.columns, columns));
    if (!constraint) return { error: `no foreign key constraint exists on the given column(s) ${columns.join(', ')}` };
    const target = model.tables.get(tableKey(constraint.references));
    if (!target) return { error: `table "${constraint.references.name}" does not exist` };
    const mapping = constraint.columns.map((from, i) => ({ from, to: constraint.referencedColumns[i]! }));
    const nullable = constraint.columns.some((c) => table.columns.find((col) => col.name === c)?.nullable ?? true);
    return { ok: { ...beforeParent, target: tableKey(target), mapping, nullable } };
  }
  if (fk && typeof fk === 'object') {
    const spec = fk as { table: QualifiedName | string; columns?: string | readonly string[]; column?: string };
    const remote = model.tables.get(tableKey(qualifiedTableName(spec.table)));
    if (!remote) return { error: `table ${JSON.stringify(qualifiedTableName(spec.table).name)} does not exist` };
    const columns = asList(spec.columns ?? spec.column);
    const constraint = remote.foreignKeys.find(
      (f) => sameColumns(f.columns, columns) && tableKey(f.references) === tableKey(table),
    );
    if (!constraint) return { error: `no foreign key constraint exists on the given column(s) ${columns.join(', ')} of "${remote.name}"` };
    const mapping = constraint.columns.map((to, i) => ({ from: constraint.referencedColumns[i]!, to }));
    return { ok: { ...afterParent, target: tableKey(remote), mapping, nullable: true } };
  }
  return { error: 'relationship must use foreign_key_constraint_on or manual_configuration' };
}
