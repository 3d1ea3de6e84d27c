import type { ResolvedRelationship } from '../../schema/resolve/index.js';
import type { SelectAccess } from '../../schema/build/index.js';
import type { BoolExp, Hop } from './ir.js';
import { planPermission } from './plan-permission.js';

/**
 * Compiled rules by rule object. Metadata is immutable per version, so a rule object compiles
 * to the same expression for as long as it is reachable; only session values vary per request.
 */
const compiledRules = new WeakMap<object, BoolExp>();

/** A permission rule (filter or check) as a BoolExp; null when the role has no rule (admin). */
export function compileRule(rule: Readonly<Record<string, unknown>> | null, access: { table: SelectAccess['table']; resolved: SelectAccess['resolved'] }): BoolExp | null {
  if (rule === null) return null;
  let compiled = compiledRules.get(rule);
  if (!compiled) {
    compiled = planPermission(rule, access.table, access.resolved);
    compiledRules.set(rule, compiled);
  }
  return compiled;
}

/** The role's row filter of a table (Hasura's select permission `filter`). */
export function permissionFilter(access: SelectAccess): BoolExp | null {
  return compileRule(access.filter, access);
}

/** Following a relationship to its target table, under the target's permission filter. */
export function planHop(relationship: ResolvedRelationship, target: SelectAccess): Hop {
  const info = target.table.info;
  const scalarKeys = relationship.mapping.every((pair) => {
    const column = info.columns.find((c) => c.name === pair.to);
    // A domain has its base type's category, so `A` covers domains over arrays too.
    return column !== undefined && column.arrayDimensions === 0 && column.type.category !== 'A';
  });
  return { table: { schema: info.schema, name: info.name }, mapping: relationship.mapping, filter: permissionFilter(target), scalarKeys };
}
