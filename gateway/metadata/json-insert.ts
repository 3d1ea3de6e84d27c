/**
 * Legacy `insert {table, objects, returning?}`: one parameterised INSERT for all objects. The
 * column list is the union of the objects' keys; an object without a key gets DEFAULT, as it
 * would in a single-row insert. `on_conflict` is not supported.
 */
import { GatewayError } from '../errors/index.js';
import type { MetadataOperation } from './metadata-operation.js';
import { expectArray, expectObject, expectString } from './parse-args.js';
import { quoteIdentifier, quoteQualifiedName } from './quote-identifier.js';
import { requireColumn, resolveDmlTable } from './resolve-dml-table.js';
import { runWrite } from './run-write.js';
import { SqlParameters } from './sql-parameters.js';

export const jsonInsert: MetadataOperation = async (args, context) => {
  const { args: obj, name, info } = await resolveDmlTable(args, context);
  const path = context.path;
  if (obj.on_conflict !== undefined && obj.on_conflict !== null) {
    throw new GatewayError('not-supported', 'on_conflict is not supported by the legacy insert', { path: `${path}.on_conflict` });
  }
  const objects = expectArray(obj.objects, `${path}.objects`).map((o, i) => expectObject(o, `${path}.objects[${i}]`));
  const returning = obj.returning === undefined ? undefined : expectArray(obj.returning, `${path}.returning`).map((c, i) => expectString(c, `${path}.returning[${i}]`));
  returning?.forEach((c, i) => requireColumn(info, c, `${path}.returning[${i}]`));
  if (objects.length === 0) return { kind: 'read', response: { affected_rows: 0, ...(returning ? { returning: [] } : {}) } };

  const names = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const columns = names.map((c) => requireColumn(info, c, `${path}.objects`));
  const params = new SqlParameters();
  const rows = objects.map((o) => `(${columns.map((c) => (Object.hasOwn(o, c.name) ? params.column(c, o[c.name]) : 'DEFAULT')).join(', ')})`);
  const target = quoteQualifiedName(name);
  const insert =
    columns.length === 0
      ? `INSERT INTO ${target} SELECT FROM generate_series(1, ${params.value(objects.length)}::int) RETURNING *`
      : `INSERT INTO ${target} (${columns.map((c) => quoteIdentifier(c.name)).join(', ')}) VALUES ${rows.join(', ')} RETURNING *`;
  // The rows go back as JSON built by Postgres, so types print as Hasura prints them.
  const picked = (returning ?? []).map((c) => `"i".${quoteIdentifier(c)}`).join(', ');
  const text = `WITH "i" AS (${insert})
    SELECT (SELECT count(*) FROM "i")::int AS affected_rows,
           ${returning ? `(SELECT coalesce(json_agg(r), '[]'::json) FROM (SELECT ${picked || 'NULL'} FROM "i") r)` : 'NULL'} AS returning`;
  const [row] = await runWrite<{ affected_rows: number; returning: unknown }>(context.pool, text, params.values, path);
  return { kind: 'read', response: { affected_rows: row!.affected_rows, ...(returning ? { returning: row!.returning } : {}) } };
};
