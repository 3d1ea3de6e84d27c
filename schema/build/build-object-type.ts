import {
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLFieldConfigMap,
  type GraphQLOutputType,
} from 'graphql';
import { descriptions } from '../inflection/inflection.js';
import type { ResolvedColumn } from '../resolve/index.js';
import type { OutputFieldSpec, SelectAccess } from './field-spec.js';
import { hasReadableFields, visibleColumns, visibleComputedFields, type BuildContext } from './build-context.js';
import { buildComputedField } from './build-computed-field.js';
import { buildSelectArgs } from './build-select-args.js';
import { buildAggregateType } from './build-aggregate-type.js';

const spec = (sluice: OutputFieldSpec) => ({ sluice });

export function columnOutputType(context: BuildContext, column: ResolvedColumn): GraphQLOutputType {
  const scalar = context.scalars.get(column.scalar);
  const type = column.isArray ? new GraphQLList(new GraphQLNonNull(scalar)) : scalar;
  return column.info.nullable ? type : new GraphQLNonNull(type);
}

/** The object type of a table as one role sees it: visible columns and relationships to visible tables. */
export function buildObjectType(context: BuildContext, access: SelectAccess): GraphQLObjectType {
  const table = access.table;
  return context.cache.getOrCreate(table.typeName, () =>
    new GraphQLObjectType({
      name: table.typeName,
      description: table.description,
      fields: () => {
        const fields: GraphQLFieldConfigMap<unknown, unknown> = {};
        for (const column of visibleColumns(access)) {
          const isJson = !column.isArray && (column.scalarPgType.name === 'json' || column.scalarPgType.name === 'jsonb');
          fields[column.fieldName] = {
            type: columnOutputType(context, column),
            description: column.description,
            args: isJson ? { path: { type: GraphQLString, description: 'JSON select path' } } : {},
            extensions: spec({ kind: 'column', column, ...(access.columnRules?.has(column.name) ? { visibleWhere: { rule: access.columnRules.get(column.name)!, access } } : {}) }),
          };
        }
        for (const computed of visibleComputedFields(access)) {
          const config = buildComputedField(context, computed, access);
          if (config) fields[computed.name] = config;
        }
        for (const relationship of table.relationships) {
          const target = context.accessFor(relationship.target);
          // A role that may read no column of the target cannot select its rows.
          if (!target || !hasReadableFields(context, target)) continue;
          const targetType = buildObjectType(context, target);
          if (relationship.kind === 'object') {
            fields[relationship.name] = {
              type: relationship.nullable ? targetType : new GraphQLNonNull(targetType),
              description: relationship.description ?? descriptions.objectRelationship,
              extensions: spec({ kind: 'object_relationship', relationship, access: target }),
            };
            continue;
          }
          fields[relationship.name] = {
            type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(targetType))),
            description: relationship.description ?? descriptions.arrayRelationship,
            args: buildSelectArgs(context, target),
            extensions: spec({ kind: 'array_relationship', relationship, access: target }),
          };
          if (target.allowAggregations) {
            fields[`${relationship.name}_aggregate`] = {
              type: new GraphQLNonNull(buildAggregateType(context, target)),
              description: relationship.description ?? descriptions.arrayRelationshipAggregate,
              args: buildSelectArgs(context, target),
              extensions: spec({ kind: 'array_relationship_aggregate', relationship, access: target }),
            };
          }
        }
        // Hasura lists fields by name; introspection clients and its tests see that order.
        return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      },
    }),
  );
}
