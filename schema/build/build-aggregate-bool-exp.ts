import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  type GraphQLInputFieldConfigMap,
} from 'graphql';
import { typeNames } from '../inflection/inflection.js';
import type { SelectAccess } from './field-spec.js';
import { filterableColumns, type BuildContext } from './build-context.js';
import { buildBoolExp } from './build-bool-exp.js';
import { buildSelectColumnEnum } from './build-select-column-enum.js';
import { buildComparisonExp } from './build-comparison-exp.js';

/**
 * `<table>_aggregate_bool_exp` with `count`, and `bool_and`/`bool_or` when the table has visible
 * boolean columns: `{count: {arguments, distinct, filter, predicate: Int_comparison_exp!}}`.
 */
export function buildAggregateBoolExp(context: BuildContext, access: SelectAccess): GraphQLInputObjectType | undefined {
  const t = access.table.typeName;
  const selectColumn = buildSelectColumnEnum(context, access);
  if (!selectColumn) return undefined;
  const name = typeNames.aggregateBoolExp(t);
  return context.cache.getOrCreate(name, () =>
    new GraphQLInputObjectType({
      name,
      fields: () => {
        const intComparison = buildComparisonExp(intColumn, context.scalars, context.cache);
        const fields: GraphQLInputFieldConfigMap = {
          count: {
            type: context.cache.getOrCreate(typeNames.aggregateBoolExpFn(t, 'count'), () =>
              new GraphQLInputObjectType({
                name: typeNames.aggregateBoolExpFn(t, 'count'),
                fields: () => ({
                  arguments: { type: new GraphQLList(new GraphQLNonNull(selectColumn)) },
                  distinct: { type: GraphQLBoolean },
                  filter: { type: buildBoolExp(context, access) },
                  predicate: { type: new GraphQLNonNull(intComparison) },
                }),
              }),
            ),
          },
        };
        const booleans = filterableColumns(access).filter((c) => !c.isArray && c.scalarPgType.name === 'bool');
        if (booleans.length > 0) {
          const boolComparison = buildComparisonExp(booleans[0]!, context.scalars, context.cache);
          for (const fn of ['bool_and', 'bool_or'] as const) {
            const columnsEnum = context.cache.getOrCreate(typeNames.aggregateBoolExpColumns(t, fn), () =>
              new GraphQLEnumType({
                name: typeNames.aggregateBoolExpColumns(t, fn),
                description: `select "${t}_aggregate_bool_exp_${fn}_arguments_columns" columns of table "${t}"`,
                values: Object.fromEntries(booleans.map((c) => [c.fieldName, { value: c.name, description: 'column name' }])),
              }),
            );
            fields[fn] = {
              type: context.cache.getOrCreate(typeNames.aggregateBoolExpFn(t, fn), () =>
                new GraphQLInputObjectType({
                  name: typeNames.aggregateBoolExpFn(t, fn),
                  fields: () => ({
                    arguments: { type: new GraphQLNonNull(columnsEnum) },
                    distinct: { type: GraphQLBoolean },
                    filter: { type: buildBoolExp(context, access) },
                    predicate: { type: new GraphQLNonNull(boolComparison) },
                  }),
                }),
              ),
            };
          }
        }
        return fields;
      },
    }),
  );
}

/** A stand-in column, only to name and build `Int_comparison_exp` for `count` predicates. */
const intColumn = {
  name: 'count',
  fieldName: 'count',
  scalar: GraphQLInt.name,
  isArray: false,
  description: null,
  scalarPgType: { oid: 23, schema: 'pg_catalog', name: 'int4', kind: 'base', category: 'N', displayName: 'integer' },
  info: undefined as never,
} as const;
