import type { Hop, OrderBy, RowSource } from '../plan/ir.js';
import { compileBoolExp, compileJoinCondition, compileParam } from './compile-bool-exp.js';
import type { CompileContext } from './compile-context.js';
import { compileOrderKey } from './compile-order-key.js';
import { ident, join, keyword, sql, type Sql } from './sql.js';
import { constantParam } from './constant-param.js';

export interface CompiledRows {
  /** `(SELECT "_1".* … FROM "s"."t" AS "_1" WHERE … ORDER BY … LIMIT …)`, to alias as `alias`. */
  readonly from: Sql;
  readonly alias: string;
  /** The same ordering over the subquery's output, for `json_agg(… ORDER BY …)`. */
  readonly outerOrder: Sql | null;
}

function direction(order: OrderBy): Sql {
  return sql`${keyword(order.direction)} NULLS ${keyword(order.nulls)}`;
}

/**
 * The rows of a table as a subquery: filtered, ordered, limited. Sort keys through
 * relationships are computed in the subquery as `__order_<n>` so the outer aggregate can order
 * by them too (Hasura pulls them up the same way).
 */
export function compileRows(rows: RowSource, correlation: { hop: Hop; outer: string } | null, context: CompileContext): CompiledRows {
  const alias = context.nextAlias();
  const conditions: Sql[] = [];
  if (correlation) {
    conditions.push(compileJoinCondition(correlation.hop, correlation.outer, alias));
    if (correlation.hop.filter) conditions.push(compileBoolExp(correlation.hop.filter, { alias }, context));
  }
  if (rows.where) conditions.push(compileBoolExp(rows.where, { alias }, context));

  const extraColumns: Sql[] = [];
  const innerOrder: Sql[] = [];
  const outerOrder: Sql[] = [];
  rows.orderBy.forEach((order, i) => {
    const key = compileOrderKey(order.key, alias, context);
    innerOrder.push(sql`${key} ${direction(order)}`);
    if (order.key.kind === 'column') {
      outerOrder.push(sql`${ident(alias, order.key.column)} ${direction(order)}`);
    } else {
      extraColumns.push(sql`${key} AS ${ident(`__order_${i}`)}`);
      outerOrder.push(sql`${ident(alias, `__order_${i}`)} ${direction(order)}`);
    }
  });
  if (rows.distinctOn && rows.orderBy.length === 0) {
    for (const column of rows.distinctOn) innerOrder.push(sql`${ident(alias, column)}`);
  }

  const distinct = rows.distinctOn ? sql`DISTINCT ON (${join(rows.distinctOn.map((c) => ident(alias, c)))}) ` : sql``;
  const columns = join([sql`${ident(alias)}.*`, ...extraColumns]);
  const where = conditions.length > 0 ? sql` WHERE ${join(conditions, sql` AND `)}` : sql``;
  const orderBy = innerOrder.length > 0 ? sql` ORDER BY ${join(innerOrder)}` : sql``;
  const limit = compileLimit(rows);
  const offset = rows.offset ? sql` OFFSET ${compileParam(rows.offset)}` : sql``;
  const table = ident(rows.table.schema, rows.table.name);
  return {
    from: sql`(SELECT ${distinct}${columns} FROM ${table} AS ${ident(alias)}${where}${orderBy}${limit}${offset})`,
    alias,
    outerOrder: outerOrder.length > 0 ? join(outerOrder) : null,
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
