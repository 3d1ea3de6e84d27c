import type { OrderKey } from '../plan/ir.js';
import { compileBoolExp, compileJoinCondition } from './compile-bool-exp.js';
import type { CompileContext } from './compile-context.js';
import { ident, join, keyword, sql, type Sql } from './sql.js';
import { compileFunctionCall } from './compile-function-call.js';

/** `count(*)`, or the function over a column of the related rows (aliased `inner`). */
function aggregateValue(key: Pick<Extract<OrderKey, { kind: 'array_aggregate' }>, 'fn' | 'column'>, inner: string): Sql {
  return key.fn === 'count' ? sql`count(*)` : sql`${keyword(key.fn)}(${ident(inner, key.column!)})`;
}

/**
 * A sort key as an expression over the table in scope. Keys through relationships and table
 * computed fields become correlated subqueries: the related row's column, or an aggregate over
 * the related rows (or the rows the function returns for this row).
 */
export function compileOrderKey(key: OrderKey, alias: string, context: CompileContext): Sql {
  switch (key.kind) {
    case 'column':
      return key.condition ? sql`(CASE WHEN ${compileBoolExp(key.condition, { alias }, context)} THEN ${ident(alias, key.column)} END)` : ident(alias, key.column);
    case 'computed':
      return compileFunctionCall(key.call, alias);
    case 'object_relationship': {
      const inner = context.nextAlias();
      const conditions = [compileJoinCondition(key.hop, alias, inner)];
      if (key.hop.filter) conditions.push(compileBoolExp(key.hop.filter, { alias: inner }, context));
      return sql`(SELECT ${compileOrderKey(key.key, inner, context)} FROM ${ident(key.hop.table.schema, key.hop.table.name)} AS ${ident(inner)} WHERE ${join(conditions, sql` AND `)} LIMIT 1)`;
    }
    case 'array_aggregate': {
      const inner = context.nextAlias();
      const conditions = [compileJoinCondition(key.hop, alias, inner)];
      if (key.hop.filter) conditions.push(compileBoolExp(key.hop.filter, { alias: inner }, context));
      return sql`(SELECT ${aggregateValue(key, inner)} FROM ${ident(key.hop.table.schema, key.hop.table.name)} AS ${ident(inner)} WHERE ${join(conditions, sql` AND `)})`;
    }
    case 'computed_aggregate': {
      const inner = context.nextAlias();
      const where = key.filter ? sql` WHERE ${compileBoolExp(key.filter, { alias: inner }, context)}` : sql``;
      return sql`(SELECT ${aggregateValue(key, inner)} FROM ${compileFunctionCall(key.call, alias)} AS ${ident(inner)}${where})`;
    }
  }
}
