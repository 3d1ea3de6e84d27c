import { tableKey, type DatabaseModel, type QualifiedName, type TableInfo } from '../model/database-model.js';
import { qualifiedTableName } from './resolve-relationship.js';
import type { ResolvedRelationship } from './resolved-schema.js';

type Lookup = (key: string) => { info: TableInfo; relationships: readonly ResolvedRelationship[] } | undefined;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const logical = new Set(['_and', '_or', '_not', '$and', '$or', '$not']);

/**
 * The first thing a permission rule names that the database no longer has (a dropped column, a
 * relationship or `_exists` table that is gone), or null. Such a permission is left out — the
 * role then has less access, never more — and reported as inconsistent metadata.
 */
export function checkPermissionRule(rule: unknown, table: TableInfo, relationships: readonly ResolvedRelationship[], lookup: Lookup, model: DatabaseModel): string | null {
  if (!isObject(rule)) return null;
  for (const [key, value] of Object.entries(rule)) {
    if (logical.has(key)) {
      for (const part of Array.isArray(value) ? value : [value]) {
        const problem = checkPermissionRule(part, table, relationships, lookup, model);
        if (problem) return problem;
      }
    } else if (key === '_exists' || key === '$exists') {
      const spec = isObject(value) ? value : {};
      const name = qualifiedTableName(spec._table as QualifiedName | string);
      const other = lookup(tableKey(name)) ?? (model.tables.has(tableKey(name)) ? { info: model.tables.get(tableKey(name))!, relationships: [] } : undefined);
      if (!other) return `table "${name.name}" in "_exists" does not exist or is not tracked`;
      const problem = checkPermissionRule(spec._where, other.info, other.relationships, lookup, model);
      if (problem) return problem;
    } else if (table.columns.some((c) => c.name === key)) {
      continue;
    } else {
      const relationship = relationships.find((r) => r.name === key);
      if (!relationship) return `"${key}" is neither a column nor a relationship of "${table.name}"`;
      const target = lookup(relationship.target);
      if (!target) return `the target of relationship "${key}" is not tracked`;
      const problem = checkPermissionRule(value, target.info, target.relationships, lookup, model);
      if (problem) return problem;
    }
  }
  return null;
}
