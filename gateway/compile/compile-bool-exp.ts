import type { BoolExp, ColumnOperand, CompareOp, Hop } from '../plan/ir.js';
import { ident, join, keyword, sql, type Keyword, type Sql } from './sql.js';
import { compileParam } from './compile-bool-exp-param.js';
import { compileFunctionCall } from './compile-function-call.js';
import type { CompileContext, Scope } from './compile-context.js';

const operators: Partial<Record<CompareOp, Keyword>> = {
  _eq: '=',
  _neq: '<>',
  _gt: '>',
  _lt: '<',
  _gte: '>=',
  _lte: '<=',
  _like: 'LIKE',
  _nlike: 'NOT LIKE',
  _ilike: 'ILIKE',
  _nilike: 'NOT ILIKE',
  _similar: 'SIMILAR TO',
  _nsimilar: 'NOT SIMILAR TO',
  _regex: '~',
  _nregex: '!~',
  _iregex: '~*',
  _niregex: '!~*',
  _contains: '@>',
  _contained_in: '<@',
  _has_key: '?',
  _has_keys_any: '?|',
  _has_keys_all: '?&',
  _ancestor: '@>',
  _ancestor_any: '@>',
  _descendant: '<@',
  _descendant_any: '<@',
  _matches: '~',
  _matches_any: '?',
  _matches_fulltext: '@',
};

export { compileParam };

function compileOperand(operand: ColumnOperand, scope: Scope, context: CompileContext): Sql {
  const plain = operand.call ? compileFunctionCall(operand.call, scope.alias) : (scope.operand?.(operand.column) ?? ident(scope.alias, operand.column));
  const column = operand.condition ? sql`(CASE WHEN ${compileBoolExp(operand.condition, { alias: scope.alias }, context)} THEN ${plain} END)` : plain;
  return operand.castToText ? sql`(${column})::text` : column;
}

/** `"target"."to" = "outer"."from"` for every column pair of a relationship. */
export function compileJoinCondition(hop: Hop, outer: string, inner: string): Sql {
  return join(
    hop.mapping.map((pair) => sql`${ident(inner, pair.to)} = ${ident(outer, pair.from)}`),
    sql` AND `,
  );
}

/**
 * The rows related to any row of the CTE `parents`. With one scalar key column,
 * `"target"."to" = ANY (ARRAY(SELECT "parents"."from" FROM "parents"))`: the keys are collected
 * once and looked up in the target's index in one scan, a plan never slower than the lookup per
 * parent it replaces (as `IN (SELECT …)`, Postgres estimates a hash join over a sequential scan
 * cheaper on small tables, and it measured 3x slower). Keys of several columns use
 * `(…) IN (SELECT …)`, since a row comparison cannot use an index through `ANY`, and so do
 * array keys, which `ARRAY(…)` would stack into one multidimensional array.
 */
export function compileKeyInParents(hop: Hop, parents: string, inner: string): Sql {
  const parentKeys = join(hop.mapping.map((pair) => ident(parents, pair.from)));
  if (hop.mapping.length === 1 && hop.scalarKeys) return sql`${ident(inner, hop.mapping[0]!.to)} = ANY (ARRAY(SELECT ${parentKeys} FROM ${ident(parents)}))`;
  return sql`(${join(hop.mapping.map((pair) => ident(inner, pair.to)))}) IN (SELECT ${parentKeys} FROM ${ident(parents)})`;
}

export function compileBoolExp(exp: BoolExp, scope: Scope, context: CompileContext): Sql {
  switch (exp.kind) {
    case 'true':
      return sql`true`;
    case 'false':
      return sql`false`;
    case 'and':
      return exp.items.length === 0 ? sql`true` : sql`(${join(exp.items.map((i) => compileBoolExp(i, scope, context)), sql` AND `)})`;
    case 'or':
      return exp.items.length === 0 ? sql`false` : sql`(${join(exp.items.map((i) => compileBoolExp(i, scope, context)), sql` OR `)})`;
    case 'not':
      return sql`(NOT ${compileBoolExp(exp.item, scope, context)})`;
    case 'is_null':
      return exp.isNull ? sql`(${compileOperand(exp.operand, scope, context)} IS NULL)` : sql`(${compileOperand(exp.operand, scope, context)} IS NOT NULL)`;
    case 'compare':
      return compileCompare(exp.op, compileOperand(exp.operand, scope, context), compileParam(exp.value), exp.value.encoding === 'geojson' ? exp.value.pgType?.schema : undefined);
    case 'st_d_within':
      return sql`${ident(exp.postgis, 'st_dwithin')}(${compileOperand(exp.operand, scope, context)}, ${compileParam(exp.from)}, ${compileParam(exp.distance)})`;
    case 'exists_call': {
      const alias = context.nextAlias();
      const where = compileBoolExp(exp.where, { alias, root: scope.root ?? scope.alias }, context);
      return sql`EXISTS (SELECT 1 FROM ${compileFunctionCall(exp.call, scope.alias)} AS ${ident(alias)} WHERE ${where})`;
    }
    case 'column_compare':
      return compileCompare(exp.op, ident(scope.alias, exp.left), ident(exp.rightFromRoot ? (scope.root ?? scope.alias) : scope.alias, exp.right));
    case 'exists': {
      const alias = context.nextAlias();
      const inner: Scope = { alias, root: scope.root ?? scope.alias };
      // `_exists` in permission rules names an unrelated table: no join condition then.
      const conditions = exp.hop.mapping.length > 0 ? [compileJoinCondition(exp.hop, scope.alias, alias)] : [];
      if (exp.hop.filter) conditions.push(compileBoolExp(exp.hop.filter, inner, context));
      conditions.push(compileBoolExp(exp.where, inner, context));
      return sql`EXISTS (SELECT 1 FROM ${ident(exp.hop.table.schema, exp.hop.table.name)} AS ${ident(alias)} WHERE ${join(conditions, sql` AND `)})`;
    }
    case 'aggregate_predicate': {
      const alias = context.nextAlias();
      const inner: Scope = { alias };
      const conditions = [compileJoinCondition(exp.hop, scope.alias, alias)];
      if (exp.filter) conditions.push(compileBoolExp(exp.filter, inner, context));
      const columns = exp.columns.map((c) => ident(alias, c));
      const distinct = exp.distinct ? sql`DISTINCT ` : sql``;
      const argument = columns.length === 0 ? sql`*` : columns.length === 1 ? columns[0]! : sql`(${join(columns)})`;
      const aggregate = exp.fn === 'count' && columns.length === 0 ? sql`count(*)` : sql`${keyword(exp.fn)}(${distinct}${argument})`;
      const value = sql`(SELECT ${aggregate} FROM ${ident(exp.hop.table.schema, exp.hop.table.name)} AS ${ident(alias)} WHERE ${join(conditions, sql` AND `)})`;
      return compileBoolExp(exp.predicate, { alias: scope.alias, operand: (c) => (c === '__aggregate' ? value : undefined) }, context);
    }
  }
}

const spatial: Partial<Record<CompareOp, string>> = {
  _st_contains: 'st_contains',
  _st_crosses: 'st_crosses',
  _st_equals: 'st_equals',
  _st_intersects: 'st_intersects',
  _st_overlaps: 'st_overlaps',
  _st_touches: 'st_touches',
  _st_within: 'st_within',
};

function compileCompare(op: CompareOp, left: Sql, right: Sql, postgis?: string): Sql {
  const fn = spatial[op];
  if (fn && postgis) return sql`${ident(postgis, fn)}(${left}, ${right})`;
  if (op === '_in') return sql`(${left} = ANY(${right}))`;
  if (op === '_nin') return sql`(NOT (${left} = ANY(${right})))`;
  const operator = operators[op];
  if (!operator) throw new Error(`unknown comparison operator ${op}`);
  return sql`(${left} ${keyword(operator)} ${right})`;
}
