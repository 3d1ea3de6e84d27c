import type { ColumnOutput, Field } from '../plan/ir.js';
import { compileBoolExp, compileJoinCondition, compileParam } from './compile-bool-exp.js';
import type { CompileContext } from './compile-context.js';
import { compileJsonObject, compileText } from './compile-json-object.js';
import { compileRows } from './compile-rows.js';
import { compileAggregate } from './compile-aggregate.js';
import { ident, join, sql, type Sql } from './sql.js';
import { compileFunctionCall } from './compile-function-call.js';

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

/** Postgres truncates longer identifiers (NAMEDATALEN 64), which would change the key. */
const maxIdentifierBytes = 63;

/**
 * One row of the table in scope as a JSON object with the selected fields, in order.
 *
 * When every response key is the schema's name of its field, the row is a LATERAL record whose
 * columns are named by those keys, and `json_agg`/`to_json` turn it into an object: Postgres
 * converts a record about 30 % faster than `json_build_object` and writes it without blanks, so
 * lists are cheaper to build and to send. An alias is request text and never becomes SQL text,
 * so a selection with one is built with `json_build_object` and its keys as parameters.
 */
export function compileRowJson(fields: readonly Field[], alias: string, context: CompileContext): RowJson {
  const values = fields.map((field) => compileField(field, alias, context));
  const names = fields.map((field) => field.schemaName);
  if (names.every((name): name is string => name !== undefined && Buffer.byteLength(name) <= maxIdentifierBytes)) {
    const record = context.nextAlias();
    const columns = join(values.map((value, i) => sql`${value} AS ${ident(names[i]!)}`));
    // `"_n".*`, not `"_n"`: a bare name is first taken as a column, and a field may be named `_n`.
    const row = sql`${ident(record)}.*`;
    return { element: row, object: sql`to_json(${row})`, lateral: sql` CROSS JOIN LATERAL (SELECT ${columns}) AS ${ident(record)}` };
  }
  const object = compileJsonObject(fields.map((field, i) => [field.alias, values[i]!] as const));
  return { element: object, object, lateral: sql`` };
}

/** A list of rows as a JSON array, `[]` when empty; ordered as the rows were. */
export function compileJsonList(rowJson: (alias: string) => RowJson, rows: ReturnType<typeof compileRows>): Sql {
  const order = rows.outerOrder ? sql` ORDER BY ${rows.outerOrder}` : sql``;
  const row = rowJson(rows.alias);
  return sql`(SELECT coalesce(json_agg(${row.element}${order}), '[]'::json) FROM ${rows.from} AS ${ident(rows.alias)}${row.lateral})`;
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
      const rows = compileRows(field.rows, { hop: field.hop, outer: alias }, context);
      return compileJsonList((rowAlias) => compileRowJson(field.fields, rowAlias, context), rows);
    }
    case 'array_aggregate':
      return compileAggregate(field.aggregate, { hop: field.hop, outer: alias }, context);
    case 'computed_scalar': {
      const value = compileFunctionCall(field.call, alias);
      const shown = field.condition ? sql`(CASE WHEN ${compileBoolExp(field.condition, { alias }, context)} THEN ${value} END)` : value;
      return field.stringify ? sql`(${shown})::text` : shown;
    }
    case 'computed_table': {
      const rows = compileRows(field.rows, { hop: null, outer: alias }, context);
      return compileJsonList((rowAlias) => compileRowJson(field.fields, rowAlias, context), rows);
    }
  }
}
