import {
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
} from 'graphql';
import type { ResolvedSchema } from '../resolve/index.js';
import type { OutputFieldSpec, RoleAccess } from './field-spec.js';
import { buildMutationRoot } from './build-mutation-root.js';
import { hasReadableFields, type BuildContext } from './build-context.js';
import { ScalarTypes } from './scalar-types.js';
import { TypeCache } from './type-cache.js';
import { buildObjectType, columnOutputType } from './build-object-type.js';
import { buildSelectArgs } from './build-select-args.js';
import { buildAggregateType } from './build-aggregate-type.js';
import { buildFunctionArgs } from './build-computed-field.js';

const spec = (sluice: OutputFieldSpec) => ({ sluice });

/** The admin role reads and writes every column of every row of every table. */
export function adminAccess(resolved: ResolvedSchema): RoleAccess {
  const all = <T>(make: (table: ResolvedSchema['tables'][number]) => T) => new Map(resolved.tables.map((table) => [table.key, make(table)]));
  return {
    select: all((table) => ({ table, resolved, columns: new Set(table.columns.map((c) => c.name)), filter: null, limit: null, allowAggregations: true })),
    insert: writable(resolved, (table) => table.info.insertable, (table) => ({ table, resolved, columns: new Set(table.columns.filter((c) => c.info.insertable).map((c) => c.name)), check: null, presets: {} })),
    update: writable(resolved, (table) => table.info.updatable, (table) => ({ table, resolved, columns: new Set(table.columns.filter((c) => c.info.updatable).map((c) => c.name)), filter: null, check: null, presets: {} })),
    delete: new Map(resolved.tables.filter((table) => table.info.deletable).map((table) => [table.key, { table, resolved, filter: null }])),
  };
}

/** Access for the tables that allow an operation and have at least one column for it. */
function writable<T extends { columns: ReadonlySet<string> }>(
  resolved: ResolvedSchema,
  allows: (table: ResolvedSchema['tables'][number]) => boolean,
  make: (table: ResolvedSchema['tables'][number]) => T,
): Map<string, T> {
  const result = new Map<string, T>();
  for (const table of resolved.tables) {
    if (!allows(table)) continue;
    const access = make(table);
    if (access.columns.size > 0) result.set(table.key, access);
  }
  return result;
}

/** A role that may do nothing: its schema has only `no_queries_available`. */
export function emptyAccess(): RoleAccess {
  return { select: new Map(), insert: new Map(), update: new Map(), delete: new Map() };
}

/**
 * One role's GraphQL schema. Built once per metadata version and role, then cached by the
 * gateway: a role simply has no field, argument or type for what it may not do.
 */
export function buildGraphQLSchema(resolved: ResolvedSchema, access: RoleAccess): GraphQLSchema {
  const context: BuildContext = {
    resolved,
    scalars: new ScalarTypes(),
    cache: new TypeCache(),
    accessFor: (key) => access.select.get(key),
    access,
  };
  const fields: GraphQLFieldConfigMap<unknown, unknown> = {};
  for (const table of resolved.tables) {
    const tableAccess = access.select.get(table.key);
    if (!tableAccess) continue;
    const roots = table.rootFields;
    const readable = hasReadableFields(context, tableAccess);
    const allowed = (kind: string) => (kind === 'select_aggregate' || readable) && (!tableAccess.rootFields || tableAccess.rootFields.has(kind));
    const objectType = readable ? buildObjectType(context, tableAccess) : undefined;
    if (objectType && allowed('select')) fields[roots.select.name] = {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(objectType))),
      description: roots.select.description,
      args: buildSelectArgs(context, tableAccess),
      extensions: spec({ kind: 'select', access: tableAccess }),
    };
    if (tableAccess.allowAggregations && allowed('select_aggregate')) {
      fields[roots.select_aggregate.name] = {
        type: new GraphQLNonNull(buildAggregateType(context, tableAccess)),
        description: roots.select_aggregate.description,
        args: buildSelectArgs(context, tableAccess),
        extensions: spec({ kind: 'select_aggregate', access: tableAccess }),
      };
    }
    const pk = table.primaryKey;
    if (pk && objectType && allowed('select_by_pk') && pk.every((c) => tableAccess.columns.has(c.name) && !tableAccess.columnRules?.has(c.name))) {
      const args: GraphQLFieldConfigArgumentMap = {};
      for (const column of pk) {
        const type = columnOutputType(context, column);
        args[column.fieldName] = { type: type instanceof GraphQLNonNull ? type : new GraphQLNonNull(type) } as GraphQLFieldConfigArgumentMap[string];
      }
      fields[roots.select_by_pk.name] = {
        type: objectType,
        description: roots.select_by_pk.description,
        args,
        extensions: spec({ kind: 'select_by_pk', access: tableAccess }),
      };
    }
  }
  // Tracked functions: a role sees one when it may read the table it returns (Hasura's default).
  for (const fn of resolved.functions) {
    const target = access.select.get(fn.target);
    if (!target || !hasReadableFields(context, target)) continue;
    const args = { ...buildFunctionArgs(context, fn), ...buildSelectArgs(context, target) };
    fields[fn.fieldName] = {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(buildObjectType(context, target)))),
      description: fn.description ?? `execute function "${fn.function.name}" which returns "${target.table.typeName}"`,
      args,
      extensions: spec({ kind: 'select_function', function: fn, access: target }),
    };
    if (target.allowAggregations) {
      fields[`${fn.fieldName}_aggregate`] = {
        type: new GraphQLNonNull(buildAggregateType(context, target)),
        description: `execute function "${fn.function.name}" and query aggregates on result of table type "${target.table.typeName}"`,
        args,
        extensions: spec({ kind: 'select_function_aggregate', function: fn, access: target }),
      };
    }
  }
  if (Object.keys(fields).length === 0) {
    // GraphQL forbids an empty root type; Hasura exposes this placeholder instead.
    fields.no_queries_available = { type: new GraphQLNonNull(GraphQLString) };
  }
  const sortedFields = Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const mutation = buildMutationRoot(context);
  return new GraphQLSchema({ query: new GraphQLObjectType({ name: 'query_root', fields: sortedFields }), ...(mutation ? { mutation } : {}) });
}
