import { GraphQLInputObjectType, getNamedType } from 'graphql';
import { inputSpec, type MutationTarget } from '../../schema/build/index.js';
import type { InsertRow, NestedInsert, OnConflict } from './ir.js';
import { fieldOf, listItems, type InputTree } from './input-tree.js';
import { columnArrayParam, columnParam } from './make-param.js';
import { planBoolExp } from './plan-bool-exp.js';
import { validationError } from './validation-error.js';
import { and } from './plan-bool-exp.js';
import { compileRule } from './plan-hop.js';
import { presetParam } from './preset-param.js';

/** `on_conflict: {constraint, update_columns, where}` → `ON CONFLICT … DO UPDATE/NOTHING`. */
function planOnConflict(tree: InputTree | undefined, type: GraphQLInputObjectType | undefined, target: MutationTarget, path: string): OnConflict | null {
  if (!tree || tree.kind !== 'object' || !type) return null;
  const constraintTree = fieldOf(tree, 'constraint');
  const name = constraintTree?.kind === 'enum' ? String(constraintTree.value) : '';
  const info = target.table.info;
  const constraint = [...(info.primaryKey ? [info.primaryKey] : []), ...info.uniqueConstraints].find((c) => c.name === name);
  if (!constraint) throw validationError(`${path}.constraint`, `unknown constraint "${name}"`);
  const updateItems = listItems(fieldOf(tree, 'update_columns'));
  // The placeholder only keeps an empty enum valid GraphQL (no column is updatable); Hasura
  // refuses it as a column, rather than reading it as "update nothing".
  if (updateItems.some((item) => item.kind === 'enum' && item.value === '_PLACEHOLDER')) throw validationError(path, 'erroneous column name');
  const updateColumns = updateItems.flatMap((item) => (item.kind === 'enum' ? [String(item.value)] : []));
  const whereTree = fieldOf(tree, 'where');
  const whereField = type.getFields().where;
  const where = whereTree && whereTree.kind !== 'null' && whereField ? planBoolExp(whereTree, getNamedType(whereField.type) as GraphQLInputObjectType, `${path}.where`) : null;
  // An upsert may only update rows the role's update permission lets it update.
  const combined = and([where, target.update ? compileRule(target.update.filter, target.update) : null]);
  return {
    constraint: { name: constraint.name, columns: constraint.columns, byIndex: (constraint as { source?: string }).source === 'index' },
    updateColumns,
    where: combined.kind !== 'true' ? combined : null,
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
  indexed = true,
): NestedInsert {
  const onConflict = planOnConflict(onConflictTree, onConflictType, target, `${path.replace(/\.(objects|object|data)$/, '')}.on_conflict`);
  const rows = objects.map((object, i) => planInsertRow(object, inputType, target, indexed ? `${path}[${i}]` : path, determined));
  if (onConflict && onConflict.updateColumns.length === 0 && rows.some((r) => r.objectRelationships.length > 0 || r.arrayRelationships.length > 0)) {
    throw validationError(path, 'nested inserts cannot be combined with an on_conflict that does nothing (update_columns: [])');
  }
  const columnTypes = new Map(
    target.table.columns.map((c) => [c.name, { schema: c.scalarPgType.schema, name: c.scalarPgType.name, array: c.isArray }] as const),
  );
  const info = target.table.info;
  const check = target.insert ? compileRule(target.insert.check, target.insert) : null;
  return { table: { schema: info.schema, name: info.name }, rows, onConflict, columnTypes, primaryKey: info.primaryKey?.columns ?? null, check };
}

function planInsertRow(tree: InputTree, type: GraphQLInputObjectType, target: MutationTarget, path: string, determined: ReadonlySet<string>): InsertRow {
  const row: { columns: InsertRow['columns'][number][]; objectRelationships: InsertRow['objectRelationships'][number][]; arrayRelationships: InsertRow['arrayRelationships'][number][] } = {
    columns: [],
    objectRelationships: [],
    arrayRelationships: [],
  };
  if (tree.kind !== 'object') return row;
  const fields = type.getFields();
  // Columns filled from a related row: by the parent of this nested insert, or by an object
  // relationship inserted first. Setting them too is an error, reported where Hasura reports it.
  const fromRelationship = new Map<string, string>();
  for (const [name, value] of tree.fields) {
    const definition = fields[name]!;
    const spec = inputSpec(definition);
    const fieldPath = `${path}.${name}`;
    if (spec?.kind === 'insert_object_relationship' && value.kind === 'object' && spec.relationship.insertionOrder === 'before_parent') {
      for (const pair of spec.relationship.mapping) fromRelationship.set(pair.from, fieldPath);
      const relType = getNamedType(definition.type) as GraphQLInputObjectType;
      const dataType = getNamedType(relType.getFields().data!.type) as GraphQLInputObjectType;
      const onConflictField = relType.getFields().on_conflict;
      row.objectRelationships.push({
        mapping: spec.relationship.mapping,
        insert: planInsert([fieldOf(value, 'data')!], dataType, fieldOf(value, 'on_conflict'), onConflictField && (getNamedType(onConflictField.type) as GraphQLInputObjectType), spec.target, `${fieldPath}.data`, new Set(), false),
      });
    } else if ((spec?.kind === 'insert_array_relationship' || spec?.kind === 'insert_object_relationship') && value.kind === 'object') {
      const relType = getNamedType(definition.type) as GraphQLInputObjectType;
      const dataType = getNamedType(relType.getFields().data!.type) as GraphQLInputObjectType;
      const onConflictField = relType.getFields().on_conflict;
      row.arrayRelationships.push({
        mapping: spec.relationship.mapping,
        insert: planInsert(
          spec.kind === 'insert_array_relationship' ? listItems(fieldOf(value, 'data')) : [fieldOf(value, 'data')!],
          dataType,
          fieldOf(value, 'on_conflict'),
          onConflictField && (getNamedType(onConflictField.type) as GraphQLInputObjectType),
          spec.target,
          `${fieldPath}.data`,
          new Set(spec.relationship.mapping.map((p) => p.to)),
          spec.kind === 'insert_array_relationship',
        ),
      });
    }
  }
  for (const [name, value] of tree.fields) {
    const spec = inputSpec(fields[name]!);
    if (spec?.kind !== 'insert_column') continue;
    if (determined.has(spec.column.name)) {
      throw validationError(path, `cannot insert "${spec.column.name}" columns as their values are already being determined by parent insert`);
    }
    const relationshipPath = fromRelationship.get(spec.column.name);
    if (relationshipPath) {
      const relationship = relationshipPath.slice(relationshipPath.lastIndexOf('.') + 1);
      throw validationError(relationshipPath, `cannot insert object relationship "${relationship}" as "${spec.column.name}" column values are already determined`);
    }
    const value2 = spec.column.isArray ? columnArrayParam(value, spec.column, `${path}.${name}`) : columnParam(value, spec.column, `${path}.${name}`);
    row.columns.push({ column: spec.column.name, value: value2 });
  }
  // Presets override the client's values (Hasura §8: `set` in the insert permission).
  for (const [name, value] of Object.entries(target.insert?.presets ?? {})) {
    const column = target.table.columnsByName.get(name);
    if (!column) continue;
    const index = row.columns.findIndex((c) => c.column === name);
    if (index >= 0) row.columns.splice(index, 1);
    row.columns.push({ column: name, value: presetParam(value, column) });
  }
  return row;
}
