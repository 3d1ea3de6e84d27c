import { GraphQLInputObjectType, getNamedType } from 'graphql';
import { inputSpec, type MutationTarget } from '../../schema/build/index.js';
import type { InsertRow, NestedInsert, OnConflict } from './ir.js';
import { fieldOf, type InputTree } from './input-tree.js';
import { columnArrayParam, columnParam } from './make-param.js';
import { planBoolExp } from './plan-bool-exp.js';
import { validationError } from './validation-error.js';

function listItems(tree: InputTree | undefined): InputTree[] {
  if (!tree || tree.kind === 'null') return [];
  return tree.kind === 'list' ? [...tree.items] : [tree];
}

/** `on_conflict: {constraint, update_columns, where}` → `ON CONFLICT … DO UPDATE/NOTHING`. */
function planOnConflict(tree: InputTree | undefined, type: GraphQLInputObjectType | undefined, target: MutationTarget, path: string): OnConflict | null {
  if (!tree || tree.kind !== 'object' || !type) return null;
  const constraintTree = fieldOf(tree, 'constraint');
  const name = constraintTree?.kind === 'enum' ? String(constraintTree.value) : '';
  const info = target.table.info;
  const constraint = [...(info.primaryKey ? [info.primaryKey] : []), ...info.uniqueConstraints].find((c) => c.name === name);
  if (!constraint) throw validationError(`${path}.constraint`, `unknown constraint "${name}"`);
  const updateColumns = listItems(fieldOf(tree, 'update_columns')).flatMap((item) => (item.kind === 'enum' && item.value !== '_PLACEHOLDER' ? [String(item.value)] : []));
  const whereTree = fieldOf(tree, 'where');
  const whereField = type.getFields().where;
  const where = whereTree && whereTree.kind !== 'null' && whereField ? planBoolExp(whereTree, getNamedType(whereField.type) as GraphQLInputObjectType, `${path}.where`) : null;
  return {
    constraint: { name: constraint.name, columns: constraint.columns, byIndex: (constraint as { source?: string }).source === 'index' },
    updateColumns,
    where: where && where.kind !== 'true' ? where : null,
  };
}

/**
 * The rows of an insert with their nested inserts (Hasura §6): object relationships insert the
 * parent first and copy its key in, array relationships insert children after with the
 * foreign key filled in. A key column set by the client as well is an error, and so is nested
 * data under a do-nothing upsert (the row it would attach to may not be inserted).
 */
export function planInsert(
  objects: readonly InputTree[],
  inputType: GraphQLInputObjectType,
  onConflictTree: InputTree | undefined,
  onConflictType: GraphQLInputObjectType | undefined,
  target: MutationTarget,
  path: string,
  determined: ReadonlySet<string> = new Set(),
): NestedInsert {
  const onConflict = planOnConflict(onConflictTree, onConflictType, target, `${path.replace(/\.(objects|object|data)$/, '')}.on_conflict`);
  const rows = objects.map((object, i) => planInsertRow(object, inputType, target, objects.length > 1 || path.endsWith('objects') || path.endsWith('data') ? `${path}[${i}]` : path, determined));
  if (onConflict && onConflict.updateColumns.length === 0 && rows.some((r) => r.objectRelationships.length > 0 || r.arrayRelationships.length > 0)) {
    throw validationError(path, 'nested inserts cannot be combined with an on_conflict that does nothing (update_columns: [])');
  }
  const columnTypes = new Map(
    target.table.columns.map((c) => [c.name, { schema: c.scalarPgType.schema, name: c.scalarPgType.name, array: c.isArray }] as const),
  );
  const info = target.table.info;
  return { table: { schema: info.schema, name: info.name }, rows, onConflict, columnTypes, primaryKey: info.primaryKey?.columns ?? null };
}

function planInsertRow(tree: InputTree, type: GraphQLInputObjectType, target: MutationTarget, path: string, determined: ReadonlySet<string>): InsertRow {
  const row: { columns: InsertRow['columns'][number][]; objectRelationships: InsertRow['objectRelationships'][number][]; arrayRelationships: InsertRow['arrayRelationships'][number][] } = {
    columns: [],
    objectRelationships: [],
    arrayRelationships: [],
  };
  if (tree.kind !== 'object') return row;
  const fields = type.getFields();
  const byParent = new Set(determined);
  for (const [name, value] of tree.fields) {
    const definition = fields[name]!;
    const spec = inputSpec(definition);
    const fieldPath = `${path}.${name}`;
    if (spec?.kind === 'insert_object_relationship' && value.kind === 'object') {
      for (const pair of spec.relationship.mapping) byParent.add(pair.from);
      const relType = getNamedType(definition.type) as GraphQLInputObjectType;
      const dataType = getNamedType(relType.getFields().data!.type) as GraphQLInputObjectType;
      const onConflictField = relType.getFields().on_conflict;
      row.objectRelationships.push({
        mapping: spec.relationship.mapping,
        insert: planInsert([fieldOf(value, 'data')!], dataType, fieldOf(value, 'on_conflict'), onConflictField && (getNamedType(onConflictField.type) as GraphQLInputObjectType), spec.target, `${fieldPath}.data`),
      });
    } else if (spec?.kind === 'insert_array_relationship' && value.kind === 'object') {
      const relType = getNamedType(definition.type) as GraphQLInputObjectType;
      const dataType = getNamedType(relType.getFields().data!.type) as GraphQLInputObjectType;
      const onConflictField = relType.getFields().on_conflict;
      row.arrayRelationships.push({
        mapping: spec.relationship.mapping,
        insert: planInsert(listItems(fieldOf(value, 'data')), dataType, fieldOf(value, 'on_conflict'), onConflictField && (getNamedType(onConflictField.type) as GraphQLInputObjectType), spec.target, `${fieldPath}.data`, new Set(spec.relationship.mapping.map((p) => p.to))),
      });
    }
  }
  for (const [name, value] of tree.fields) {
    const spec = inputSpec(fields[name]!);
    if (spec?.kind !== 'insert_column') continue;
    if (byParent.has(spec.column.name)) {
      throw validationError(`${path}.${name}`, `cannot insert "${spec.column.name}" columns as their values are already being determined by parent insert`);
    }
    const value2 = spec.column.isArray ? columnArrayParam(value, spec.column, `${path}.${name}`) : columnParam(value, spec.column, `${path}.${name}`);
    row.columns.push({ column: spec.column.name, value: value2 });
  }
  return row;
}
