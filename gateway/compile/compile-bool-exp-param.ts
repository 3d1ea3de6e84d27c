import type { Param } from '../plan/ir.js';
import { param, sql, typeName, type Sql } from './sql.js';

/** `($n)::"schema"."type"`: every value is a typed parameter, never text. */
export function compileParam(value: Param): Sql {
  return value.pgType ? sql`(${param(value)})::${typeName(value.pgType, value.array)}` : param(value);
}
