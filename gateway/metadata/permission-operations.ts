/**
 * `pg_create_*_permission`, `pg_drop_*_permission`, `add_inherited_role` and
 * `drop_inherited_role`. Column and expression references are checked by the consistency check
 * the API runs on the changed document.
 */
import { GatewayError } from '../errors/index.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import { change, type MetadataOperation } from './metadata-operation.js';
import { checkSource, expectArray, expectObject, expectString, parseFailed, parseTableArg, requireString, type JsonObject } from './parse-args.js';
import { displayTableName, requireTrackedTable, updateTable } from './metadata-tables.js';
import { permissionKinds, type PermissionKind } from './check-permission.js';

/** Which keys of a permission must be present, and which must be boolean expressions. */
const required: Record<PermissionKind, { columns: boolean; expressions: readonly string[]; optional: readonly string[] }> = {
  select: { columns: true, expressions: ['filter'], optional: [] },
  insert: { columns: false, expressions: ['check'], optional: [] },
  update: { columns: true, expressions: ['filter'], optional: ['check'] },
  delete: { columns: false, expressions: ['filter'], optional: [] },
};

function parsePermission(kind: PermissionKind, value: unknown, path: string): JsonObject {
  const permission = expectObject(value, path);
  const rule = required[kind];
  const columns = permission.columns;
  if (columns !== undefined || rule.columns) {
    if (columns === undefined) throw parseFailed('key "columns" not found', path);
    if (columns !== '*') expectArray(columns, `${path}.columns`).forEach((c, i) => expectString(c, `${path}.columns[${i}]`));
  }
  for (const key of rule.expressions) {
    if (permission[key] === undefined) throw parseFailed(`key "${key}" not found`, path);
    expectObject(permission[key], `${path}.${key}`);
  }
  for (const key of rule.optional) if (permission[key] !== undefined && permission[key] !== null) expectObject(permission[key], `${path}.${key}`);
  if (permission.set !== undefined && permission.set !== null) expectObject(permission.set, `${path}.set`);
  return permission;
}

function createPermission(kind: PermissionKind): MetadataOperation {
  return async (args, context) => {
    const obj = expectObject(args, context.path);
    checkSource(obj, context.path);
    const table = parseTableArg(obj, context.path);
    const role = requireString(obj, 'role', context.path);
    const permission = parsePermission(kind, obj.permission, `${context.path}.permission`);
    const entry = requireTrackedTable(context.metadata, table, context.path);
    const key = `${kind}_permissions` as const;
    // Hasura refuses `admin` with the same message as a duplicate: admin implicitly has every permission.
    if (role === 'admin' || (entry[key] ?? []).some((p) => p.role === role)) {
      throw new GatewayError('already-exists', `${kind} permission already defined on table "${displayTableName(table)}" with role "${role}"`, {
        path: context.path,
      });
    }
    const item = { role, permission, ...(typeof obj.comment === 'string' ? { comment: obj.comment } : {}) };
    return change(updateTable(context.metadata, table, (t) => ({ ...t, [key]: [...(t[key] ?? []), item] })));
  };
}

function dropPermission(kind: PermissionKind): MetadataOperation {
  return async (args, context) => {
    const obj = expectObject(args, context.path);
    checkSource(obj, context.path);
    const table = parseTableArg(obj, context.path);
    const role = requireString(obj, 'role', context.path);
    const entry = requireTrackedTable(context.metadata, table, context.path);
    const key = `${kind}_permissions` as const;
    if (!(entry[key] ?? []).some((p) => p.role === role)) {
      throw new GatewayError('not-exists', `${kind} permission for role "${role}" does not exist on table "${displayTableName(table)}"`, {
        path: context.path,
      });
    }
    return change(updateTable(context.metadata, table, (t) => ({ ...t, [key]: (t[key] ?? []).filter((p) => p.role !== role) })));
  };
}

function withInheritedRoles(metadata: Metadata, roles: NonNullable<Metadata['inherited_roles']>): Metadata {
  const { inherited_roles: _old, ...rest } = metadata;
  return roles.length > 0 ? { ...rest, inherited_roles: roles } : rest;
}

const addInheritedRole: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  const roleName = requireString(obj, 'role_name', context.path);
  const roleSet = expectArray(obj.role_set, `${context.path}.role_set`).map((r, i) => expectString(r, `${context.path}.role_set[${i}]`));
  const roles = context.metadata.inherited_roles ?? [];
  if (roles.some((r) => r.role_name === roleName)) {
    throw new GatewayError('already-exists', `the inherited role "${roleName}" already exists`, { path: context.path });
  }
  if (roleName === 'admin' || roleSet.length === 0 || roleSet.includes(roleName)) {
    throw new GatewayError('validation-failed', `inherited role "${roleName}" needs a non-empty role_set of other roles`, { path: context.path });
  }
  return change(withInheritedRoles(context.metadata, [...roles, { role_name: roleName, role_set: roleSet }]));
};

const dropInheritedRole: MetadataOperation = async (args, context) => {
  const obj = expectObject(args, context.path);
  const roleName = requireString(obj, 'role_name', context.path);
  const roles = context.metadata.inherited_roles ?? [];
  if (!roles.some((r) => r.role_name === roleName)) {
    throw new GatewayError('not-exists', `inherited role "${roleName}" does not exist`, { path: context.path });
  }
  return change(withInheritedRoles(context.metadata, roles.filter((r) => r.role_name !== roleName)));
};

export const permissionOperations: Record<string, MetadataOperation> = {
  ...Object.fromEntries(permissionKinds.flatMap((k) => [[`pg_create_${k}_permission`, createPermission(k)], [`pg_drop_${k}_permission`, dropPermission(k)]])),
  add_inherited_role: addInheritedRole,
  drop_inherited_role: dropInheritedRole,
};
