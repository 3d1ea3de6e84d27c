import type { Param } from '../plan/ir.js';
import { ident, param, sql, typeName, type Sql } from './sql.js';

/** `($n)::"schema"."type"`: every value is a typed parameter, never text. */
export function compileParam(value: Param): Sql {
  if (value.encoding === 'geojson' && value.pgType && !value.array) {
    // GeoJSON in, a shape out: `ST_GeomFromGeoJSON` of PostGIS' own schema (cast for geography).
    const shape = sql`${ident(value.pgType.schema, 'st_geomfromgeojson')}((${param(value)})::text)`;
    return value.pgType.name === 'geography' ? sql`(${shape})::${typeName(value.pgType, false)}` : shape;
  }
  return value.pgType ? sql`(${param(value)})::${typeName(value.pgType, value.array)}` : param(value);
}
