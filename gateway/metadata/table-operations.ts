/**
 * `pg_track_table`, `pg_untrack_table`, their list forms, and the table-level settings
 * (`pg_set_table_customization`, `pg_set_table_is_enum`).
 */
import { GatewayError } from '../errors/index.js';
import { tableKey, type QualifiedName } from '../../schema/model/database-model.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { change, type MetadataOperation, type OperationContext, type OperationResult } from './metadata-operation.js';
import { checkSource, expectArray, expectObject, optionalBoolean, parseTableArg, type JsonObject } from './parse-args.js';
import { displayTableName, findTable, requireTrackedTable, sameTable, trackedTables, updateTable, withTables, type TableEntry } from './metadata-tables.js';
import { relationshipTarget } from './relationship-target.js';
import { findFunction } from './function-operations.js';

async function trackOne(metadata: Metadata, args: JsonObject, context: OperationContext, path: string): Promise<Metadata> {
  checkSource(args, path);
  const table = parseTableArg(args, path);
  const configuration = args.configuration === undefined || args.configuration === null ? undefined : expectObject(args.configuration, `${path}.configuration`);
  const isEnum = optionalBoolean(args, 'is_enum', path);
  const model = await context.model();
  if (!model.tables.has(tableKey(table))) throw new GatewayError('not-exists', `table "${displayTableName(table)}" does not exist`, { path });
  if (findTable(metadata, table)) throw new GatewayError('already-tracked', `view/table already tracked: "${displayTableName(table)}"`, { path });
  if (findFunction(metadata, table)) {
    throw new GatewayError('not-supported', `function with name "${displayTableName(table)}" already exists`, { path });
  }
  const entry: TableEntry = {
    table: { schema: table.schema, name: table.name },
    ...(configuration ? { configuration } : {}),
    ...(isEnum ? { is_enum: true } : {}),
  };
  return withTables(metadata, (tables) => [...tables, entry]);
}

export interface Dependent {
  readonly owner: QualifiedName;
  readonly kind: 'object_relationships' | 'array_relationships' | 'computed_fields';
  readonly name: string;
}

/** How Hasura's `reportSchemaObj` names each kind of dependent object. */
const dependentLabel: Record<Dependent['kind'], string> = {
  object_relationships: 'relationship',
  array_relationships: 'relationship',
  computed_fields: 'computed field',
};

/** Relationships of other tables that point at `table`, which untracking would leave dangling. */
export function dependentsOf(metadata: Metadata, table: QualifiedName, model: Parameters<typeof relationshipTarget>[0]): Dependent[] {
  const found: Dependent[] = [];
  for (const entry of trackedTables(metadata)) {
    if (sameTable(entry.table, table)) continue;
    for (const kind of ['object_relationships', 'array_relationships'] as const) {
      for (const rel of entry[kind] ?? []) {
        const target = relationshipTarget(model, entry.table, rel.using);
        if (target && sameTable(target, table)) found.push({ owner: entry.table, kind, name: rel.name });
      }
    }
  }
  return found;
}

/** Removes the given relationships and computed fields; used by `cascade`. */
export function dropDependents(metadata: Metadata, dependents: readonly Dependent[]): Metadata {
  return dependents.reduce(
    (md, d) => updateTable(md, d.owner, (t) => ({ ...t, [d.kind]: ((t[d.kind] ?? []) as readonly { name: string }[]).filter((r) => r.name !== d.name) })),
    metadata,
  );
}

export function dependencyError(dependents: readonly Dependent[], path: string): GatewayError {
  const list = dependents.map((d) => `${dependentLabel[d.kind]} ${displayTableName(d.owner)}.${d.name} in source "default"`).join(', ');
  return new GatewayError('dependency-error', `cannot drop due to the following dependent objects : ${list}`, { path });
}

async function untrackOne(metadata: Metadata, args: JsonObject, context: OperationContext, path: string): Promise<Metadata> {
  checkSource(args, path);
  const table = parseTableArg(args, path);
  const cascade = optionalBoolean(args, 'cascade', path) ?? false;
  if (!findTable(metadata, table)) throw new GatewayError('already-untracked', `view/table already untracked: "${displayTableName(table)}"`, { path });
  const dependents = dependentsOf(metadata, table, await context.model());
  if (dependents.length > 0 && !cascade) throw dependencyError(dependents, path);
  return withTables(dropDependents(metadata, dependents), (tables) => tables.filter((t) => !sameTable(t.table, table)));
}

function single(apply: (md: Metadata, args: JsonObject, ctx: OperationContext, path: string) => Promise<Metadata>): MetadataOperation {
  return async (args, context) => change(await apply(context.metadata, expectObject(args, context.path), context, context.path));
}

/** `pg_track_tables {tables: [...]}`: all or nothing, in order. */
function many(apply: (md: Metadata, args: JsonObject, ctx: OperationContext, path: string) => Promise<Metadata>): MetadataOperation {
  return async (args, context): Promise<OperationResult> => {
    const obj = expectObject(args, context.path);
    const list = expectArray(obj.tables, `${context.path}.tables`);
    let metadata = context.metadata;
    for (const [i, item] of list.entries()) {
      const path = `${context.path}.tables[${i}]`;
      metadata = await apply(metadata, expectObject(item, path), context, path);
    }
    return change(metadata);
  };
}

const setTableCustomization: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const table = parseTableArg(obj, context.path);
  const configuration = expectObject(obj.configuration ?? {}, `${context.path}.configuration`);
  requireTrackedTable(context.metadata, table, context.path);
  return change(updateTable(context.metadata, table, (t) => ({ ...t, configuration })));
};

const setTableIsEnum: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const table = parseTableArg(obj, context.path);
  const isEnum = optionalBoolean(obj, 'is_enum', context.path) ?? false;
  requireTrackedTable(context.metadata, table, context.path);
  return change(updateTable(context.metadata, table, (t) => ({ ...t, is_enum: isEnum })));
};

/**
 * `/v1/query`'s `track_table`: Hasura's legacy `TrackTable` parser falls back to a bare table
 * name, so v1 setups may send `{type: track_table, args: "author"}`. `/v1/metadata`'s
 * `pg_track_table` parses `TrackTableV2`, an object only.
 */
export const trackTableV1: MetadataOperation = (args, context) => single(trackOne)(typeof args === 'string' ? { table: args } : args, context);

export const tableOperations: Record<string, MetadataOperation> = {
  pg_track_table: single(trackOne),
  pg_untrack_table: single(untrackOne),
  pg_track_tables: many(trackOne),
  pg_untrack_tables: many(untrackOne),
  pg_set_table_customization: setTableCustomization,
  pg_set_table_is_enum: setTableIsEnum,
};
