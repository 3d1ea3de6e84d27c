import type { ResolvedColumn, ResolvedSchema, ResolvedTable } from '../resolve/index.js';
import type { MutationTarget, RoleAccess, SelectAccess } from './field-spec.js';
import type { ScalarTypes } from './scalar-types.js';
import type { TypeCache } from './type-cache.js';

/** Shared state of one role's schema build. */
export interface BuildContext {
  readonly resolved: ResolvedSchema;
  readonly scalars: ScalarTypes;
  readonly cache: TypeCache;
  /** The role's select access to a table, or undefined when it may not read it. */
  accessFor(tableKey: string): SelectAccess | undefined;
  readonly access: RoleAccess;
}

/** A table's rights for mutation fields and nested inserts. */
export function mutationTarget(context: BuildContext, key: string): MutationTarget | undefined {
  const table = context.resolved.tablesByKey.get(key);
  if (!table) return undefined;
  return {
    table,
    insert: context.access.insert.get(key),
    update: context.access.update.get(key),
    delete: context.access.delete.get(key),
    select: context.access.select.get(key),
  };
}

/** The columns of a table that the access lets the role see, in table order. */
export function visibleColumns(access: SelectAccess): ResolvedColumn[] {
  return access.table.columns.filter((c) => access.columns.has(c.name));
}

/**
 * The computed fields a role may read (all of them for admin): the scalar ones its permission
 * lists, and every one returning rows of a table, which is then read under the role's select
 * permission on that table, as in Hasura, whose permissions of such fields are "auto-derived
 * from the permissions on its returning table" (a role without one does not get the field).
 */
export function visibleComputedFields(access: SelectAccess): ResolvedTable['computedFields'] {
  return access.table.computedFields.filter((f) => !access.computedFields || f.returns.kind === 'table' || access.computedFields.has(f.name));
}

/**
 * Whether the role can select rows of the table at all: their object type needs a field, so a
 * column or a computed field it may read. A permission of `columns: []` with a scalar computed
 * field exposes the table, as in Hasura. A table computed field counts when the role may read a
 * column of the table it returns (one level deep, so a function returning its own table ends).
 */
export function hasReadableFields(context: Pick<BuildContext, 'accessFor'>, access: SelectAccess): boolean {
  if (access.columns.size > 0) return true;
  return visibleComputedFields(access).some((f) => f.returns.kind === 'scalar' || (context.accessFor(f.returns.target)?.columns.size ?? 0) > 0);
}

/** Scalar computed fields without arguments of their own: these can also filter and sort. */
export function filterableComputedFields(access: SelectAccess): ResolvedTable['computedFields'] {
  return visibleComputedFields(access).filter((f) => f.returns.kind === 'scalar' && f.arguments.every((a) => a.kind !== 'input'));
}

/**
 * Columns a role may filter, sort, aggregate and pick as `distinct_on` by: the visible ones,
 * except those an inherited role sees only on some rows (a predicate on them would leak).
 */
export function filterableColumns(access: SelectAccess): ResolvedColumn[] {
  return visibleColumns(access).filter((c) => !access.columnRules?.has(c.name));
}

export function tableOf(context: BuildContext, key: string): ResolvedTable | undefined {
  return context.resolved.tablesByKey.get(key);
}
