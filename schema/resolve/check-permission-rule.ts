import { tableKey, type DatabaseModel, type QualifiedName, type TableInfo } from '../model/database-model.js';
import { qualifiedTableName } from './resolve-relationship.js';
import type { ResolvedComputedField, ResolvedRelationship } from './resolved-schema.js';

/** What a rule can name on one table: its columns, relationships and computed fields. */
export interface RuleScope {
  readonly info: TableInfo;
  readonly relationships: readonly ResolvedRelationship[];
  readonly computedFields?: readonly ResolvedComputedField[];
}

type Lookup = (key: string) => RuleScope | undefined;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const logical = new Set(['_and', '_or', '_not', '$and', '$or', '$not']);

/**
 * The first thing a permission rule names that the database no longer has (a dropped column, a
 * relationship or `_exists` table that is gone), or null. Such a permission is left out — the
 * role then has less access, never more — and reported as inconsistent metadata.
 */
export function checkPermissionRule(rule: unknown, scope: RuleScope, lookup: Lookup, model: DatabaseModel): string | null {
  if (!isObject(rule)) return null;
  for (const [key, value] of Object.entries(rule)) {
    if (logical.has(key)) {
      for (const part of Array.isArray(value) ? value : [value]) {
        const problem = checkPermissionRule(part, scope, lookup, model);
        if (problem) return problem;
      }
      continue;
    }
    if (key === '_exists' || key === '$exists') {
      const spec = isObject(value) ? value : {};
      const name = qualifiedTableName(spec._table as QualifiedName | string);
      const known = model.tables.get(tableKey(name));
      const other = lookup(tableKey(name)) ?? (known ? { info: known, relationships: [] } : undefined);
      if (!other) return `table "${name.name}" in "_exists" does not exist or is not tracked`;
      const problem = checkPermissionRule(spec._where, other, lookup, model);
      if (problem) return problem;
      continue;
    }
    if (scope.info.columns.some((c) => c.name === key)) continue;
    const computed = scope.computedFields?.find((f) => f.name === key);
    if (computed) {
      if (computed.returns.kind === 'table') {
        const target = lookup(computed.returns.target);
        const problem = target ? checkPermissionRule(value, target, lookup, model) : `the table returned by "${key}" is not tracked`;
        if (problem) return problem;
      }
      continue;
    }
    const relationship = scope.relationships.find((r) => r.name === key);
    if (!relationship) return `"${key}" is neither a column, a computed field nor a relationship of "${scope.info.name}"`;
    const target = lookup(relationship.target);
    if (!target) return `the target of relationship "${key}" is not tracked`;
    const problem = checkPermissionRule(value, target, lookup, model);
    if (problem) return problem;
  }
  return null;
}
