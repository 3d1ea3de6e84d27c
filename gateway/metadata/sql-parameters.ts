/**
 * Collects the values of one parameterised statement. Every value becomes `$n` cast to the
 * column's own type, so Postgres parses the text the way the column expects (`'{a,b}'` for
 * `text[]`, ISO strings for timestamps) instead of guessing from the JSON.
 */
import type { ColumnInfo, PgType } from '../../schema/model/database-model.js';
import { quoteQualifiedName } from './quote-identifier.js';

function isJsonType(type: PgType): boolean {
  if (type.schema === 'pg_catalog' && (type.name === 'json' || type.name === 'jsonb')) return true;
  return type.kind === 'domain' && type.elementType !== undefined && isJsonType(type.elementType);
}

/** The wire value for a JSON value going into `column`. */
export function columnValue(column: ColumnInfo, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  // pg would turn a JS array into a Postgres array literal; a json column wants the JSON text.
  if (isJsonType(column.type)) return JSON.stringify(value);
  if (typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value);
  return value;
}

export class SqlParameters {
  readonly values: unknown[] = [];

  /** `$n::"schema"."type"` for a value of the column (GeoJSON for PostGIS shapes, as in Hasura). */
  column(column: ColumnInfo, value: unknown): string {
    this.values.push(columnValue(column, value));
    const type = quoteQualifiedName(column.type);
    if ((column.type.name === 'geometry' || column.type.name === 'geography') && typeof value === 'object' && value !== null) {
      const fromGeoJson = quoteQualifiedName({ schema: column.type.schema, name: 'st_geomfromgeojson' });
      return `${fromGeoJson}($${this.values.length}::text)::${type}`;
    }
    return `$${this.values.length}::${type}`;
  }

  /** `$n::"schema"."type"[]` for a list of values of the column (`_in`). */
  columnList(column: ColumnInfo, values: readonly unknown[]): string {
    this.values.push(values.map((v) => columnValue(column, v)));
    return `$${this.values.length}::${quoteQualifiedName(column.type)}[]`;
  }

  /** A plain value whose type Postgres infers from the context (limits, offsets). */
  value(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
