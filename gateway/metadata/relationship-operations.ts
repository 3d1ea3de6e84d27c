/**
 * `pg_create_object_relationship`, `pg_create_array_relationship`, `pg_drop_relationship` and
 * `pg_rename_relationship`. Whether the FK or columns exist is not checked here: the API runs the
 * consistency check on the changed document, which answers with Hasura's `invalid-configuration`
 * error and the inconsistent object in `internal`.
 */
import { GatewayError } from '../errors/index.js';
import { tableKey, type QualifiedName } from '../../schema/model/database-model.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { change, type MetadataOperation, type OperationContext } from './metadata-operation.js';
import { checkSource, expectObject, isJsonObject, optionalBoolean, parseFailed, parseTableArg, requireString } from './parse-args.js';
import { displayTableName, requireTrackedTable, updateTable, type TableEntry } from './metadata-tables.js';

const listKey = { object: 'object_relationships', array: 'array_relationships' } as const;

function findRelationship(entry: TableEntry, name: string): 'object' | 'array' | undefined {
  if (entry.object_relationships?.some((r) => r.name === name)) return 'object';
  if (entry.array_relationships?.some((r) => r.name === name)) return 'array';
  return undefined;
}

/** Relationships share the table's field namespace with columns and computed fields. */
async function assertNameFree(context: OperationContext, table: QualifiedName, entry: TableEntry, name: string): Promise<void> {
  const info = (await context.model()).tables.get(tableKey(table));
  const taken = info?.columns.some((c) => c.name === name) || findRelationship(entry, name) || entry.computed_fields?.some((f) => f.name === name);
  if (taken) {
    throw new GatewayError('already-exists', `column/relationship "${name}" of table "${displayTableName(table)}" already exists`, {
      path: context.path,
    });
  }
}

function parseUsing(value: unknown, path: string): Record<string, unknown> {
  const using = expectObject(value, path);
  const fk = using.foreign_key_constraint_on;
  const fkOk = typeof fk === 'string' || (Array.isArray(fk) && fk.every((c) => typeof c === 'string')) || isJsonObject(fk);
  if (fk !== undefined && fkOk) return using;
  if (isJsonObject(using.manual_configuration)) return using;
  throw parseFailed('"using" must have "foreign_key_constraint_on" or "manual_configuration"', path);
}

function createRelationship(kind: 'object' | 'array'): MetadataOperation {
  return async (args, context) => {
    const obj = expectObject(args, context.path);
    checkSource(obj, context.path);
    const table = parseTableArg(obj, context.path);
    const name = requireString(obj, 'name', context.path);
    const using = parseUsing(obj.using, `${context.path}.using`);
    const comment = typeof obj.comment === 'string' ? obj.comment : undefined;
    const entry = requireTrackedTable(context.metadata, table, context.path);
    await assertNameFree(context, table, entry, name);
    const rel = { name, using, ...(comment === undefined ? {} : { comment }) };
    const key = listKey[kind];
    return change(updateTable(context.metadata, table, (t) => ({ ...t, [key]: [...(t[key] ?? []), rel] })));
  };
}

function requireRelationship(metadata: Metadata, table: QualifiedName, name: string, path: string): 'object' | 'array' {
  const kind = findRelationship(requireTrackedTable(metadata, table, path), name);
  if (!kind) throw new GatewayError('not-exists', `relationship "${name}" does not exist on table "${displayTableName(table)}"`, { path });
  return kind;
}

const dropRelationship: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const table = parseTableArg(obj, context.path);
  const name = requireString(obj, 'relationship', context.path);
  optionalBoolean(obj, 'cascade', context.path);
  const key = listKey[requireRelationship(context.metadata, table, name, context.path)];
  return change(updateTable(context.metadata, table, (t) => ({ ...t, [key]: (t[key] ?? []).filter((r) => r.name !== name) })));
};

const renameRelationship: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const table = parseTableArg(obj, context.path);
  const name = requireString(obj, 'name', context.path);
  const newName = requireString(obj, 'new_name', context.path);
  const key = listKey[requireRelationship(context.metadata, table, name, context.path)];
  if (newName !== name) await assertNameFree(context, table, requireTrackedTable(context.metadata, table, context.path), newName);
  return change(
    updateTable(context.metadata, table, (t) => ({ ...t, [key]: (t[key] ?? []).map((r) => (r.name === name ? { ...r, name: newName } : r)) })),
  );
};

export const relationshipOperations: Record<string, MetadataOperation> = {
  pg_create_object_relationship: createRelationship('object'),
  pg_create_array_relationship: createRelationship('array'),
  pg_drop_relationship: dropRelationship,
  pg_rename_relationship: renameRelationship,
};
