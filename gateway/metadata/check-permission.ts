/**
 * Validates a stored permission against the live table: its column lists, its preset columns and
 * the column / relationship names its boolean expressions mention. Operators and values are left
 * to the schema builder; this catches the dangling references that a DDL change or a typo leaves.
 */
import { tableKey, type DatabaseModel, type TableInfo } from '../../schema/model/database-model.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { isJsonObject } from './parse-args.js';
import { findTable, toQualifiedName } from './metadata-tables.js';
import { resolveRelationshipMapping } from './resolve-relationship-mapping.js';

export const permissionKinds = ['select', 'insert', 'update', 'delete'] as const;
export type PermissionKind = (typeof permissionKinds)[number];

const logicalKeys = new Set(['_and', '_or', '$and', '$or']);

function checkBoolExp(model: DatabaseModel, metadata: Metadata, info: TableInfo, exp: unknown, depth: number): string | undefined {
  if (depth > 20) return 'boolean expression nests too deeply';
  if (!isJsonObject(exp)) return 'a boolean expression must be an object';
  for (const [key, value] of Object.entries(exp)) {
    if (logicalKeys.has(key)) {
      if (!Array.isArray(value)) return `"${key}" expects an array`;
      for (const item of value) {
        const reason = checkBoolExp(model, metadata, info, item, depth + 1);
        if (reason) return reason;
      }
    } else if (key === '_not' || key === '$not') {
      const reason = checkBoolExp(model, metadata, info, value, depth + 1);
      if (reason) return reason;
    } else if (key === '_exists' || key === '$exists') {
      if (!isJsonObject(value) || (typeof value._table !== 'string' && !isJsonObject(value._table))) return '"_exists" needs "_table"';
      const other = model.tables.get(tableKey(toQualifiedName(value._table as never)));
      if (!other) return `table ${JSON.stringify(toQualifiedName(value._table as never).name)} does not exist`;
      const reason = checkBoolExp(model, metadata, other, value._where ?? {}, depth + 1);
      if (reason) return reason;
    } else if (!info.columns.some((c) => c.name === key)) {
      const reason = checkRelationshipKey(model, metadata, info, key, value, depth);
      if (reason) return reason;
    }
  }
  return undefined;
}

/** A key that is not a column must be a relationship (checked on its remote table) or a computed field. */
function checkRelationshipKey(model: DatabaseModel, metadata: Metadata, info: TableInfo, key: string, value: unknown, depth: number): string | undefined {
  const entry = findTable(metadata, info);
  if (entry?.computed_fields?.some((f) => f.name === key)) return undefined;
  const object = entry?.object_relationships?.find((r) => r.name === key);
  const array = entry?.array_relationships?.find((r) => r.name === key);
  const rel = object ?? array;
  if (!rel) return `no such column or relationship: "${key}"`;
  const mapping = resolveRelationshipMapping(model, metadata, info, object ? 'object' : 'array', rel.using);
  if (!mapping.ok) return `relationship "${key}" is inconsistent`;
  return checkBoolExp(model, metadata, mapping.remote, value, depth + 1);
}

function checkColumns(info: TableInfo, columns: unknown, what: string): string | undefined {
  if (columns === '*' || columns === undefined) return undefined;
  if (!Array.isArray(columns)) return `"${what}" must be "*" or a list of columns`;
  const missing = columns.find((c) => typeof c !== 'string' || !info.columns.some((col) => col.name === c));
  return missing === undefined ? undefined : `no such column exists: ${JSON.stringify(missing)}`;
}

/** Why the permission does not fit the table, or undefined when it does. */
export function checkPermission(
  model: DatabaseModel,
  metadata: Metadata,
  info: TableInfo,
  kind: PermissionKind,
  permission: unknown,
): string | undefined {
  if (!isJsonObject(permission)) return 'permission must be an object';
  if (kind !== 'delete') {
    const reason = checkColumns(info, permission.columns, 'columns');
    if (reason) return reason;
  }
  if ((kind === 'insert' || kind === 'update') && permission.set !== undefined && permission.set !== null) {
    if (!isJsonObject(permission.set)) return '"set" must be an object';
    const reason = checkColumns(info, Object.keys(permission.set), 'set');
    if (reason) return reason;
  }
  const expressions = kind === 'insert' ? [permission.check] : kind === 'update' ? [permission.filter, permission.check] : [permission.filter];
  for (const exp of expressions) {
    if (exp === undefined || exp === null) continue;
    const reason = checkBoolExp(model, metadata, info, exp, 0);
    if (reason) return reason;
  }
  return undefined;
}
