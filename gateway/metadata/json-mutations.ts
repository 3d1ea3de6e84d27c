/**
 * Legacy `update {table, where, $set?, $inc?}`, `delete {table, where}` and
 * `count {table, where?}`, each one parameterised statement answering as Hasura does.
 */
import { GatewayError } from '../errors/index.js';
import type { MetadataOperation } from './metadata-operation.js';
import { compileLegacyWhere } from './compile-legacy-where.js';
import { expectObject, requireKey } from './parse-args.js';
import { quoteIdentifier, quoteQualifiedName } from './quote-identifier.js';
import { requireColumn, resolveDmlTable } from './resolve-dml-table.js';
import { runRead, runWrite } from './run-write.js';
import { SqlParameters } from './sql-parameters.js';

export const jsonUpdate: MetadataOperation = async (args, context) => {
  const { args: obj, name, info } = await resolveDmlTable(args, context);
  const path = context.path;
  const params = new SqlParameters();
  const sets: string[] = [];
  for (const [key, op] of [['$set', '='], ['$inc', '+']] as const) {
    if (obj[key] === undefined || obj[key] === null) continue;
    for (const [col, value] of Object.entries(expectObject(obj[key], `${path}.${key}`))) {
      const column = requireColumn(info, col, `${path}.${key}.${col}`);
      const ref = quoteIdentifier(column.name);
      sets.push(op === '=' ? `${ref} = ${params.column(column, value)}` : `${ref} = ${ref} + ${params.column(column, value)}`);
    }
  }
  if (sets.length === 0) throw new GatewayError('validation-failed', 'at least one of $set, $inc must be given', { path });
  const where = compileLegacyWhere(info, '"t0"', requireKey(obj, 'where', path), params, `${path}.where`);
  const text = `WITH "u" AS (UPDATE ${quoteQualifiedName(name)} AS "t0" SET ${sets.join(', ')} WHERE ${where} RETURNING 1)
    SELECT count(*)::int AS affected_rows FROM "u"`;
  const [row] = await runWrite<{ affected_rows: number }>(context.pool, text, params.values, path);
  return { kind: 'read', response: { affected_rows: row!.affected_rows } };
};

export const jsonDelete: MetadataOperation = async (args, context) => {
  const { args: obj, name, info } = await resolveDmlTable(args, context);
  const params = new SqlParameters();
  const where = compileLegacyWhere(info, '"t0"', requireKey(obj, 'where', context.path), params, `${context.path}.where`);
  const text = `WITH "d" AS (DELETE FROM ${quoteQualifiedName(name)} AS "t0" WHERE ${where} RETURNING 1)
    SELECT count(*)::int AS affected_rows FROM "d"`;
  const [row] = await runWrite<{ affected_rows: number }>(context.pool, text, params.values, context.path);
  return { kind: 'read', response: { affected_rows: row!.affected_rows } };
};

export const jsonCount: MetadataOperation = async (args, context) => {
  const { args: obj, name, info } = await resolveDmlTable(args, context);
  const params = new SqlParameters();
  const where = compileLegacyWhere(info, '"t0"', obj.where, params, `${context.path}.where`);
  const text = `SELECT count(*)::int AS count FROM ${quoteQualifiedName(name)} AS "t0" WHERE ${where}`;
  const [row] = await runRead<{ count: number }>(context.pool, text, params.values, context.path);
  return { kind: 'read', response: { count: row!.count } };
};
