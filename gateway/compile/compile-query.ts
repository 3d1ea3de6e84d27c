import type { QueryPlan, RootField } from '../plan/ir.js';
import { createCompileContext, type CompileContext } from './compile-context.js';
import { compileAggregate, compileAggregateSelect } from './compile-aggregate.js';
import { compileFieldRows, compileJsonList, compileListStatement, compileRowsJson } from './compile-fields.js';
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

/** A root field that Postgres answers. */
type DatabaseField = Exclude<RootField, { readonly kind: 'typename' | 'introspection' }>;

function isDatabaseField(field: RootField): field is DatabaseField {
  return field.kind !== 'typename' && field.kind !== 'introspection';
}

function compileRootField(field: DatabaseField, context: CompileContext): Sql {
  switch (field.kind) {
    case 'select': {
      const rows = compileFieldRows(field.rows, null, field.fields, context);
      return compileJsonList(field.fields, rows, context);
    }
    case 'select_one': {
      const rows = compileFieldRows(field.rows, null, field.fields, context, true);
      const row = compileRowsJson(field.fields, rows, context);
      return sql`(SELECT ${row.object} FROM ${rows.from} AS ${ident(rows.alias)}${row.lateral} LIMIT 1)`;
    }
    case 'aggregate':
      return compileAggregate(field.aggregate, null, context);
  }
}

/**
 * The root fields of a query that need the database, as ONE statement: each is a column of a
 * single-row SELECT, so they read one consistent snapshot in one round trip, and Postgres
 * returns each as JSON text that is written to the response without parsing.
 */
export function compileQuery(plan: QueryPlan): CompiledQuery | null {
  const context = createCompileContext();
  const fields = plan.rootFields.filter(isDatabaseField);
  if (fields.length === 0) return null;
  const sqlFields = fields.map((field) => field.alias);
  const timingColumn = fields.length;
  const timing = sql`${executionTime} AS ${ident(String(timingColumn))}`;
  // A query's only list or aggregate is the statement's own SELECT: aggregating without GROUP
  // BY, it gives exactly the one row.
  const only = fields.length === 1 ? fields[0]! : null;
  // Each answer leaves as its json value, not cast to text: the cast would copy the whole answer
  // once more inside Postgres. The bytes on the wire are the same, and Sluice reads them as bytes.
  // The columns are read in binary format, whose bytes are the text only for json and text: the
  // `::json` states the type the answers already have, and costs nothing then.
  const output = (json: Sql) => sql`(${json})::json AS ${ident('0')}, ${timing}`;
  if (only?.kind === 'select') {
    const rows = compileFieldRows(only.rows, null, only.fields, context);
    return { ...compileSql(compileListStatement(only.fields, rows, context, output)), sqlFields, timingColumn };
  }
  if (only?.kind === 'aggregate') {
    return { ...compileSql(compileAggregateSelect(only.aggregate, null, context, output)), sqlFields, timingColumn };
  }
  const columns = fields.map((field, i) => sql`(${compileRootField(field, context)})::json AS ${ident(String(i))}`);
  const { text, params } = compileSql(sql`SELECT ${join([...columns, timing])}`);
  return { text, params, sqlFields, timingColumn };
}
