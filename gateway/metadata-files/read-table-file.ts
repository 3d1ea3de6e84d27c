/**
 * One table entry (`databases/default/tables/<schema>_<table>.yaml`): its keys are checked at
 * every level Sluice acts on — the entry, relationships, permissions and their rules — and every
 * problem is reported with its line.
 */
import { isScalar, type YAMLMap } from 'yaml';
import type { TableMetadata } from '../../schema/metadata/metadata.js';
import type { QualifiedName } from '../../schema/model/database-model.js';
import { checkKeys, expectMap, expectSeq, requireString } from './check-keys.js';
import { locationKey, type MetadataLocations } from './metadata-locations.js';
import { containsInclude, lineOf, toJs, type YamlFile, type YamlReader } from './yaml-file.js';

export const tableKeys = [
  'table',
  'is_enum',
  'configuration',
  'object_relationships',
  'array_relationships',
  'computed_fields',
  'select_permissions',
  'insert_permissions',
  'update_permissions',
  'delete_permissions',
  'event_triggers',
] as const;

const configurationKeys = ['custom_name', 'custom_root_fields', 'column_config', 'custom_column_names', 'comment'];
const relationshipKeys = ['name', 'using', 'comment'];
const computedFieldKeys = ['name', 'definition', 'comment'];
const eventTriggerKeys = ['name', 'definition', 'retry_conf', 'webhook', 'webhook_from_env', 'headers', 'request_transform', 'response_transform', 'cleanup_config'];
const permissionEntryKeys = ['role', 'permission', 'comment'];

export const permissionKeys = {
  select: ['columns', 'computed_fields', 'filter', 'limit', 'allow_aggregations', 'query_root_fields', 'subscription_root_fields'],
  insert: ['columns', 'check', 'set', 'backend_only'],
  update: ['columns', 'filter', 'check', 'set', 'backend_only'],
  delete: ['filter', 'backend_only'],
} as const;

type PermissionKind = keyof typeof permissionKeys;

export interface TableFileContext {
  readonly reader: YamlReader;
  readonly file: YamlFile;
  readonly locations: MetadataLocations;
}

function readTableName(context: TableFileContext, node: unknown): QualifiedName | undefined {
  const { reader, file } = context;
  if (isScalar(node) && typeof node.value === 'string' && node.value !== '') return { name: node.value, schema: 'public' };
  const map = expectMap(reader, file, node, '"table"');
  if (!map) return undefined;
  const values = checkKeys(reader, file, map, ['name', 'schema'], '"table"');
  const name = requireString(reader, file, map, values, 'name', '"table"');
  const schema = values.has('schema') ? requireString(reader, file, map, values, 'schema', '"table"') : 'public';
  return name !== undefined && schema !== undefined ? { name, schema } : undefined;
}

function readNamedList(
  context: TableFileContext,
  table: QualifiedName,
  node: unknown,
  list: string,
  allowed: readonly string[],
  type: string,
): unknown[] | undefined {
  const { reader, file } = context;
  const seq = expectSeq(reader, file, node, `"${list}"`);
  if (!seq) return undefined;
  const names = new Set<string>();
  const out: unknown[] = [];
  seq.items.forEach((item, i) => {
    const what = `${list}[${i}]`;
    const map = expectMap(reader, file, item, what);
    if (!map) return;
    const values = checkKeys(reader, file, map, allowed, what);
    const name = requireString(reader, file, map, values, 'name', what);
    if (name === undefined) return;
    if (names.has(name)) reader.problem(file, map, `"${name}" is defined twice in ${list}`);
    names.add(name);
    context.locations.set(locationKey(table, type, name), { file: file.path, line: lineOf(file, map) });
    out.push(toJs(file, map));
  });
  return out;
}

function readPermissions(context: TableFileContext, table: QualifiedName, node: unknown, kind: PermissionKind): unknown[] | undefined {
  const { reader, file } = context;
  const list = `${kind}_permissions`;
  const seq = expectSeq(reader, file, node, `"${list}"`);
  if (!seq) return undefined;
  const roles = new Set<string>();
  const out: unknown[] = [];
  seq.items.forEach((item, i) => {
    const map = expectMap(reader, file, item, `${list}[${i}]`);
    if (!map) return;
    const values = checkKeys(reader, file, map, permissionEntryKeys, `${list}[${i}]`);
    const role = requireString(reader, file, map, values, 'role', `${list}[${i}]`);
    const what = role === undefined ? `${list}[${i}]` : `${kind} permission for role "${role}"`;
    const permission = expectMap(reader, file, values.get('permission') ?? map, `"permission" of ${what}`);
    if (permission) checkKeys(reader, file, permission, permissionKeys[kind], `${what}`);
    if (role === undefined || !permission) return;
    if (roles.has(role)) reader.problem(file, map, `role "${role}" has two ${kind} permissions`);
    roles.add(role);
    context.locations.set(locationKey(table, `${kind}_permission`, role), { file: file.path, line: lineOf(file, map) });
    out.push(toJs(file, map));
  });
  return out;
}

/** The table entry in `node`, or undefined when it has a problem (already reported). */
export function readTableEntry(context: TableFileContext, node: unknown): TableMetadata | undefined {
  const { reader, file } = context;
  const map: YAMLMap | undefined = expectMap(reader, file, node, 'a table entry');
  if (!map) return undefined;
  const before = reader.problems.length;
  const values = checkKeys(reader, file, map, tableKeys, 'a table entry');
  if (!values.has('table')) {
    reader.problem(file, map, 'a table entry has no "table"');
    return undefined;
  }
  const table = readTableName(context, values.get('table'));
  if (!table) return undefined;
  context.locations.set(locationKey(table), { file: file.path, line: lineOf(file, map) });
  const entry: Record<string, unknown> = { table };
  for (const [key, value] of values) {
    if (key === 'table') continue;
    if (key === 'configuration') {
      const config = expectMap(reader, file, value, '"configuration"');
      if (config) checkKeys(reader, file, config, configurationKeys, '"configuration"');
      entry[key] = toJs(file, value);
    } else if (key === 'object_relationships' || key === 'array_relationships') {
      entry[key] = readNamedList(context, table, value, key, relationshipKeys, key.replace('ships', ''));
    } else if (key === 'computed_fields') {
      entry[key] = readNamedList(context, table, value, key, computedFieldKeys, 'computed_field');
    } else if (key === 'event_triggers') {
      entry[key] = readNamedList(context, table, value, key, eventTriggerKeys, 'event_trigger');
    } else if (key.endsWith('_permissions')) {
      entry[key] = readPermissions(context, table, value, key.replace('_permissions', '') as PermissionKind);
    } else {
      entry[key] = toJs(file, value);
    }
  }
  if (containsInclude(entry)) reader.problem(file, map, '"!include" is only followed where a list of tables or functions is expected');
  if (reader.problems.length > before) return undefined;
  for (const key of Object.keys(entry)) if (entry[key] === undefined || (Array.isArray(entry[key]) && (entry[key] as unknown[]).length === 0)) delete entry[key];
  return entry as unknown as TableMetadata;
}
