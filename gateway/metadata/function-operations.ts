/**
 * Tracked functions and computed fields. Sluice's model has no functions yet, so these are
 * stored as given (names normalised to `{schema, name}`). A computed field's function is checked
 * against `pg_proc` (check-computed-field-function.ts); a tracked function is not validated yet.
 */
import { GatewayError } from '../errors/index.js';
import { tableKey, type QualifiedName } from '../../schema/model/database-model.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { change, type MetadataOperation } from './metadata-operation.js';
import { checkSource, expectObject, optionalBoolean, optionalString, parseTableArg, parseTableName, requireString, type JsonObject } from './parse-args.js';
import { checkComputedFieldFunction } from './check-computed-field-function.js';
import { defaultSource, displayTableName, findTable, requireTrackedTable, sameTable, updateTable, type ComputedFieldMetadata } from './metadata-tables.js';

interface FunctionEntry {
  readonly function: QualifiedName;
  readonly configuration?: JsonObject;
}

function functionsOf(metadata: Metadata): readonly FunctionEntry[] {
  return (defaultSource(metadata) as { functions?: readonly FunctionEntry[] }).functions ?? [];
}

export function findFunction(metadata: Metadata, name: QualifiedName): FunctionEntry | undefined {
  return functionsOf(metadata).find((f) => sameTable(toName(f.function), name));
}

function toName(value: QualifiedName | string): QualifiedName {
  return typeof value === 'string' ? { schema: 'public', name: value } : value;
}

function withFunctions(metadata: Metadata, edit: (fns: readonly FunctionEntry[]) => readonly FunctionEntry[]): Metadata {
  const source = defaultSource(metadata);
  const others = metadata.sources.filter((s) => s.name !== 'default');
  const functions = edit(functionsOf(metadata));
  const { functions: _old, ...rest } = source as typeof source & { functions?: unknown };
  return { ...metadata, sources: [{ ...rest, ...(functions.length > 0 ? { functions } : {}) }, ...others] };
}

function parseFunctionArg(args: JsonObject, path: string): QualifiedName {
  if (args.function !== undefined) return parseTableName(args.function, `${path}.function`);
  return parseTableArg(args, path);
}

const trackFunction: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const name = parseFunctionArg(obj, context.path);
  const configuration = obj.configuration === undefined ? undefined : expectObject(obj.configuration, `${context.path}.configuration`);
  if (findFunction(context.metadata, name)) {
    throw new GatewayError('already-tracked', `function already tracked: "${displayTableName(name)}"`, { path: context.path });
  }
  if (findTable(context.metadata, name)) {
    throw new GatewayError('not-supported', `table with name "${displayTableName(name)}" already exists`, { path: context.path });
  }
  const entry: FunctionEntry = { function: { schema: name.schema, name: name.name }, ...(configuration ? { configuration } : {}) };
  return change(withFunctions(context.metadata, (fns) => [...fns, entry]));
};

const untrackFunction: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const name = parseFunctionArg(obj, context.path);
  if (!findFunction(context.metadata, name)) {
    throw new GatewayError('not-exists', `function "${displayTableName(name)}" is not tracked`, { path: context.path });
  }
  return change(withFunctions(context.metadata, (fns) => fns.filter((f) => !sameTable(toName(f.function), name))));
};

const addComputedField: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const table = parseTableArg(obj, context.path);
  const name = requireString(obj, 'name', context.path);
  const definition = expectObject(obj.definition, `${context.path}.definition`);
  const fn = parseTableName(definition.function, `${context.path}.definition.function`);
  const entry = requireTrackedTable(context.metadata, table, context.path);
  const info = (await context.model()).tables.get(tableKey(table));
  const taken =
    info?.columns.some((c) => c.name === name) ||
    [...(entry.object_relationships ?? []), ...(entry.array_relationships ?? []), ...(entry.computed_fields ?? [])].some((f) => f.name === name);
  if (taken) {
    throw new GatewayError('already-exists', `field "${name}" of table "${displayTableName(table)}" already exists`, { path: context.path });
  }
  const defPath = `${context.path}.definition`;
  const tableArgument = optionalString(definition, 'table_argument', defPath);
  const sessionArgument = optionalString(definition, 'session_argument', defPath);
  const field: ComputedFieldMetadata = {
    name,
    definition: { ...definition, function: fn },
    ...(typeof obj.comment === 'string' ? { comment: obj.comment } : {}),
  };
  const problem = await checkComputedFieldFunction(context.pool, table, { function: fn, table_argument: tableArgument, session_argument: sessionArgument });
  if (problem !== undefined) {
    // Hasura builds the field, finds it inconsistent and refuses the change with the object in `internal`.
    const reason = `Inconsistent object: in table "${displayTableName(table)}": in computed field "${name}": ${problem}`;
    const internal = [
      {
        definition: { definition: field.definition, name, source: 'default', comment: field.comment ?? null, table },
        reason,
        name: `computed_field ${name} in table ${displayTableName(table)} in source default`,
        type: 'computed_field',
      },
    ];
    throw new GatewayError('invalid-configuration', reason, { path: context.path, internal });
  }
  return change(updateTable(context.metadata, table, (t) => ({ ...t, computed_fields: [...(t.computed_fields ?? []), field] })));
};

const dropComputedField: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  checkSource(obj, context.path);
  const table = parseTableArg(obj, context.path);
  const name = requireString(obj, 'name', context.path);
  optionalBoolean(obj, 'cascade', context.path);
  const entry = requireTrackedTable(context.metadata, table, context.path);
  if (!entry.computed_fields?.some((f) => f.name === name)) {
    throw new GatewayError('not-exists', `computed field "${name}" does not exist`, { path: context.path });
  }
  return change(updateTable(context.metadata, table, (t) => ({ ...t, computed_fields: (t.computed_fields ?? []).filter((f) => f.name !== name) })));
};

export const functionOperations: Record<string, MetadataOperation> = {
  pg_track_function: trackFunction,
  pg_untrack_function: untrackFunction,
  pg_add_computed_field: addComputedField,
  pg_drop_computed_field: dropComputedField,
};
