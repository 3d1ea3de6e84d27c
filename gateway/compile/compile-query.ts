import type { QueryPlan, RootField } from '../plan/ir.js';
import { createCompileContext, type CompileContext } from './compile-context.js';
import { compileAggregate } from './compile-aggregate.js';
import { compileJsonList, compileRowJson } from './compile-fields.js';
import { compileRows } from './compile-rows.js';
import { readColumns } from './read-columns.js';
import { compileSql, ident, join, sql, type Sql } from './sql.js';
import type { Param } from '../plan/ir.js';

/** A compiled query: one statement whose single row holds one JSON text per SQL root field. */
export interface CompiledQuery {
  readonly text: string;
  readonly params: readonly Param[];
  /** Response keys of the SQL columns, in column order. */
  readonly sqlFields: readonly string[];
  /** The column after them: microseconds Postgres spent on the statement (see `executionTime`). */
  readonly timingColumn: number;
}

/**
 * Microseconds from the statement's start (the receipt of its message) to the end of the
 * columns before it, which the target list evaluates first. Measured by Postgres, so neither
 * the network nor a busy event loop inflates it: admission uses it to tell cheap statements,
 * which may share a connection, from costly ones.
 */
// The cast to bigint rounds. Not `round()`: `round(numeric)` is an SQL-language function, which
// the planner inlines afresh at each planning, and a statement Postgres plans for its parameters
// on every run (a filter with a limit, say) paid about 25 µs a run for it (measured on PG17).
const executionTime = sql`(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000000)::bigint::text`;

function compileRootField(field: RootField, context: CompileContext): Sql | null {
  switch (field.kind) {
    case 'select': {
      const rows = compileRows(field.rows, null, context, readColumns(field.fields, field.rows.orderBy));
      return compileJsonList(field.fields, rows, context);
    }
    case 'select_one': {
      const rows = compileRows(field.rows, null, context, readColumns(field.fields, field.rows.orderBy));
      const row = compileRowJson(field.fields, rows.alias, context);
      return sql`(SELECT ${row.object} FROM ${rows.from} AS ${ident(rows.alias)}${row.lateral} LIMIT 1)`;
    }
    case 'aggregate':
      return compileAggregate(field.aggregate, null, context);
    case 'typename':
    case 'introspection':
      return null;
  }
}

/**
 * The root fields of a query that need the database, as ONE statement: each is a column of a
 * single-row SELECT, so they read one consistent snapshot in one round trip, and Postgres
 * returns each as JSON text that is written to the response without parsing.
 */
export function compileQuery(plan: QueryPlan): CompiledQuery | null {
  const context = createCompileContext();
  const columns: Sql[] = [];
  const sqlFields: string[] = [];
  for (const field of plan.rootFields) {
    const expression = compileRootField(field, context);
    if (!expression) continue;
    columns.push(sql`(${expression})::text AS ${ident(String(columns.length))}`);
    sqlFields.push(field.alias);
  }
  if (columns.length === 0) return null;
  const timingColumn = columns.length;
  columns.push(sql`${executionTime} AS ${ident(String(timingColumn))}`);
  const { text, params } = compileSql(sql`SELECT ${join(columns)}`);
  return { text, params, sqlFields, timingColumn };
}
