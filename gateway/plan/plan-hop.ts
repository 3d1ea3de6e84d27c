import type { ResolvedRelationship } from '../../schema/resolve/index.js';
import type { SelectAccess } from '../../schema/build/index.js';
import type { BoolExp, Hop } from './ir.js';

/**
 * The role's row filter of a table. Admin has none; role filters arrive with permissions.
 */
export function permissionFilter(access: SelectAccess): BoolExp | null {
  if (access.filter === null) return null;
  // Role permissions are compiled by the permissions stage; until a role has them it sees nothing.
  return { kind: 'false' };
}

/** Following a relationship to its target table, under the target's permission filter. */
export function planHop(relationship: ResolvedRelationship, target: SelectAccess): Hop {
  const info = target.table.info;
  return { table: { schema: info.schema, name: info.name }, mapping: relationship.mapping, filter: permissionFilter(target) };
}
