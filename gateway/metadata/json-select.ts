/**
 * Legacy `select {table, columns, where?, order_by?, limit?, offset?}`. `columns` lists column
 * names, `"*"`, or `{name, columns, where?}` for a relationship, which is followed through the
 * same mapping the metadata check resolves. Postgres builds the JSON, so values print as in
 * Hasura. `order_by` takes `"col"`, `"+col"` or `"-col"`.
 */
import { GatewayError } from '../errors/index.js';
import type { TableInfo } from '../../schema/model/database-model.js';
import type { Metadata } from '../../schema/metadata/metadata.js';
import type { MetadataOperation, OperationContext } from './metadata-operation.js';
import { compileLegacyWhere } from './compile-legacy-where.js';
import { expectArray, expectObject, expectString, requireString } from './parse-args.js';
import { quoteIdentifier, quoteQualifiedName } from './quote-identifier.js';
import { findTable } from './metadata-tables.js';
import { requireColumn, resolveDmlTable } from './resolve-dml-table.js';
import { resolveRelationshipMapping } from './resolve-relationship-mapping.js';
import { runRead } from './run-write.js';
import { SqlParameters } from './sql-parameters.js';

interface Scope {
  readonly context: OperationContext;
  readonly metadata: Metadata;
  readonly params: SqlParameters;
  depth: number;
}

/** A correlated JSON object for the row `alias` of `info`, with the selected columns and relationships. */
async function rowObject(scope: Scope, info: TableInfo, alias: string, columns: unknown, path: string): Promise<string> {
  const parts: string[] = [];
  for (const [i, item] of expectArray(columns, path).entries()) {
    if (item === '*') parts.push(...info.columns.map((c) => `${alias}.${quoteIdentifier(c.name)}`));
    else if (typeof item === 'string') parts.push(`${alias}.${quoteIdentifier(requireColumn(info, item, `${path}[${i}]`).name)}`);
    else parts.push(await relationshipField(scope, info, alias, expectObject(item, `${path}[${i}]`), `${path}[${i}]`));
  }
  return `(SELECT row_to_json("r") FROM (SELECT ${parts.join(', ') || 'NULL'}) "r")`;
}

async function relationshipField(scope: Scope, info: TableInfo, alias: string, item: Record<string, unknown>, path: string): Promise<string> {
  const name = requireString(item, 'name', path);
  const entry = findTable(scope.metadata, info);
  const object = entry?.object_relationships?.find((r) => r.name === name);
  const rel = object ?? entry?.array_relationships?.find((r) => r.name === name);
  if (!rel) throw new GatewayError('not-exists', `no such column or relationship exists: "${name}"`, { path });
  const mapping = resolveRelationshipMapping(await scope.context.model(), scope.metadata, info, object ? 'object' : 'array', rel.using);
  if (!mapping.ok) throw new GatewayError('invalid-configuration', mapping.reason, { path });
  const remote = `"t${++scope.depth}"`;
  const join = mapping.mapping.map(([from, to]) => `${remote}.${quoteIdentifier(to)} = ${alias}.${quoteIdentifier(from)}`).join(' AND ');
  const where = compileLegacyWhere(mapping.remote, remote, item.where, scope.params, `${path}.where`);
  const row = await rowObject(scope, mapping.remote, remote, item.columns ?? ['*'], `${path}.columns`);
  const from = `FROM ${quoteQualifiedName(mapping.remote)} AS ${remote} WHERE ${join} AND ${where}`;
  const field = object
    ? `(SELECT ${row} ${from} LIMIT 1)`
    : `(SELECT coalesce(json_agg("s"."j"), '[]'::json) FROM (SELECT ${row} AS "j" ${from}) "s")`;
  return `${field} AS ${quoteIdentifier(name)}`;
}

function orderBy(info: TableInfo, value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  const list = (Array.isArray(value) ? value : [value]).map((v, i) => expectString(v, `${path}[${i}]`));
  const terms = list.map((term, i) => {
    const desc = term.startsWith('-');
    const column = requireColumn(info, term.replace(/^[+-]/, ''), `${path}[${i}]`);
    return `"t0".${quoteIdentifier(column.name)} ${desc ? 'DESC' : 'ASC'}`;
  });
  return `ORDER BY ${terms.join(', ')}`;
}

export const jsonSelect: MetadataOperation = async (args, context) => {
  const { args: obj, name, info } = await resolveDmlTable(args, context);
  const scope: Scope = { context, metadata: context.metadata, params: new SqlParameters(), depth: 0 };
  const row = await rowObject(scope, info, '"t0"', obj.columns ?? ['*'], `${context.path}.columns`);
  const where = compileLegacyWhere(info, '"t0"', obj.where, scope.params, `${context.path}.where`);
  const limit = typeof obj.limit === 'number' ? `LIMIT ${scope.params.value(obj.limit)}::bigint` : '';
  const offset = typeof obj.offset === 'number' ? `OFFSET ${scope.params.value(obj.offset)}::bigint` : '';
  const text = `SELECT coalesce(json_agg("s"."j"), '[]'::json) AS rows
    FROM (SELECT ${row} AS "j" FROM ${quoteQualifiedName(name)} AS "t0" WHERE ${where} ${orderBy(info, obj.order_by, `${context.path}.order_by`)} ${limit} ${offset}) "s"`;
  const [result] = await runRead<{ rows: unknown }>(context.pool, text, scope.params.values, context.path);
  return { kind: 'read', response: result!.rows };
};
