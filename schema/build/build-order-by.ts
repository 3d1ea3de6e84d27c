import { GraphQLEnumType, GraphQLInputObjectType, type GraphQLInputFieldConfigMap } from 'graphql';
import { descriptions, typeNames } from '../inflection/inflection.js';
import { comparableAggregateOps, numericAggregateOps, type AggregateOp, type InputFieldSpec, type SelectAccess } from './field-spec.js';
import { filterableColumns, filterableComputedFields, visibleColumns, visibleComputedFields, type BuildContext } from './build-context.js';
import { isComparableScalar, isNumericScalar } from './scalar-types.js';

const spec = (sluice: InputFieldSpec) => ({ sluice });

/** The shared `order_by` enum; `asc` is nulls last and `desc` nulls first, Postgres' defaults. */
export function buildOrderByEnum(context: BuildContext): GraphQLEnumType {
  return context.cache.getOrCreate('order_by', () =>
    new GraphQLEnumType({
      name: 'order_by',
      description: 'column ordering options',
      values: {
        asc: { description: 'in ascending order, nulls last' },
        asc_nulls_first: { description: 'in ascending order, nulls first' },
        asc_nulls_last: { description: 'in ascending order, nulls last' },
        desc: { description: 'in descending order, nulls first' },
        desc_nulls_first: { description: 'in descending order, nulls first' },
        desc_nulls_last: { description: 'in descending order, nulls last' },
      },
    }),
  );
}

const sorted = (fields: GraphQLInputFieldConfigMap) =>
  Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * Computed fields returning a table's rows that can order by an aggregate of their rows (Hasura's
 * `<field>_aggregate` in `order_by`): no arguments of their own, and a role allowed to aggregate
 * the table they return. With that table's select access.
 */
function aggregateOrderableComputedFields(context: BuildContext, access: SelectAccess) {
  return visibleComputedFields(access).flatMap((field) => {
    if (field.returns.kind !== 'table' || field.arguments.some((a) => a.kind === 'input')) return [];
    const target = context.accessFor(field.returns.target);
    return target?.allowAggregations ? [{ field, target }] : [];
  });
}

/** Whether `<table>_order_by` would have any field (GraphQL forbids an empty input type). */
export function canOrderBy(context: BuildContext, access: SelectAccess): boolean {
  if (visibleColumns(access).some((c) => !c.isArray && c.scalarPgType.name !== 'json')) return true;
  if (filterableComputedFields(access).length > 0) return true;
  if (aggregateOrderableComputedFields(context, access).length > 0) return true;
  return access.table.relationships.some((r) => {
    const target = context.accessFor(r.target);
    return target !== undefined && (r.kind === 'object' || target.allowAggregations);
  });
}

/** `<table>_order_by`: columns, computed fields, object relationships (nested) and aggregates of array relationships and table computed fields. */
export function buildOrderBy(context: BuildContext, access: SelectAccess): GraphQLInputObjectType {
  const t = access.table.typeName;
  const name = typeNames.orderBy(t);
  return context.cache.getOrCreate(name, () =>
    new GraphQLInputObjectType({
      name,
      description: descriptions.orderBy(t),
      fields: () => {
        const orderBy = buildOrderByEnum(context);
        const fields: GraphQLInputFieldConfigMap = {};
        for (const column of visibleColumns(access)) {
          if (column.isArray || column.scalarPgType.name === 'json') continue;
          const rule = access.columnRules?.get(column.name);
          fields[column.fieldName] = { type: orderBy, extensions: spec({ kind: 'order_column', column, ...(rule ? { visibleWhere: { rule, access } } : {}) }) };
        }
        for (const computed of filterableComputedFields(access)) {
          fields[computed.name] = { type: orderBy, extensions: spec({ kind: 'order_computed', field: computed }) };
        }
        for (const { field, target } of aggregateOrderableComputedFields(context, access)) {
          fields[`${field.name}_aggregate`] = { type: buildAggregateOrderBy(context, target), extensions: spec({ kind: 'order_computed_aggregate', field, access: target }) };
        }
        for (const relationship of access.table.relationships) {
          const target = context.accessFor(relationship.target);
          if (!target) continue;
          if (relationship.kind === 'object') {
            if (!canOrderBy(context, target)) continue;
            fields[relationship.name] = { type: buildOrderBy(context, target), extensions: spec({ kind: 'order_object_relationship', relationship, access: target }) };
          } else if (target.allowAggregations) {
            fields[`${relationship.name}_aggregate`] = {
              type: buildAggregateOrderBy(context, target),
              extensions: spec({ kind: 'order_array_aggregate', relationship, access: target }),
            };
          }
        }
        return sorted(fields);
      },
    }),
  );
}

/** Columns an aggregate function applies to, for output (`_sum_fields`) and ordering types. */
export function aggregateColumns(access: SelectAccess, op: AggregateOp, includeConditional = false) {
  const numeric = (numericAggregateOps as readonly string[]).includes(op);
  // Columns an inherited role sees on some rows only are aggregated over those rows (CASE);
  // they are not offered for ordering.
  return (includeConditional ? visibleColumns(access) : filterableColumns(access)).filter(
    (c) =>
      !c.isArray &&
      (numeric ? isNumericScalar(c.scalarPgType.category, c.scalarPgType.name) : isComparableScalar(c.scalarPgType.category, c.scalarPgType.name)),
  );
}

export const allAggregateOps: readonly AggregateOp[] = [...numericAggregateOps, ...comparableAggregateOps].sort();

/** `<table>_aggregate_order_by { count, avg: <table>_avg_order_by, … }`. */
export function buildAggregateOrderBy(context: BuildContext, access: SelectAccess): GraphQLInputObjectType {
  const t = access.table.typeName;
  const name = typeNames.aggregateOrderBy(t);
  return context.cache.getOrCreate(name, () =>
    new GraphQLInputObjectType({
      name,
      description: `order by aggregate values of table "${t}"`,
      fields: () => {
        const orderBy = buildOrderByEnum(context);
        const fields: GraphQLInputFieldConfigMap = { count: { type: orderBy, extensions: spec({ kind: 'order_count' }) } };
        for (const op of allAggregateOps) {
          const columns = aggregateColumns(access, op);
          if (columns.length === 0) continue;
          const opName = typeNames.aggregateOpOrderBy(t, op);
          fields[op] = {
            type: context.cache.getOrCreate(opName, () =>
              new GraphQLInputObjectType({
                name: opName,
                description: `order by ${op}() on columns of table "${t}"`,
                fields: () => Object.fromEntries(columns.map((c) => [c.fieldName, { type: orderBy, extensions: spec({ kind: 'order_column', column: c }) }])),
              }),
            ),
            extensions: spec({ kind: 'order_aggregate_op', op }),
          };
        }
        return sorted(fields);
      },
    }),
  );
}
