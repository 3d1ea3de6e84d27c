import type { ColumnOutput, Field, RowSource } from '../plan/ir.js';
import { compileBoolExp, compileJoinCondition, compileParam } from './compile-bool-exp.js';
import type { CompileContext } from './compile-context.js';
import { compileJsonObject, compileText } from './compile-json-object.js';
import { compileRows, type CompiledRows, type Correlation } from './compile-rows.js';
import { compileAggregate } from './compile-aggregate.js';
import { ident, join, maxIdentifierBytes, sql, type Sql } from './sql.js';
import { compileFunctionCall } from './compile-function-call.js';
import { isSetBased } from './is-set-based.js';
import { readColumns } from './read-columns.js';
import { recordFields } from './record-fields.js';

export function compileColumn(output: ColumnOutput, alias: string, context: CompileContext): Sql {
  let value = ident(alias, output.column);
  if (output.jsonPath) value = sql`(${value} #> ${compileParam(output.jsonPath)})`;
  if (output.stringify) value = output.isArray ? sql`(${value})::text[]` : sql`(${value})::text`;
  // Hasura's GeoJSON: 15 digits, short CRS names (`EPSG:4326`).
  if (output.geoJson && !output.isArray) value = sql`(${ident(output.geoJson, 'st_asgeojson')}(${value}, 15, 4))::json`;
  if (output.condition) value = sql`(CASE WHEN ${compileBoolExp(output.condition, { alias }, context)} THEN ${value} END)`;
  return value;
}

/**
 * One row of the table in scope as JSON. `element` goes into `json_agg`, `object` is the row as
 * a JSON value, and `lateral` is a FROM item to write right after the row's own.
 */
export interface RowJson {
  readonly element: Sql;
  readonly object: Sql;
  readonly lateral: Sql;
}

/**
 * One row of the table in scope as a JSON object with the selected fields, in order.
 *
 * When every response key is the schema's name of its field, the row is a LATERAL record whose
 * columns are named by those keys, and `json_agg`/`to_json` turn it into an object: Postgres
 * converts a record about 30 % faster than `json_build_object` and writes it without blanks, so
 * lists are cheaper to build and to send. An alias is request text and never becomes SQL text,
 * so a selection with one is built with `json_build_object` and its keys as parameters.
 *
 * `parents` names a CTE holding every row of the list this row belongs to: array relationships
 * are then read for all of them at once (see `isSetBased`) and joined in, instead of one
 * correlated subquery per row.
 */
export function compileRowJson(fields: readonly Field[], alias: string, context: CompileContext, parents: string | null = null): RowJson {
  const joins: Sql[] = [];
  const values = fields.map((field) => {
    if (parents === null || !isSetBased(field)) return compileField(field, alias, context);
    const joined = context.nextAlias();
    const keys = field.hop.mapping.map((pair) => pair.to);
    const rows = compileRows(field.rows, { hop: field.hop, parents }, context, readColumns(field.fields, field.rows.orderBy, keys));
    const list = compileListSelect(field.fields, rows, context, keys);
    const on = field.hop.mapping.map((pair, i) => sql`${ident(joined, groupKey(i))} = ${ident(alias, pair.from)}`);
    joins.push(sql` LEFT JOIN (${list}) AS ${ident(joined)} ON ${join(on, sql` AND `)}`);
    // An array, not JSON: see compileListSelect. `'{}'` takes the list's array type.
    return sql`coalesce(${ident(joined, 'list')}, '{}')`;
  });
  const names = fields.map((field) => field.schemaName);
  if (names.every((name): name is string => name !== undefined && Buffer.byteLength(name) <= maxIdentifierBytes)) {
    const record = context.nextAlias();
    const columns = join(values.map((value, i) => sql`${value} AS ${ident(names[i]!)}`));
    // `"_n".*`, not `"_n"`: a bare name is first taken as a column, and a field may be named `_n`.
    const row = sql`${ident(record)}.*`;
    return { element: row, object: sql`to_json(${row})`, lateral: sql`${join(joins, sql``)} CROSS JOIN LATERAL (SELECT ${columns}) AS ${ident(record)}` };
  }
  const object = compileJsonObject(fields.map((field, i) => [field.alias, values[i]!] as const));
  return { element: object, object, lateral: join(joins, sql``) };
}

/** The row of a subquery whose columns are the JSON fields (record-fields.ts). */
function recordJson(alias: string): RowJson {
  const row = sql`${ident(alias)}.*`;
  return { element: row, object: sql`to_json(${row})`, lateral: sql`` };
}

/**
 * The rows that a list (or with `single`, an object) with these fields reads: selecting the
 * fields themselves when they are all columns of a small page (see record-fields.ts), else the
 * columns they read.
 */
export function compileFieldRows(rows: RowSource, correlation: Correlation | null, fields: readonly Field[], context: CompileContext, single = false): CompiledRows {
  const record = recordFields(fields, rows, single);
  return compileRows(rows, correlation, context, record ? { record } : readColumns(fields, rows.orderBy));
}

/** One row of `rows` as a JSON object with the selected fields, and the FROM items it needs. */
export function compileRowsJson(fields: readonly Field[], rows: CompiledRows, context: CompileContext, parents: string | null = null): RowJson {
  return rows.record ? recordJson(rows.alias) : compileRowJson(fields, rows.alias, context, parents);
}

/** Column names of a grouped list's key: fixed names, never request text. */
function groupKey(index: number): string {
  return `key${index}`;
}

/**
 * `SELECT json_agg(row) FROM rows`, or with `keys`, one list per key value
 * (`SELECT "key0", …, json_agg(row) AS "list" … GROUP BY …`).
 *
 * When some field of the rows is set-based, the rows become a CTE first, so that the field's
 * query can read their keys. Joining those lists in may reorder the rows, so the CTE numbers
 * them as they came (in the order asked for, or the table's) and the list follows that number.
 * The rows are read back from the CTE as exactly the table's columns: a computed field takes
 * the row as its table's type, which a row with the number in it would not be. (Keeping the
 * whole row as one value instead would fetch every TOASTed value of it, selected or not.)
 */
function compileListSelect(fields: readonly Field[], rows: CompiledRows, context: CompileContext, keys: readonly string[], output = (list: Sql) => list): Sql {
  const parents = fields.some(isSetBased) ? context.nextAlias() : null;
  const row = compileRowsJson(fields, rows, context, parents);
  const alias = ident(rows.alias);
  const select = (from: Sql, order: Sql | null) => {
    const ordered = order ? sql`${row.element} ORDER BY ${order}` : row.element;
    const keyColumns = keys.map((key, i) => sql`${ident(rows.alias, key)} AS ${ident(groupKey(i))}, `);
    const groupBy = keys.length > 0 ? sql` GROUP BY ${join(keys.map((key) => ident(rows.alias, key)))}` : sql``;
    // Grouped, a parent without rows has no group: the join's `coalesce` gives it its `{}`, `[]`
    // in JSON. A grouped list is an array of the rows' records (`array_agg`), not JSON: it is a
    // field of its parent's record, and the JSON of the outermost list then writes every level in
    // one pass. Nested as JSON, each level's text was copied out, scanned for its length and
    // copied in again by the level above: 12–15 % of Postgres's CPU on 20 artists → albums →
    // tracks (PG17), and the lists' `json_agg` puts a newline between elements.
    const list = keys.length > 0 ? sql`array_agg(${ordered}) AS "list"` : output(sql`coalesce(json_agg(${ordered}), '[]'::json)`);
    return sql`SELECT ${join(keyColumns, sql``)}${list} FROM ${from}${row.lateral}${groupBy}`;
  };
  if (!parents) return select(sql`${rows.from} AS ${alias}`, rows.outerOrder);
  const ordinal = freeColumnName('ordinal', rows.columns);
  const columns = join(rows.columns.map((column) => ident(parents, column)));
  const body = select(sql`${ident(parents)} CROSS JOIN LATERAL (SELECT ${columns}) AS ${alias}`, ident(parents, ordinal));
  return sql`WITH ${ident(parents)} AS (SELECT ${alias}.*, row_number() OVER () AS ${ident(ordinal)} FROM ${rows.from} AS ${alias}) ${body}`;
}

/** `name`, or `_name`, `__name`, …: the first that no column has. */
function freeColumnName(name: string, columns: readonly string[]): string {
  return columns.includes(name) ? freeColumnName(`_${name}`, columns) : name;
}

/**
 * A list of rows as a statement of its own, `SELECT <output(list)> FROM …`, rather than as a
 * scalar subquery of one: for a query whose only root field it is, Postgres then plans and runs
 * one query level fewer. Measured on PG17: 10–20 µs a run on a filtered page of 20 rows, 85 µs
 * on a list of 1,000 (of about 1,200 and 4,000).
 */
export function compileListStatement(fields: readonly Field[], rows: CompiledRows, context: CompileContext, output: (list: Sql) => Sql): Sql {
  return compileListSelect(fields, rows, context, [], output);
}

/** A list of rows as a JSON array, `[]` when empty; ordered as the rows were. */
export function compileJsonList(fields: readonly Field[], rows: CompiledRows, context: CompileContext): Sql {
  return sql`(${compileListSelect(fields, rows, context, [])})`;
}

function compileField(field: Field, alias: string, context: CompileContext): Sql {
  switch (field.kind) {
    case 'typename':
      return compileText(field.typename);
    case 'column':
      return compileColumn(field, alias, context);
    case 'object_relationship': {
      // A correlated subquery: at most one related row, or null.
      const inner = context.nextAlias();
      const conditions = [compileJoinCondition(field.hop, alias, inner)];
      if (field.hop.filter) conditions.push(compileBoolExp(field.hop.filter, { alias: inner }, context));
      const table = ident(field.hop.table.schema, field.hop.table.name);
      const row = compileRowJson(field.fields, inner, context);
      return sql`(SELECT ${row.object} FROM ${table} AS ${ident(inner)}${row.lateral} WHERE ${join(conditions, sql` AND `)} LIMIT 1)`;
    }
    case 'array_relationship': {
      const rows = compileFieldRows(field.rows, { hop: field.hop, outer: alias }, field.fields, context);
      return compileJsonList(field.fields, rows, context);
    }
    case 'array_aggregate':
      return compileAggregate(field.aggregate, { hop: field.hop, outer: alias }, context);
    case 'computed_scalar': {
      const value = compileFunctionCall(field.call, alias);
      const shown = field.condition ? sql`(CASE WHEN ${compileBoolExp(field.condition, { alias }, context)} THEN ${value} END)` : value;
      return field.stringify ? sql`(${shown})::text` : shown;
    }
    case 'computed_table': {
      const rows = compileFieldRows(field.rows, { hop: null, outer: alias }, field.fields, context);
      return compileJsonList(field.fields, rows, context);
    }
  }
}
