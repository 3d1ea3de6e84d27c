import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLString,
  GraphQLInt,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
} from 'graphql';
import type { ResolvedColumn } from '../resolve/index.js';
import { isValidGraphQLName } from '../inflection/inflection.js';
import type { InputFieldSpec, MutationTarget } from './field-spec.js';
import { mutationTarget, type BuildContext } from './build-context.js';
import { buildBoolExp } from './build-bool-exp.js';
import { isNumericScalar } from './scalar-types.js';

const spec = (sluice: InputFieldSpec) => ({ sluice });
const listOf = (t: GraphQLInputType) => new GraphQLList(new GraphQLNonNull(t));

function columnInputType(context: BuildContext, column: ResolvedColumn): GraphQLInputType {
  const scalar = context.scalars.get(column.scalar);
  return column.isArray ? listOf(scalar) : scalar;
}

function sorted(fields: GraphQLInputFieldConfigMap): GraphQLInputFieldConfigMap {
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `<table>_insert_input`: insertable columns and nested inserts through relationships. */
export function buildInsertInput(context: BuildContext, target: MutationTarget): GraphQLInputObjectType {
  const t = target.table.typeName;
  const name = `${t}_insert_input`;
  return context.cache.getOrCreate(name, () =>
    new GraphQLInputObjectType({
      name,
      description: `input type for inserting data into table "${t}"`,
      fields: () => {
        const fields: GraphQLInputFieldConfigMap = {};
        for (const column of target.table.columns) {
          if (!target.insert?.columns.has(column.name)) continue;
          fields[column.fieldName] = { type: columnInputType(context, column), extensions: spec({ kind: 'insert_column', column }) };
        }
        for (const relationship of target.table.relationships) {
          const related = mutationTarget(context, relationship.target);
          if (!related?.insert) continue;
          const type = relationship.kind === 'object' ? buildObjRelInsertInput(context, related) : buildArrRelInsertInput(context, related);
          const kind = relationship.kind === 'object' ? 'insert_object_relationship' : 'insert_array_relationship';
          fields[relationship.name] = { type, extensions: spec({ kind, relationship, target: related }) };
        }
        return sorted(fields);
      },
    }),
  );
}

function buildObjRelInsertInput(context: BuildContext, target: MutationTarget): GraphQLInputObjectType {
  const t = target.table.typeName;
  const name = `${t}_obj_rel_insert_input`;
  return context.cache.getOrCreate(name, () =>
    new GraphQLInputObjectType({
      name,
      description: `input type for inserting object relation for remote table "${t}"`,
      fields: () => ({
        data: { type: new GraphQLNonNull(buildInsertInput(context, target)) },
        ...onConflictField(context, target),
      }),
    }),
  );
}

function buildArrRelInsertInput(context: BuildContext, target: MutationTarget): GraphQLInputObjectType {
  const t = target.table.typeName;
  const name = `${t}_arr_rel_insert_input`;
  return context.cache.getOrCreate(name, () =>
    new GraphQLInputObjectType({
      name,
      description: `input type for inserting array relation for remote table "${t}"`,
      fields: () => ({
        data: { type: new GraphQLNonNull(listOf(buildInsertInput(context, target))) },
        ...onConflictField(context, target),
      }),
    }),
  );
}

/** `on_conflict` exists only with an update permission and a unique constraint (Hasura §6). */
export function onConflictField(context: BuildContext, target: MutationTarget): GraphQLInputFieldConfigMap {
  const onConflict = buildOnConflict(context, target);
  return onConflict ? { on_conflict: { type: onConflict, description: 'upsert condition' } } : {};
}

/** Constraints usable as `on_conflict` targets; a name GraphQL cannot spell is left out. */
function constraintsOf(target: MutationTarget) {
  const info = target.table.info;
  return [...(info.primaryKey ? [info.primaryKey] : []), ...info.uniqueConstraints].filter((c) => isValidGraphQLName(c.name));
}

function buildOnConflict(context: BuildContext, target: MutationTarget): GraphQLInputObjectType | undefined {
  const constraints = constraintsOf(target);
  if (!target.update || constraints.length === 0) return undefined;
  const t = target.table.typeName;
  const name = `${t}_on_conflict`;
  return context.cache.getOrCreate(name, () => {
    const constraintEnum = new GraphQLEnumType({
      name: `${t}_constraint`,
      description: `unique or primary key constraints on table "${t}"`,
      values: Object.fromEntries(
        constraints.map((c) => [c.name, { value: c.name, description: `unique or primary key constraint on columns ${c.columns.map((col) => `"${col}"`).join(', ')}` }]),
      ),
    });
    return new GraphQLInputObjectType({
      name,
      description: `on_conflict condition type for table "${t}"`,
      fields: () => ({
        constraint: { type: new GraphQLNonNull(constraintEnum) },
        update_columns: { type: new GraphQLNonNull(listOf(buildUpdateColumnEnum(context, target))), defaultValue: [] },
        ...(target.select ? { where: { type: buildBoolExp(context, target.select) } } : {}),
      }),
    });
  });
}

/** `<table>_update_column`; Hasura adds a placeholder value when no column is updatable. */
export function buildUpdateColumnEnum(context: BuildContext, target: MutationTarget): GraphQLEnumType {
  const t = target.table.typeName;
  const name = `${t}_update_column`;
  return context.cache.getOrCreate(name, () => {
    const columns = target.table.columns.filter((c) => target.update?.columns.has(c.name));
    const values = columns.length > 0
      ? Object.fromEntries(columns.map((c) => [c.fieldName, { value: c.name, description: 'column name' }]))
      : { _PLACEHOLDER: { value: '_PLACEHOLDER', description: 'placeholder (do not use)' } };
    return new GraphQLEnumType({ name, description: `update columns of table "${t}"`, values });
  });
}

type OperatorKind = '_set' | '_inc' | '_append' | '_prepend' | '_delete_key' | '_delete_elem' | '_delete_at_path';

const operatorTypeName: Record<OperatorKind, string> = {
  _set: 'set_input',
  _inc: 'inc_input',
  _append: 'append_input',
  _prepend: 'prepend_input',
  _delete_key: 'delete_key_input',
  _delete_elem: 'delete_elem_input',
  _delete_at_path: 'delete_at_path_input',
};

/**
 * The update operators a table supports, each over the columns it applies to: `_set` all
 * updatable columns, `_inc` numeric ones, the jsonb operators jsonb ones (Hasura §6).
 */
export function buildUpdateOperators(context: BuildContext, target: MutationTarget): GraphQLInputFieldConfigMap {
  const updatable = target.table.columns.filter((c) => target.update?.columns.has(c.name));
  const jsonb = updatable.filter((c) => !c.isArray && c.scalarPgType.name === 'jsonb');
  const numeric = updatable.filter((c) => !c.isArray && isNumericScalar(c.scalarPgType.category, c.scalarPgType.name));
  const t = target.table.typeName;
  const make = (op: OperatorKind, columns: ResolvedColumn[], type: (c: ResolvedColumn) => GraphQLInputType, description: string) => {
    if (columns.length === 0) return {};
    const name = `${t}_${operatorTypeName[op]}`;
    const input = context.cache.getOrCreate(name, () =>
      new GraphQLInputObjectType({
        name,
        description,
        fields: () => sorted(Object.fromEntries(columns.map((c) => [c.fieldName, { type: type(c), extensions: spec({ kind: 'update_column', column: c }) }]))),
      }),
    );
    return { [op]: { type: input } };
  };
  return {
    ...make('_append', jsonb, (c) => columnInputType(context, c), 'append existing jsonb value of filtered columns with new jsonb value'),
    ...make('_delete_at_path', jsonb, () => listOf(GraphQLString), 'delete the field or element with specified path (for JSON arrays, negative integers count from the end)'),
    ...make('_delete_elem', jsonb, () => GraphQLInt, 'delete the array element with specified index (negative integers count from the end). throws an error if top level container is not an array'),
    ...make('_delete_key', jsonb, () => GraphQLString, 'delete key/value pair or string element. key/value pairs are matched based on their key value'),
    ...make('_inc', numeric, (c) => columnInputType(context, c), 'input type for incrementing numeric columns in table'),
    ...make('_prepend', jsonb, (c) => columnInputType(context, c), 'prepend existing jsonb value of filtered columns with new jsonb value'),
    ...make('_set', updatable, (c) => columnInputType(context, c), `input type for updating data in table "${t}"`),
  };
}

/** `<table>_pk_columns_input`: the primary key, for `update_<table>_by_pk`. */
export function buildPkColumnsInput(context: BuildContext, target: MutationTarget): GraphQLInputObjectType | undefined {
  const pk = target.table.primaryKey;
  if (!pk) return undefined;
  const name = `${target.table.typeName}_pk_columns_input`;
  return context.cache.getOrCreate(name, () =>
    new GraphQLInputObjectType({
      name,
      description: `primary key columns input for table: ${target.table.typeName}`,
      fields: () => Object.fromEntries(pk.map((c) => [c.fieldName, { type: new GraphQLNonNull(columnInputType(context, c)), extensions: spec({ kind: 'update_column', column: c }) }])),
    }),
  );
}
