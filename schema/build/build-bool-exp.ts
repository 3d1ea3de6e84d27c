import { computedResultColumn } from '../resolve/index.js';
import { GraphQLInputObjectType, GraphQLList, GraphQLNonNull, type GraphQLInputFieldConfigMap } from 'graphql';
import { descriptions, typeNames } from '../inflection/inflection.js';
import type { InputFieldSpec, SelectAccess } from './field-spec.js';
import { filterableComputedFields, visibleColumns, visibleComputedFields, type BuildContext } from './build-context.js';
import { buildComparisonExp } from './build-comparison-exp.js';
import { buildAggregateBoolExp } from './build-aggregate-bool-exp.js';

const spec = (sluice: InputFieldSpec) => ({ sluice });

/**
 * `<table>_bool_exp`: `_and`/`_or`/`_not`, one comparison per visible column, one nested
 * expression per relationship to a visible table, and aggregation predicates over array
 * relationships the role may aggregate (Hasura §4).
 */
export function buildBoolExp(context: BuildContext, access: SelectAccess): GraphQLInputObjectType {
  const table = access.table;
  const name = typeNames.boolExp(table.typeName);
  return context.cache.getOrCreate(name, () => {
    const type: GraphQLInputObjectType = new GraphQLInputObjectType({
      name,
      description: descriptions.boolExp(table.typeName),
      fields: () => {
        const fields: GraphQLInputFieldConfigMap = {
          _and: { type: new GraphQLList(new GraphQLNonNull(type)), extensions: spec({ kind: 'and' }) },
          _not: { type, extensions: spec({ kind: 'not' }) },
          _or: { type: new GraphQLList(new GraphQLNonNull(type)), extensions: spec({ kind: 'or' }) },
        };
        for (const column of visibleColumns(access)) {
          const rule = access.columnRules?.get(column.name);
          fields[column.fieldName] = {
            type: buildComparisonExp(column, context.scalars, context.cache),
            extensions: spec({ kind: 'column', column, ...(rule ? { visibleWhere: { rule, access } } : {}) }),
          };
        }
        for (const computed of filterableComputedFields(access)) {
          fields[computed.name] = {
            type: buildComparisonExp(computedResultColumn(computed), context.scalars, context.cache),
            extensions: spec({ kind: 'computed_scalar', field: computed }),
          };
        }
        for (const computed of visibleComputedFields(access)) {
          if (computed.returns.kind !== 'table' || computed.arguments.some((a) => a.kind === 'input')) continue;
          const target = context.accessFor(computed.returns.target);
          if (!target) continue;
          fields[computed.name] = { type: buildBoolExp(context, target), extensions: spec({ kind: 'computed_table', field: computed, access: target }) };
        }
        for (const relationship of table.relationships) {
          const target = context.accessFor(relationship.target);
          if (!target) continue;
          fields[relationship.name] = { type: buildBoolExp(context, target), extensions: spec({ kind: 'relationship', relationship, access: target }) };
          if (relationship.kind === 'array' && target.allowAggregations) {
            const aggregate = buildAggregateBoolExp(context, target);
            if (aggregate) {
              fields[`${relationship.name}_aggregate`] = {
                type: aggregate,
                extensions: spec({ kind: 'aggregate_predicate', relationship, access: target }),
              };
            }
          }
        }
        return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      },
    });
    return type;
  });
}
