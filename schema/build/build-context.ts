import type { ResolvedColumn, ResolvedSchema, ResolvedTable } from '../resolve/index.js';
import type { SelectAccess } from './field-spec.js';
import type { ScalarTypes } from './scalar-types.js';
import type { TypeCache } from './type-cache.js';

/** Shared state of one role's schema build. */
export interface BuildContext {
  readonly resolved: ResolvedSchema;
  readonly scalars: ScalarTypes;
  readonly cache: TypeCache;
  /** The role's select access to a table, or undefined when it may not read it. */
  accessFor(tableKey: string): SelectAccess | undefined;
}

/** The columns of a table that the access lets the role see, in table order. */
export function visibleColumns(access: SelectAccess): ResolvedColumn[] {
  return access.table.columns.filter((c) => access.columns.has(c.name));
}

export function tableOf(context: BuildContext, key: string): ResolvedTable | undefined {
  return context.resolved.tablesByKey.get(key);
}
