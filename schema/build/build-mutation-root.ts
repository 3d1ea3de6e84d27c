import {
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
} from 'graphql';
import type { MutationTarget, OutputFieldSpec } from './field-spec.js';
import { hasReadableFields, mutationTarget, type BuildContext } from './build-context.js';
import { buildObjectType } from './build-object-type.js';
import { buildBoolExp } from './build-bool-exp.js';
import { buildInsertInput, buildPkColumnsInput, buildUpdateOperators, onConflictField } from './build-mutation-inputs.js';
import { GraphQLInputObjectType } from 'graphql';

const spec = (sluice: OutputFieldSpec) => ({ sluice });

/** `<table>_mutation_response { affected_rows, returning }`; `returning` needs select access. */
function buildMutationResponse(context: BuildContext, target: MutationTarget): GraphQLObjectType {
  const t = target.table.typeName;
  const name = `${t}_mutation_response`;
  return context.cache.getOrCreate(name, () =>
    new GraphQLObjectType({
      name,
      description: `response of any mutation on the table "${t}"`,
      fields: () => ({
        affected_rows: { type: new GraphQLNonNull(GraphQLInt), description: 'number of rows affected by the mutation', extensions: spec({ kind: 'affected_rows' }) },
        ...(target.select && hasReadableFields(context, target.select)
          ? {
              returning: {
                type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(buildObjectType(context, target.select)))),
                description: 'data from the rows affected by the mutation',
                extensions: spec({ kind: 'returning' }),
              },
            }
          : {}),
      }),
    }),
  );
}

/**
 * The mutation root of one role: insert/update/delete fields for every table it may write
 * (Hasura §6). Undefined when it may write nothing — a mutation then fails with "no mutations
 * exist", as in Hasura.
 */
export function buildMutationRoot(context: BuildContext): GraphQLObjectType | undefined {
  const fields: GraphQLFieldConfigMap<unknown, unknown> = {};
  for (const table of context.resolved.tables) {
    const target = mutationTarget(context, table.key)!;
    const roots = table.rootFields;
    const response = () => buildMutationResponse(context, target);
    const objectType = target.select && hasReadableFields(context, target.select) ? buildObjectType(context, target.select) : undefined;
    if (target.insert && table.info.insertable) {
      const input = new GraphQLNonNull(buildInsertInput(context, target));
      fields[roots.insert.name] = {
        type: response(),
        description: roots.insert.description,
        args: { objects: { type: new GraphQLNonNull(new GraphQLList(input)), description: 'the rows to be inserted' }, ...onConflictField(context, target) } as GraphQLFieldConfigArgumentMap,
        extensions: spec({ kind: 'insert', target }),
      };
      if (objectType) {
        fields[roots.insert_one.name] = {
          type: objectType,
          description: roots.insert_one.description,
          args: { object: { type: input, description: 'the row to be inserted' }, ...onConflictField(context, target) } as GraphQLFieldConfigArgumentMap,
          extensions: spec({ kind: 'insert_one', target }),
        };
      }
    }
    if (target.update && table.info.updatable && target.update.columns.size > 0) {
      const operatorInputs = buildUpdateOperators(context, target);
      const operators = operatorInputs as GraphQLFieldConfigArgumentMap;
      const where = target.select ? buildBoolExp(context, target.select) : undefined;
      if (where) {
        fields[roots.update.name] = {
          type: response(),
          description: roots.update.description,
          args: { ...operators, where: { type: new GraphQLNonNull(where), description: 'filter the rows which have to be updated' } },
          extensions: spec({ kind: 'update', target }),
        };
        const updatesName = `${table.typeName}_updates`;
        const updates = context.cache.getOrCreate(updatesName, () =>
          new GraphQLInputObjectType({ name: updatesName, fields: () => ({ ...operatorInputs, where: { type: new GraphQLNonNull(where), description: 'filter the rows which have to be updated' } }) }),
        );
        fields[roots.update_many.name] = {
          type: new GraphQLList(response()),
          description: roots.update_many.description,
          args: { updates: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(updates))), description: 'updates to execute, in order' } },
          extensions: spec({ kind: 'update_many', target }),
        };
      }
      const pk = buildPkColumnsInput(context, target);
      if (pk && objectType) {
        fields[roots.update_by_pk.name] = {
          type: objectType,
          description: roots.update_by_pk.description,
          args: { ...operators, pk_columns: { type: new GraphQLNonNull(pk) } },
          extensions: spec({ kind: 'update_by_pk', target }),
        };
      }
    }
    if (target.delete && table.info.deletable) {
      const where = target.select ? buildBoolExp(context, target.select) : undefined;
      if (where) {
        fields[roots.delete.name] = {
          type: response(),
          description: roots.delete.description,
          args: { where: { type: new GraphQLNonNull(where), description: 'filter the rows which have to be deleted' } },
          extensions: spec({ kind: 'delete', target }),
        };
      }
      const pk = table.primaryKey;
      if (pk && objectType) {
        const args: GraphQLFieldConfigArgumentMap = {};
        for (const column of pk) {
          const scalar = context.scalars.get(column.scalar);
          args[column.fieldName] = { type: new GraphQLNonNull(column.isArray ? new GraphQLList(new GraphQLNonNull(scalar)) : scalar) };
        }
        fields[roots.delete_by_pk.name] = { type: objectType, description: roots.delete_by_pk.description, args, extensions: spec({ kind: 'delete_by_pk', target }) };
      }
    }
  }
  if (Object.keys(fields).length === 0) return undefined;
  const sortedFields = Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return new GraphQLObjectType({ name: 'mutation_root', fields: sortedFields });
}
