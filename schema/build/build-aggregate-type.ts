import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLFieldConfigMap,
} from 'graphql';
import { descriptions, typeNames } from '../inflection/inflection.js';
import type { OutputFieldSpec, SelectAccess } from './field-spec.js';
import { numericAggregateOps } from './field-spec.js';
import type { BuildContext } from './build-context.js';
import { buildObjectType } from './build-object-type.js';
import { buildSelectColumnEnum } from './build-select-column-enum.js';
import { aggregateColumns, allAggregateOps } from './build-order-by.js';

const spec = (sluice: OutputFieldSpec) => ({ sluice });

/** `<table>_aggregate { aggregate: <table>_aggregate_fields, nodes: [<table>!]! }`. */
export function buildAggregateType(context: BuildContext, access: SelectAccess): GraphQLObjectType {
  const t = access.table.typeName;
  const name = typeNames.aggregate(t);
  return context.cache.getOrCreate(name, () =>
    new GraphQLObjectType({
      name,
      description: descriptions.aggregate(t),
      fields: () => ({
        aggregate: { type: buildAggregateFields(context, access), extensions: spec({ kind: 'aggregate_fields' }) },
        // A role with aggregations but no column may count rows without seeing them.
        ...(access.columns.size > 0
          ? {
              nodes: {
                type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(buildObjectType(context, access)))),
                extensions: spec({ kind: 'nodes' }),
              },
            }
          : {}),
      }),
    }),
  );
}

function buildAggregateFields(context: BuildContext, access: SelectAccess): GraphQLObjectType {
  const t = access.table.typeName;
  const name = typeNames.aggregateFields(t);
  return context.cache.getOrCreate(name, () =>
    new GraphQLObjectType({
      name,
      description: descriptions.aggregateFields(t),
      fields: () => {
        const selectColumn = buildSelectColumnEnum(context, access);
        const fields: GraphQLFieldConfigMap<unknown, unknown> = {
          count: {
            type: new GraphQLNonNull(GraphQLInt),
            args: {
              ...(selectColumn ? { columns: { type: new GraphQLList(new GraphQLNonNull(selectColumn)) } } : {}),
              distinct: { type: GraphQLBoolean },
            },
            extensions: spec({ kind: 'count' }),
          },
        };
        for (const op of allAggregateOps) {
          const columns = aggregateColumns(access, op, true);
          if (columns.length === 0) continue;
          const opName = typeNames.aggregateOpFields(t, op);
          // avg and the statistics are Float; sum, max and min keep the column's scalar (Hasura §3).
          const keepsScalar = op === 'sum' || op === 'max' || op === 'min';
          fields[op] = {
            type: context.cache.getOrCreate(opName, () =>
              new GraphQLObjectType({
                name: opName,
                description: `aggregate ${op} on columns`,
                fields: () =>
                  Object.fromEntries(
                    columns.map((c) => [
                      c.fieldName,
                      {
                        type: keepsScalar ? context.scalars.get(c.scalar) : GraphQLFloat,
                        extensions: spec({ kind: 'column', column: c, ...(access.columnRules?.has(c.name) ? { visibleWhere: { rule: access.columnRules.get(c.name)!, access } } : {}) }),
                      },
                    ]),
                  ),
              }),
            ),
            extensions: spec({ kind: 'aggregate_op', op }),
          };
        }
        return fields;
      },
    }),
  );
}

export { numericAggregateOps };
