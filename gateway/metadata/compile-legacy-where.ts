/**
 * The `where` of the legacy JSON DML (`/v1/query` select, count, update, delete): `{col: value}`
 * and `{col: {$op: value}}` with the comparison operators below (written `$eq` or `_eq`), combined
 * with `$and`, `$or` and `$not`. Relationship traversal, `$exists`, and the text, JSON and
 * PostGIS operators are not supported here (400 `not-supported`).
 */
import { GatewayError } from '../errors/index.js';
import type { TableInfo } from '../../schema/model/database-model.js';
import { expectArray, isJsonObject, parseFailed } from './parse-args.js';
import { quoteIdentifier } from './quote-identifier.js';
import type { SqlParameters } from './sql-parameters.js';

const comparisons: Record<string, string> = { eq: '=', ne: '<>', neq: '<>', gt: '>', lt: '<', gte: '>=', lte: '<=' };

function operatorName(key: string): string | undefined {
  return key.startsWith('$') || key.startsWith('_') ? key.slice(1) : undefined;
}

function compileColumn(info: TableInfo, alias: string, name: string, condition: unknown, params: SqlParameters, path: string): string {
  const column = info.columns.find((c) => c.name === name);
  if (!column) throw new GatewayError('not-exists', `no such column exists: "${name}"`, { path });
  const ref = `${alias}.${quoteIdentifier(name)}`;
  if (!isJsonObject(condition)) return condition === null ? `${ref} IS NULL` : `${ref} = ${params.column(column, condition)}`;
  const parts = Object.entries(condition).map(([key, value]) => {
    const op = operatorName(key);
    if (op !== undefined && comparisons[op]) return `${ref} ${comparisons[op]} ${params.column(column, value)}`;
    if (op === 'in' || op === 'nin') {
      const list = params.columnList(column, expectArray(value, `${path}.${key}`));
      return op === 'in' ? `${ref} = ANY(${list})` : `NOT (${ref} = ANY(${list}))`;
    }
    if (op === 'is_null') return value === true ? `${ref} IS NULL` : `${ref} IS NOT NULL`;
    throw new GatewayError('not-supported', `operator "${key}" is not supported in the legacy query API`, { path: `${path}.${key}` });
  });
  return parts.length === 0 ? 'true' : parts.join(' AND ');
}

/** SQL for the boolean expression over the row `alias` of `info`; values go into `params`. */
export function compileLegacyWhere(info: TableInfo, alias: string, where: unknown, params: SqlParameters, path: string): string {
  if (where === undefined || where === null) return 'true';
  if (!isJsonObject(where)) throw parseFailed('expected Object for a boolean expression', path);
  const parts = Object.entries(where).map(([key, value]) => {
    const op = operatorName(key);
    if (op === 'and' || op === 'or') {
      const items = expectArray(value, `${path}.${key}`).map((item, i) => compileLegacyWhere(info, alias, item, params, `${path}.${key}[${i}]`));
      if (items.length === 0) return op === 'and' ? 'true' : 'false';
      return `(${items.join(op === 'and' ? ' AND ' : ' OR ')})`;
    }
    if (op === 'not') return `NOT (${compileLegacyWhere(info, alias, value, params, `${path}.${key}`)})`;
    return `(${compileColumn(info, alias, key, value, params, `${path}.${key}`)})`;
  });
  return parts.length === 0 ? 'true' : parts.join(' AND ');
}
