import type { Hop, OrderBy, RowSource } from '../plan/ir.js';
import { compileBoolExp, compileJoinCondition, compileKeyInParents, compileParam } from './compile-bool-exp.js';
import type { CompileContext } from './compile-context.js';
import { compileOrderKey } from './compile-order-key.js';
import { ident, join, keyword, sql, type Sql } from './sql.js';
import { constantParam } from './constant-param.js';
import { compileFunctionCall } from './compile-function-call.js';
import { compileText } from './compile-json-object.js';
import type { RecordField } from './record-fields.js';

export interface CompiledRows {
  /** `(SELECT "_1".* … FROM "s"."t" AS "_1" WHERE … ORDER BY … LIMIT …)`, to alias as `alias`; the columns asked for instead of `*` when given. */
  readonly from: Sql;
  readonly alias: string;
  /** The same ordering over the subquery's output, for `json_agg(… ORDER BY …)`. */
  readonly outerOrder: Sql | null;
  /** Every column of the table, in order (the subquery's own, unless fewer were asked for). */
  readonly columns: readonly string[];
  /** The subquery's columns are a row's JSON fields, named by their keys (record-fields.ts). */
  readonly record: boolean;
}

/**
 * What the rows subquery selects: the table's columns listed, all of them (null), or a row's
 * JSON fields under their keys.
 */
export type RowsSelection = readonly string[] | { readonly record: readonly RecordField[] } | null;

/**
 * How the rows relate to the query around them: to one outer row (`outer`, a correlated
 * subquery), or to every row of the CTE `parents` at once (a set-based relationship).
 */
export type Correlation =
  | { readonly hop: Hop | null; readonly outer: string }
  | { readonly hop: Hop; readonly parents: string };

function direction(order: OrderBy): Sql {
  return sql`${keyword(order.direction)} NULLS ${keyword(order.nulls)}`;
}

/**
 * The rows of a table as a subquery: filtered, ordered, limited, with the table's columns only:
 * `read` of them (see read-columns.ts), or all when it is null or empty; or with a row's fields.
 */
export function compileRows(rows: RowSource, correlation: Correlation | null, context: CompileContext, read: RowsSelection = null): CompiledRows {
  const alias = context.nextAlias();
  const conditions: Sql[] = [];
  if (correlation?.hop) {
    conditions.push('parents' in correlation ? compileKeyInParents(correlation.hop, correlation.parents, alias) : compileJoinCondition(correlation.hop, correlation.outer, alias));
    if (correlation.hop.filter) conditions.push(compileBoolExp(correlation.hop.filter, { alias }, context));
  }
  if (rows.where) conditions.push(compileBoolExp(rows.where, { alias }, context));

  const innerOrder: Sql[] = [];
  const outerOrder: Sql[] = [];
  for (const order of rows.orderBy) {
    innerOrder.push(sql`${compileOrderKey(order.key, alias, context)} ${direction(order)}`);
    // The subquery keeps exactly the table's columns, so that its rows still have the table's
    // row type (computed fields take the row as their argument); keys through relationships
    // are therefore computed again for the outer ordering.
    outerOrder.push(sql`${compileOrderKey(order.key, alias, context)} ${direction(order)}`);
  }
  if (rows.distinctOn && rows.orderBy.length === 0) {
    for (const column of rows.distinctOn) innerOrder.push(sql`${ident(alias, column)}`);
  }

  const distinct = rows.distinctOn ? sql`DISTINCT ON (${join(rows.distinctOn.map((c) => ident(alias, c)))}) ` : sql``;
  const record = read !== null && 'record' in read;
  const columns = record
    ? join(read.record.map((field) => sql`${'column' in field ? ident(alias, field.column) : compileText(field.text)} AS ${ident(field.name)}`))
    : read && read.length > 0
      ? join(read.map((column) => ident(alias, column)))
      : sql`${ident(alias)}.*`;
  const where = conditions.length > 0 ? sql` WHERE ${join(conditions, sql` AND `)}` : sql``;
  const orderBy = innerOrder.length > 0 ? sql` ORDER BY ${join(innerOrder)}` : sql``;
  const limit = compileLimit(rows);
  const offset = rows.offset ? sql` OFFSET ${compileParam(rows.offset)}` : sql``;
  // A set-returning function (a computed field of the outer row, or a tracked function) gives the rows.
  const outer = correlation && 'outer' in correlation ? correlation.outer : alias;
  const table = rows.fromCall ? compileFunctionCall(rows.fromCall, outer) : ident(rows.table.schema, rows.table.name);
  return {
    from: sql`(SELECT ${distinct}${columns} FROM ${table} AS ${ident(alias)}${where}${orderBy}${limit}${offset})`,
    alias,
    outerOrder: outerOrder.length > 0 ? join(outerOrder) : null,
    columns: rows.columns,
    record,
  };
}

/** The smaller of the request's limit and the role's limit (Hasura §8). */
function compileLimit(rows: RowSource): Sql {
  const requested = rows.limit ? compileParam(rows.limit) : null;
  const cap = rows.permissionLimit === null ? null : compileParam(constantParam(rows.permissionLimit, 'int4'));
  if (requested && cap !== null) return sql` LIMIT least(${requested}, ${cap})`;
  if (requested) return sql` LIMIT ${requested}`;
  if (cap !== null) return sql` LIMIT ${cap}`;
  return sql``;
}
