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

/** One row of the table in scope as a JSON object with the selected fields, in order. */
export function compileRowJson(fields: readonly Field[], alias: string, context: CompileContext): Sql {
  return compileJsonObject(fields.map((field) => [field.alias, compileField(field, alias, context)] as const));
}

/** A list of rows as a JSON array, `[]` when empty; ordered as the rows were. */
export function compileJsonList(rowJson: (alias: string) => Sql, rows: ReturnType<typeof compileRows>): Sql {
  const order = rows.outerOrder ? sql` ORDER BY ${rows.outerOrder}` : sql``;
  return sql`(SELECT coalesce(json_agg(${rowJson(rows.alias)}${order}), '[]'::json) FROM ${rows.from} AS ${ident(rows.alias)})`;
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
      return sql`(SELECT ${compileRowJson(field.fields, inner, context)} FROM ${table} AS ${ident(inner)} WHERE ${join(conditions, sql` AND `)} LIMIT 1)`;
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
